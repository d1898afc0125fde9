"""The latest self and manager rating of each (person, skill), kept by the database.

``LatestRating`` is derived data: one row per (person, skill) with a rating, holding that
pair's newest self rating (level, moment, interest, id) and newest manager rating (level,
moment, id), "newest" being the latest ``created_at``, a tie going to the higher id. Triggers
installed by migration ``0019_latest_ratings`` keep it equal to the ratings in the same
transaction as every write of ``assessments_skillrating``, however it is written (the ORM,
``bulk_create``, raw SQL, ``psql``): on PostgreSQL statement-level triggers reading the
transition tables, on SQLite row-level ones. Nothing in the application writes it.

The states statement reads it (``selectors.latest.LATEST_TABLE``) instead of ranking each
person's ratings; the ranking stays as the tests' oracle (``selectors.latest.RANKED``).
Rows of skills no longer active stay (the readers filter on ``is_active``); the ratings'
``PROTECT`` keeps a rated skill from being deleted, and deleting a person deletes their
ratings first, which removes their rows. A writer that turns the triggers off
(``session_replication_role = replica``, bench/multiply.py) fills it itself.

On SQLite a migration that rebuilds ``assessments_skillrating`` (most ``AlterField``) drops
its triggers, these with them, so it must create them again (``SQLITE`` of migration 0019):
``test_the_triggers_are_installed`` (tests/assessments/selectors/test_latest_table.py) fails
while any is missing.
"""

from __future__ import annotations

from django.db import models

from readiness.models import Person, Skill


class LatestRating(models.Model):
    """A (person, skill)'s newest self and manager rating (derived; written by triggers)."""

    pk = models.CompositePrimaryKey("person", "skill")
    # No foreign-key constraints and no cascades: the ratings hold the references, and the
    # triggers remove a pair's row when its last rating goes.
    person = models.ForeignKey(
        Person, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    self_level = models.PositiveSmallIntegerField(null=True)
    self_at = models.DateTimeField(null=True)
    self_rating_id = models.BigIntegerField(null=True)
    #: The newest self rating's interest (None when that rating has none).
    interest = models.PositiveSmallIntegerField(null=True)
    manager_level = models.PositiveSmallIntegerField(null=True)
    manager_at = models.DateTimeField(null=True)
    manager_rating_id = models.BigIntegerField(null=True)

    class Meta:
        # Written by triggers only; the admin and the API never list it.
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.person_id} · {self.skill_id}: {self.self_level} / {self.manager_level}"
