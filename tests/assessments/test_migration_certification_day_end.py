"""The data migration that moves the dated expiries written as 23:59 (entered by hand, an
Open Badge's) to the day's last instant, run with the historical models of its own state:
only those sources and that time move; a transcript's instant and a curated validity's
midnight stay; again it moves nothing; backwards restores 23:59. And the command that does the
same for rows an older worker wrote after it (``certifications_day_end``)."""

import datetime as dt
import importlib
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

MIGRATION = "0020_certification_expiry_day_end"
module = importlib.import_module(f"assessments.migrations.{MIGRATION}")
PARIS = ZoneInfo("Europe/Paris")  # the organization's time zone (settings.TIME_ZONE)
OLD_END = dt.datetime(2027, 1, 15, 23, 59, tzinfo=PARIS)
DAY_END = dt.datetime.combine(dt.date(2027, 1, 15), dt.time.max, tzinfo=PARIS)
MIDNIGHT = dt.datetime(2027, 3, 1, tzinfo=PARIS)
TRANSCRIPT = dt.datetime(2027, 1, 15, 22, 59, tzinfo=dt.UTC)  # 23:59 in Paris too


@pytest.fixture
def historical_apps():
    return MigrationExecutor(connection).loader.project_state(("assessments", MIGRATION)).apps


def test_dated_expiries_move_to_the_days_last_instant(historical_apps):
    PersonCertification = historical_apps.get_model("assessments", "PersonCertification")
    person = PersonFactory()

    def hold(name: str, source: str, expires_at: dt.datetime | None) -> int:
        row = PersonCertification.objects.create(
            person_id=person.pk, name=name, source=source, expires_at=expires_at
        )
        return row.pk

    by_hand = hold("By hand", "manual", OLD_END)
    by_badge = hold("By badge", "badge", OLD_END)
    stays = {
        hold("By transcript", "transcript", TRANSCRIPT): TRANSCRIPT,
        hold("By validity", "manual", MIDNIGHT): MIDNIGHT,
        hold("Never", "badge", None): None,
    }

    def expiries() -> dict[int, dt.datetime | None]:
        return dict(PersonCertification.objects.values_list("pk", "expires_at"))

    assert module.to_day_end(historical_apps, None) == 2
    assert expiries() == {by_hand: DAY_END, by_badge: DAY_END, **stays}
    assert module.to_day_end(historical_apps, None) == 0  # re-runnable
    assert module.to_old_end(historical_apps, None) == 2
    assert expiries() == {by_hand: OLD_END, by_badge: OLD_END, **stays}


def test_the_command_moves_rows_an_older_worker_wrote_after_the_migration():
    from assessments.models import PersonCertification

    person = PersonFactory()
    late = PersonCertification.objects.create(
        person=person, name="Written late", source="manual", expires_at=OLD_END
    )
    transcript = PersonCertification.objects.create(
        person=person, name="Transcript", source="transcript", expires_at=TRANSCRIPT
    )
    out = io.StringIO()
    call_command("certifications_day_end", stdout=out)
    assert out.getvalue().strip() == "1 certification expiry moved."
    late.refresh_from_db()
    transcript.refresh_from_db()
    assert (late.expires_at, transcript.expires_at) == (DAY_END, TRANSCRIPT)
    out = io.StringIO()
    call_command("certifications_day_end", stdout=out)
    assert out.getvalue().strip() == "0 certification expiries moved."
