"""The levels a catalog form offers, numbered and named ("2 · Practitioner")."""

from readiness.models import Level

LEVEL_CHOICES = [(level.value, f"{level.value} · {level.label}") for level in Level if level.value]
