"""The data version's rows (``readiness/data_version.py``)."""

from django.db import models


class DataChange(models.Model):
    """What ``readiness.caching`` reads as the data version: database triggers add one row per
    writing transaction (PostgreSQL) or count rows written (SQLite); see
    ``readiness/data_version.py``. Never written by the application itself."""

    weight = models.PositiveBigIntegerField(default=1)
    xid = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "data change"
        default_permissions = ()

    def __str__(self) -> str:
        return f"change {self.pk} (weight {self.weight})"


class PersonChange(models.Model):
    """A person's data version: triggers on the tables of a person's own rows (ratings,
    submissions, plan items, certifications, …) add one row per (person, writing transaction)
    here instead of moving the global version (PostgreSQL), or count that person's rows
    written (SQLite); see ``readiness/data_version.py``. Never written by the application."""

    person_id = models.BigIntegerField()
    weight = models.PositiveBigIntegerField(default=1)
    xid = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "person data change"
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["person_id", "xid"], name="readiness_personchange_person_xid"
            )
        ]

    def __str__(self) -> str:
        return f"change {self.pk} of person {self.person_id} (weight {self.weight})"
