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
