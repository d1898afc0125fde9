"""The reminder sweep through a real Celery worker on the Redis broker (two concurrent worker
threads), in chunks of three people: run twice in a row, twice at once, with a batch delivered
twice, through a whole sequence to the digests, and after a crash midway, every email goes out
exactly once and each manager's digest once.

Locally these tests skip when Redis does not answer; in CI (CI=true or REQUIRE_SERVICES=1) they
fail instead. The locmem outbox is shared with the worker threads (same process). The tests
wait on the sweep's final task (its id is known in advance: ``final_task_id`` in the plan), never on a clock."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from assessments.models import Reminder, Sweep, SweepBatch
from tests.assessments.reminder_helpers import CrashingBackend
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

# The worker writes while the test reads: SQLite's shared in-memory test database answers
# "database table is locked", so the sweeps' tests need PostgreSQL (``require_postgres``).
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TASK = "assessments.tasks.send_reminders"
BATCH = "assessments.tasks.send_reminder_batch"
PEOPLE = 20
TIMEOUT = 60


@pytest.fixture
def due_people(reminder_org, settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.SWEEP_BATCH_SIZE = 3  # 20 people: 7 batches shared by the two worker threads
    org = reminder_org
    assessed = timezone.now() - dt.timedelta(days=100)
    return [add_person(org, f"w{i}", assessed_at=assessed) for i in range(PEOPLE)]


def sweep(app, **kwargs) -> dict:
    """Queue the daily task, wait for its plan, then for its final task: the sweep's totals."""
    planned = app.send_task(TASK, kwargs=kwargs).get(timeout=TIMEOUT)
    return app.AsyncResult(planned["final_task_id"]).get(timeout=TIMEOUT)


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_twice_in_a_row_sends_each_email_once(require_postgres, worker_app, due_people, mailoutbox):
    first = sweep(worker_app)
    second = sweep(worker_app)

    assert first["batches"] == 7 and first["people_due"] == PEOPLE
    assert first["sent"]["due"] == PEOPLE and second["sent"]["due"] == 0
    assert recipients() == sorted(p.email for p in due_people)


def test_twice_at_once_sends_each_email_once(require_postgres, worker_app, due_people, mailoutbox):
    # SQLite locks the whole database for a writer, so true concurrency needs PostgreSQL (CI).
    # Both queued before either runs: their 14 batches interleave on the two worker threads.
    planned = [worker_app.send_task(TASK) for _ in range(2)]
    finals = [result.get(timeout=TIMEOUT)["final_task_id"] for result in planned]
    totals = [worker_app.AsyncResult(final).get(timeout=TIMEOUT) for final in finals]

    assert sum(total["sent"]["due"] for total in totals) == PEOPLE
    assert recipients() == sorted(p.email for p in due_people)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == PEOPLE


def test_a_batch_delivered_twice_at_once_changes_nothing(
    require_postgres, worker_app, due_people, mailoutbox
):
    totals = sweep(worker_app)
    sweep_id = totals["sweep"]
    done = list(SweepBatch.objects.filter(sweep_id=sweep_id).values_list("number", "done_at"))
    ids = [person.pk for person in due_people[:3]]

    again = [
        worker_app.send_task(BATCH, kwargs={"sweep_id": sweep_id, "number": 0, "person_ids": ids})
        for _ in range(2)
    ]

    assert [result.get(timeout=TIMEOUT) for result in again] == [True, True]
    assert recipients() == sorted(p.email for p in due_people)
    assert (
        list(SweepBatch.objects.filter(sweep_id=sweep_id).values_list("number", "done_at")) == done
    )
    assert Sweep.objects.get(pk=sweep_id).totals == totals


def test_the_whole_sequence_ends_in_one_digest(
    require_postgres, worker_app, due_people, reminder_org, mailoutbox
):
    """Due, three weekly overdue reminders, then one digest to the team's manager listing all
    twenty (escalated in seven batches): the clock travels a week at a time."""
    start = timezone.now()
    for week in range(5):
        with time_machine.travel(start + dt.timedelta(days=7 * week), tick=True):
            totals = sweep(worker_app)
        sent = {kind: n for kind, n in totals["sent"].items() if n}
        assert sent == (
            {"due": PEOPLE} if week == 0 else {"overdue": PEOPLE} if week < 4 else {"escalation": 1}
        )

    digests = [m for m in mail.outbox if m.to == [reminder_org.manager.email]]
    assert len(digests) == 1
    assert all(f"W{i} Tester" in digests[0].body for i in range(PEOPLE))
    assert len(mail.outbox) == 4 * PEOPLE + 1
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_a_sweep_that_crashes_midway_is_finished_by_the_next(
    require_postgres, worker_app, due_people, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "tests.assessments.reminder_helpers.CrashingBackend"
    CrashingBackend.limit = PEOPLE // 2

    planned = worker_app.send_task(TASK).get(timeout=TIMEOUT)
    final = planned["final_task_id"]
    batches = [
        worker_app.AsyncResult(final.replace("-final", f"-{number}"))
        for number in range(planned["batches"])
    ]
    for batch in batches:
        batch.get(timeout=TIMEOUT, propagate=False)
    assert any(batch.failed() and "crashed mid-batch" in str(batch.result) for batch in batches)
    assert len(mail.outbox) == PEOPLE // 2
    assert Sweep.objects.get(pk=planned["sweep"]).finished_at is None

    CrashingBackend.limit = 1000
    finished = sweep(worker_app)

    assert finished["sent"]["due"] == PEOPLE - PEOPLE // 2
    assert recipients() == sorted(p.email for p in due_people)
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
