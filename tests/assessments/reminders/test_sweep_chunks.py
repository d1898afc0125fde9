"""The daily reminder task in chunks (``assessments.reminders.chunks``), in this process: the
batches and the digests run inline (CELERY_TASK_ALWAYS_EAGER, as `make run` may), each person
reminded once, one digest per manager across batches, the sweep's totals across batches, a
batch or the final step run again changing nothing, and a constant query count per batch."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Reminder, Sweep, SweepBatch
from assessments.reminders.chunks import batches_steps, reminders_batch_send, reminders_plan
from assessments.tasks import send_reminder_batch, send_reminder_digests, send_reminders
from readiness.celery import app as celery_app
from tests.assessments.reminder_helpers import at
from tests.factories import UserFactory
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

pytestmark = pytest.mark.django_db

ASSESSED = at(dt.date(2026, 1, 5), 9)  # + 90 days = Sunday 5 April 2026
DUE = dt.date(2026, 4, 5)


@pytest.fixture(autouse=True)
def _setup(settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.TIME_ZONE = "Europe/Paris"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SWEEP_BATCH_SIZE = 2


@pytest.fixture
def eager():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def five_due(reminder_org):
    """Five people due on DUE, four in Platform (manager Maya), one in Data (manager Olga)."""
    org = reminder_org
    data = org.team.__class__.objects.create(name="Data", parent=org.department)
    olga = UserFactory(username="olga")
    data.managers.add(olga)
    people = [add_person(org, name, assessed_at=ASSESSED) for name in ("ana", "ben", "cid", "dan")]
    people.append(add_person(org, "eve", assessed_at=ASSESSED, team=data))
    return org, olga, people


class FailsOnBen(EmailBackend):
    """The locmem backend, failing as a worker that dies mid-batch would on Ben's message."""

    def send_messages(self, messages):  # noqa: ANN001, ANN201
        if any(message.to[0].startswith("ben") for message in messages):
            raise RuntimeError("worker crashed mid-batch")
        return super().send_messages(messages)


def sweep_on(day: dt.date) -> dict:
    with time_machine.travel(at(day), tick=False):
        return send_reminders.delay().get()


def test_each_due_person_is_reminded_once_across_batches(eager, five_due, mailoutbox):
    _, _, people = five_due

    result = sweep_on(DUE)

    assert result["finished"] and result["batches"] == 3  # 5 people, 2 per batch
    assert result["people_due"] == 5 and result["sent"]["due"] == 5
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    sweep = Sweep.objects.get(pk=result["sweep"])
    assert sweep.totals["sent"] == result["sent"]
    assert not SweepBatch.objects.filter(sweep=sweep, done_at__isnull=True).exists()


def test_one_digest_per_manager_lists_people_of_every_batch(eager, five_due, mailoutbox):
    org, olga, _ = five_due
    for week in range(4):
        sweep_on(DUE + dt.timedelta(days=7 * week))
    start = len(mail.outbox)

    result = sweep_on(DUE + dt.timedelta(days=28))

    digests = {m.to[0]: m for m in mail.outbox[start:]}
    assert set(digests) == {org.manager.email, olga.email}
    for name in ("Ana", "Ben", "Cid", "Dan"):  # in batches 0 and 1
        assert f"{name} Tester" in digests[org.manager.email].body
    assert "Eve Tester" in digests[olga.email].body
    assert result["sent"] == {
        "due": 0,
        "overdue": 0,
        "escalation": 2,
        "cert_expiry": 0,
        "cert_digest": 0,
    }
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_a_batch_or_the_digests_run_again_change_nothing(eager, five_due, mailoutbox):
    result = sweep_on(DUE)
    sweep = Sweep.objects.get(pk=result["sweep"])
    done = list(SweepBatch.objects.filter(sweep=sweep).values_list("number", "done_at"))
    first = Reminder.objects.get(person__user__username="ana")

    with time_machine.travel(at(DUE, 9), tick=False):
        for _ in range(2):  # a re-delivered batch, twice
            send_reminder_batch.delay(sweep_id=sweep.pk, number=0, person_ids=[first.person_id])
        again = send_reminder_digests.delay(sweep_id=sweep.pk).get()

    assert len(mailoutbox) == 5
    assert again == Sweep.objects.get(pk=sweep.pk).totals
    assert again["sent"] == result["sent"] and again["sent"]["due"] == 5
    assert list(SweepBatch.objects.filter(sweep=sweep).values_list("number", "done_at")) == done
    assert Reminder.objects.count() == 5


