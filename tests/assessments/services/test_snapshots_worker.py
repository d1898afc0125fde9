"""The snapshot task in chunks through a real Celery worker on Redis (two concurrent worker
threads): the rows equal one in-process run's, also with two sweeps of the same date at once.
Skips locally without Redis; fails in CI (CI=true or REQUIRE_SERVICES=1)."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import ReadinessSnapshot, SnapshotPart
from assessments.snapshots import snapshots_write
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TASK = "assessments.tasks.write_snapshots"
DATE = "2026-05-31"
TIMEOUT = 60


@pytest.fixture
def people(reminder_org, settings):
    clear_framework()
    settings.SWEEP_BATCH_SIZE = 2
    assessed = timezone.now() - dt.timedelta(days=10)
    return [
        add_person(reminder_org, f"s{i}", assessed_at=assessed if i % 3 else None) for i in range(9)
    ]


def rows() -> dict:
    return {
        (r.team_id, r.audience_id, r.skill_id): (
            r.people_in_scope,
            r.people_at_target,
            r.pairs_in_scope,
            r.pairs_at_target,
            r.mean_gap,
            r.people_assessed_within_cadence,
        )
        for r in ReadinessSnapshot.objects.filter(date=dt.date.fromisoformat(DATE))
    }


def test_two_sweeps_at_once_write_the_rows_of_one_run(require_postgres, worker_app, people):
    snapshots_write(date=dt.date.fromisoformat(DATE))
    whole = rows()
    ReadinessSnapshot.objects.all().delete()

    planned = [worker_app.send_task(TASK, kwargs={"date": DATE}) for _ in range(2)]
    finals = [result.get(timeout=TIMEOUT)["final_task_id"] for result in planned]
    totals = [worker_app.AsyncResult(final).get(timeout=TIMEOUT) for final in finals]

    assert [total["batches"] for total in totals] == [5, 5]  # 9 people, 2 a chunk
    assert [total["rows"] for total in totals] == [len(whole)] * 2
    assert rows() == whole
    assert not SnapshotPart.objects.exists()
