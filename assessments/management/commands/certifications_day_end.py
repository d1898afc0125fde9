"""Move dated certification expiries still stored at 23:59 to the day's last instant: what
migration ``assessments/0020`` did, for the rows written after it by workers of the release
before it (a rolling deploy: the old code's ``day_end`` wrote 23:59)."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand

MIGRATION = importlib.import_module("assessments.migrations.0020_certification_expiry_day_end")


class Command(BaseCommand):
    help = (
        "Move the certifications entered by hand or from an Open Badge whose expiry is still "
        "23:59:00 (organization time) to the day's last instant, as migration assessments/0020 "
        "did. Run it once the last worker of the release before 0020 has stopped. Safe to "
        "repeat: a moved row is no longer at 23:59."
    )

    def handle(self, *args, **options) -> None:
        moved = MIGRATION.to_day_end(apps, None)
        self.stdout.write(f"{moved} certification expir{'y' if moved == 1 else 'ies'} moved.")