def test_nobody_due_still_finishes_the_sweep(eager, reminder_org, mailoutbox):
    add_person(reminder_org, "ana", assessed_at=ASSESSED)

    result = sweep_on(DUE - dt.timedelta(days=10))

    assert result["finished"] and result["batches"] == 0 and result["sent"]["due"] == 0
    assert mailoutbox == []


@pytest.mark.parametrize("size", [2, 7])
def test_queries_per_batch_do_not_grow_with_its_size(reminder_org, size, mailoutbox):
    for i in range(size):
        add_person(reminder_org, f"q{i}", assessed_at=ASSESSED)
    with time_machine.travel(at(DUE), tick=False):
        sweep, batches = reminders_plan(batch_size=50)
        with CaptureQueriesContext(connection) as queries:
            last = reminders_batch_send(sweep_id=sweep.pk, number=0, person_ids=batches[0])

    assert last and len(mailoutbox) == size
    # 1 the sweep; the due rule over the batch's people: 1 due-date statement, 1 open cycles
    # (none); 1 the steps already recorded, 1 insert (claim), 1 read back this run's claims
    # (with the people), 1 mark sent, 1 the webhook endpoints (the "person.due" events, none
    # subscribed); 1 mark the batch done, 1 any batch left. Savepoints left out.
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 10, "\n".join(statements)


def test_a_batch_that_crashed_is_counted_whole_once_run_again(
    eager, five_due, mailoutbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnBen"
    result = sweep_on(DUE)  # batch 0 sends Ana, then fails on Ben
    assert not result["finished"] and len(mailoutbox) == 4
    sweep = Sweep.objects.get(pk=result["sweep"])
    ana_and_ben = list(SweepBatch.objects.filter(sweep=sweep, done_at__isnull=True))
    assert [batch.number for batch in ana_and_ben] == [0]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(at(DUE, 9), tick=False):
        ids = sorted(Reminder.objects.values_list("person_id", flat=True))[:2]
        send_reminder_batch.delay(sweep_id=sweep.pk, number=0, person_ids=ids)

    sweep.refresh_from_db()
    assert sweep.finished_at is not None and sweep.totals["sent"]["due"] == 5
    assert len(mailoutbox) == 5


def test_the_admin_shows_a_sweep_its_batches_and_totals(eager, five_due, admin_client):
    result = sweep_on(DUE)

    page = admin_client.get(reverse("admin:assessments_sweep_change", args=[result["sweep"]]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Reminder sweep of 2026-04-05 (3 batches)" in html and "Sweep batches" in html
    assert html.count("field-number") == 3


def test_a_sweeps_steps_are_found_by_the_prefix_index(
    require_postgres, eager, five_due, mailoutbox
):
    """The totals and the digests' takeover find the sweep's steps by its token's prefix, a
    range of the index ``reminder_claims``, not by reading every step ever recorded; a run's
    own steps by its token, the same index. Sequential scans are off: without a usable index
    the plan would still be one."""
    sweep = Sweep.objects.get(pk=sweep_on(DUE)["sweep"])
    sent = batches_steps(sweep).filter(sent_at__isnull=False)
    unsent = batches_steps(sweep).filter(sent_at__isnull=True)
    token = Reminder.objects.values_list("claimed_by", flat=True).first()
    held = Reminder.objects.filter(claimed_by=token, sent_at__isnull=True)
    assert sent.count() == 5

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = [sent.explain(), unsent.explain(), held.explain()]

    prefix_range = f"~>=~ '{sweep.token}b'"
    # An index condition, a range of the index (not a filter over all of it).
    assert all("reminder_claims" in plan and prefix_range in plan for plan in plans[:2]), plans
    assert "reminder_claims" in plans[2] and f"= '{token}'" in plans[2], plans


def test_marking_a_step_sent_can_be_a_heap_only_update(require_postgres):
    """No index of the reminders reads ``sent_at`` (an update of an indexed column writes
    every index), and their pages leave room for the new version of each row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'assessments_reminder'")
        indexes = [definition for (definition,) in cursor.fetchall()]
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'assessments_reminder'")
        (options,) = cursor.fetchone()

    assert len(indexes) >= 5 and not [d for d in indexes if "sent_at" in d], indexes
    assert "fillfactor=50" in options
