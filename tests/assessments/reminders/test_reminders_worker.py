"""The reminder task through a real Celery worker on the Redis broker (two worker threads):
run twice in a row, twice at once, and after a crash midway, every email goes out exactly once.

Locally these tests skip when Redis does not answer; in CI (CI=true or REQUIRE_SERVICES=1) they
fail instead. The locmem outbox is shared with the worker threads (same process)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from assessments.models import Reminder
from tests.assessments.reminder_helpers import CrashingBackend
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TASK = "assessments.tasks.send_reminders"
PEOPLE = 20
TIMEOUT = 60


@pytest.fixture
def due_people(reminder_org, settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    org = reminder_org
    assessed = timezone.now() - dt.timedelta(days=100)
    return [add_person(org, f"w{i}", assessed_at=assessed) for i in range(PEOPLE)]


def run(app, **kwargs):
    return app.send_task(TASK, kwargs=kwargs)


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_twice_in_a_row_sends_each_email_once(celery_worker_app, due_people, mailoutbox):
    first = run(celery_worker_app).get(timeout=TIMEOUT)
    second = run(celery_worker_app).get(timeout=TIMEOUT)

    assert first["sent"]["due"] == PEOPLE and second["sent"]["due"] == 0
    assert recipients() == sorted(p.email for p in due_people)


def test_twice_at_once_sends_each_email_once(
    require_postgres, celery_worker_app, due_people, mailoutbox
):
    # SQLite locks the whole database for a writer, so true concurrency needs PostgreSQL (CI).
    # Both queued before either runs: the two worker threads take one each, concurrently.
    results = [run(celery_worker_app), run(celery_worker_app)]
    totals = [result.get(timeout=TIMEOUT)["sent"]["due"] for result in results]

    assert sum(totals) == PEOPLE
    assert recipients() == sorted(p.email for p in due_people)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == PEOPLE


def test_a_run_that_crashes_midway_is_finished_by_the_next(
    celery_worker_app, due_people, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "tests.assessments.reminder_helpers.CrashingBackend"
    CrashingBackend.limit = PEOPLE // 2

    crashed = run(celery_worker_app)
    crashed.get(timeout=TIMEOUT, propagate=False)
    assert crashed.failed() and "crashed mid-batch" in str(crashed.result)
    assert len(mail.outbox) == PEOPLE // 2

    CrashingBackend.limit = 1000
    finished = run(celery_worker_app).get(timeout=TIMEOUT)

    assert finished["sent"]["due"] == PEOPLE - PEOPLE // 2
    assert recipients() == sorted(p.email for p in due_people)
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
