"""Reminders, service level: the whole sequence in time travel, what ends it, who is in scope,
exactly-once under reruns, interleaved runs and crashes, and a bounded query count per batch."""

import datetime as dt
import gc

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import AssessmentSubmission, Reminder
from assessments.reminders import run as reminder_run
from assessments.reminders.claim import LEASE, claim, release
from assessments.reminders.plan import sequence_of, step_row
from assessments.reminders.run import reminders_send
from assessments.reminders.state import ReminderRun
from assessments.selectors import people_reassessment
from assessments.services.me import self_assessment_confirm
from readiness.models import Person
from tests.assessments.reminder_helpers import at
from tests.factories import AssessmentCycleFactory, SkillFactory, UserFactory
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
    settings.SITE_URL = "https://readiness.example.com"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def org(reminder_org):
    return reminder_org


def run_days(first: dt.date, last: dt.date, hour: int = 8) -> dict[dt.date, list[tuple]]:
    """Run the daily task every day from ``first`` to ``last``; what each day sent."""
    sent: dict[dt.date, list[tuple]] = {}
    day = first
    while day <= last:
        with time_machine.travel(at(day, hour), tick=False):
            start = len(mail.outbox)
            reminders_send()
            messages = mail.outbox[start:]
        if messages:
            sent[day] = [(m.to[0], m.subject) for m in messages]
        day += dt.timedelta(days=1)
    return sent


def days(*offsets: int, base: dt.date = DUE) -> list[dt.date]:
    return [base + dt.timedelta(days=offset) for offset in offsets]


# --- The sequence -----------------------------------------------------------------------------


def test_due_then_three_overdue_then_one_digest_per_manager(org, mailoutbox):
    ana = add_person(org, "ana", assessed_at=ASSESSED)
    ben = add_person(org, "ben", assessed_at=ASSESSED)
    # Another team, another manager: a digest of their own.
    other_team = org.team.__class__.objects.create(name="Data", parent=org.department)
    other_manager = UserFactory(username="olga")
    other_team.managers.add(other_manager)
    cid = add_person(org, "cid", assessed_at=ASSESSED, team=other_team)

    sent = run_days(DUE - dt.timedelta(days=3), DUE + dt.timedelta(days=40))

    assert sorted(sent) == days(0, 7, 14, 21, 28)
    assert sorted(to for to, _ in sent[DUE]) == sorted([ana.email, ben.email, cid.email])
    assert all("due" in subject for _, subject in sent[DUE])
    for number, day in enumerate(days(7, 14, 21), start=1):
        assert len(sent[day]) == 3
        assert all(subject.startswith(f"Reminder {number} of 3") for _, subject in sent[day])
    digests = dict(sent[DUE + dt.timedelta(days=28)])
    assert set(digests) == {org.manager.email, other_manager.email}
    assert digests[org.manager.email].startswith("2 people in your teams are overdue")
    assert digests[other_manager.email].startswith("1 person in your teams is overdue")
    digest = next(m for m in mailoutbox if m.to == [org.manager.email])
    assert "Ana Tester" in digest.body and "Ben Tester" in digest.body
    assert "Cid Tester" not in digest.body
    # Every step is recorded once, and sent.
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    assert Reminder.objects.filter(person=ana).count() == 5


def test_quick_review_ends_the_sequence_and_a_new_due_date_starts_a_new_one(org, mailoutbox):
    ana = add_person(org, "ana", assessed_at=ASSESSED)

    sent = run_days(DUE, DUE + dt.timedelta(days=8))
    assert sorted(sent) == days(0, 7)

    with time_machine.travel(at(DUE + dt.timedelta(days=8), 14), tick=False):
        self_assessment_confirm(person=ana, user=ana.user)
    assert AssessmentSubmission.objects.get(person=ana).kind == "quick_review"

    # Nothing for the rest of the old sequence; the next due date (+90 days) starts afresh.
    new_due = DUE + dt.timedelta(days=8 + 90)
    sent = run_days(DUE + dt.timedelta(days=9), new_due + dt.timedelta(days=3))
    assert sorted(sent) == [new_due]
    assert "due" in sent[new_due][0][1] and not sent[new_due][0][1].startswith("Reminder")
    periods = set(Reminder.objects.filter(person=ana).values_list("period", flat=True))
    assert len(periods) == 2


def test_a_skill_interval_shortens_the_cadence(org, mailoutbox):
    fast = SkillFactory(name="Fast-moving test skill", reassessment_interval_days=30)
    ana = add_person(org, "ana", assessed_at=ASSESSED, skill=fast)
    add_person(org, "ben", assessed_at=ASSESSED)  # default cadence: due in April

    sent = run_days(dt.date(2026, 2, 1), dt.date(2026, 2, 10))

    assert sent == {
        dt.date(2026, 2, 4): [
            (ana.email, "Your skills self-assessment is due today (4 February 2026)")
        ]
    }


def test_never_assessed_person_gets_one_due_email_then_weekly_overdue(org, mailoutbox):
    ana = add_person(org, "ana", assessed_at=None)
    start = dt.date(2026, 3, 2)

    sent = run_days(start, start + dt.timedelta(days=29))

    # Their due date is "now" every day: the sequence stays one (keyed on "never").
    assert sorted(sent) == days(0, 7, 14, 21, 28, base=start)
    assert set(Reminder.objects.filter(person=ana).values_list("period", flat=True)) == {
        "cadence:never"
    }


def test_a_late_start_spaces_steps_a_week_apart(org, mailoutbox):
    # Due long before the first run (the product was just installed): due, then weekly.
    add_person(org, "ana", assessed_at=ASSESSED)
    first_run = DUE + dt.timedelta(days=60)

    sent = run_days(first_run, first_run + dt.timedelta(days=29))

    assert sorted(sent) == days(0, 7, 14, 21, 28, base=first_run)
    assert sent[first_run][0][1] == "Your skills self-assessment was due on 5 April 2026"


def test_deactivated_people_and_people_without_email_get_nothing(org, mailoutbox):
    add_person(org, "ana", assessed_at=ASSESSED, is_active=False)
    ben = add_person(org, "ben", assessed_at=ASSESSED)
    ben.user.email = ""
    ben.user.save()

    assert run_days(DUE, DUE + dt.timedelta(days=30)) == {}
    assert not Reminder.objects.exists()


def test_days_follow_the_organization_time_zone(org, mailoutbox):
    add_person(org, "ana", assessed_at=ASSESSED)

    # 23:30 in Paris on 4 April is 21:30 UTC: not due yet. 00:30 on the 5th is 22:30 UTC.
    with time_machine.travel(dt.datetime(2026, 4, 4, 21, 30, tzinfo=dt.UTC), tick=False):
        reminders_send()
    assert mailoutbox == []
    with time_machine.travel(dt.datetime(2026, 4, 4, 22, 30, tzinfo=dt.UTC), tick=False):
        reminders_send()
    assert len(mailoutbox) == 1


# --- Cycles -----------------------------------------------------------------------------------


def cycle_for(org, *, opens_on, due_on, include_subteams=True, **extra):
    cycle = AssessmentCycleFactory(
        name="Spring review",
        opens_on=opens_on,
        due_on=due_on,
        include_subteams=include_subteams,
        **extra,
    )
    cycle.teams.add(org.department)
    return cycle


def test_cycle_covers_sub_teams_and_runs_its_own_sequence(org, mailoutbox):
    recent = at(dt.date(2026, 5, 20), 9)  # well within cadence: only the cycle makes them due
    ana = add_person(org, "ana", assessed_at=recent)  # in the sub-team Platform
    boss = add_person(org, "boss", assessed_at=recent, team=org.department)
    outsider = add_person(
        org, "out", assessed_at=recent, team=org.team.__class__.objects.create(name="Sales")
    )
    cycle = cycle_for(org, opens_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 6, 15))

    sent = run_days(dt.date(2026, 5, 30), dt.date(2026, 7, 20))

    assert sorted(sent) == days(0, 21, 28, 35, 42, base=dt.date(2026, 6, 1))
    assert sorted(to for to, _ in sent[dt.date(2026, 6, 1)]) == sorted([ana.email, boss.email])
    assert (
        sent[dt.date(2026, 6, 1)][0][1]
        == "Spring review: your skills self-assessment is due by 15 June 2026"
    )
    assert outsider.email not in {to for day in sent.values() for to, _ in day}
    # Ana escalates to her team's manager; the department head manages Boss's team.
    escalation = dict(sent[dt.date(2026, 7, 13)])
    assert set(escalation) == {org.manager.email, org.department_head.email}
    assert set(Reminder.objects.values_list("cycle", flat=True)) == {cycle.pk}


def test_cycle_without_sub_teams_leaves_them_out(org, mailoutbox):
    recent = at(dt.date(2026, 5, 20), 9)
    add_person(org, "ana", assessed_at=recent)  # sub-team
    boss = add_person(org, "boss", assessed_at=recent, team=org.department)
    cycle_for(
        org, opens_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 6, 15), include_subteams=False
    )

    sent = run_days(dt.date(2026, 6, 1), dt.date(2026, 6, 1))

    assert [to for to, _ in sent[dt.date(2026, 6, 1)]] == [boss.email]


def test_submitting_in_the_cycle_ends_its_sequence(org, mailoutbox):
    recent = at(dt.date(2026, 5, 20), 9)
    ana = add_person(org, "ana", assessed_at=recent)
    cycle = cycle_for(org, opens_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 6, 15))
    run_days(dt.date(2026, 6, 1), dt.date(2026, 6, 22))
    assert len(mailoutbox) == 2  # due, overdue 1

    with time_machine.travel(at(dt.date(2026, 6, 23), 10), tick=False):
        self_assessment_confirm(person=ana, user=ana.user, cycle=cycle)

    assert run_days(dt.date(2026, 6, 23), dt.date(2026, 7, 31)) == {}


def test_closed_or_draft_cycles_send_nothing(org, mailoutbox):
    recent = at(dt.date(2026, 5, 20), 9)
    add_person(org, "ana", assessed_at=recent)
    cycle_for(org, opens_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 6, 15), status="draft")
    cycle_for(org, opens_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 6, 15), status="closed")

    assert run_days(dt.date(2026, 6, 1), dt.date(2026, 6, 30)) == {}


def test_escalation_goes_up_when_the_team_has_no_other_manager(org, mailoutbox):
    # Maya manages Platform and is overdue herself: her digest goes to the department head.
    maya = add_person(org, "maya", assessed_at=ASSESSED)
    org.team.managers.set([maya.user])

    sent = run_days(DUE, DUE + dt.timedelta(days=30))
    digests = [(to, s) for day in sent.values() for to, s in day if "overdue with" in s]
    assert digests == [(org.department_head.email, digests[0][1])]


# --- Exactly once -----------------------------------------------------------------------------


def five_people(org) -> list[Person]:
    return [add_person(org, f"p{i}", assessed_at=ASSESSED) for i in range(5)]


def test_running_twice_sends_nothing_twice(org, mailoutbox):
    five_people(org)
    with time_machine.travel(at(DUE), tick=False):
        first = reminders_send()
        second = reminders_send()

    assert first.counts()["due"] == 5 and second.sent == []
    assert len(mailoutbox) == 5


class ReentrantBackend(EmailBackend):
    """While the first run sends its first message, a second run starts and finishes: the
    worst interleaving of two workers (the second sees the first's claims, unsent)."""

    nested_result = None

    def send_messages(self, messages):
        if ReentrantBackend.nested_result is None:
            ReentrantBackend.nested_result = "running"
            ReentrantBackend.nested_result = reminders_send(batch_size=2)
        return super().send_messages(messages)


def test_interleaved_runs_send_each_email_once(org, mailoutbox, settings):
    people = five_people(org)
    settings.EMAIL_BACKEND = f"{__name__}.ReentrantBackend"
    ReentrantBackend.nested_result = None

    with time_machine.travel(at(DUE), tick=False):
        outer = reminders_send(batch_size=2)

    nested = ReentrantBackend.nested_result
    assert len(outer.sent) + len(nested.sent) == 5
    assert len(nested.sent) > 0  # the nested run did take the batches the outer had not reached
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)


class ReentrantOtherBatchBackend(EmailBackend):
    """The same interleaving, with a second run whose batches straddle the first run's: its
    batch holds people the first run claimed and is sending (unsent yet) next to people it
    claims itself, so only the claim's token tells which rows are its to send."""

    nested_batch_size = 3
    nested_result = None

    def send_messages(self, messages):
        cls = ReentrantOtherBatchBackend
        if cls.nested_result is None:
            cls.nested_result = "running"
            cls.nested_result = reminders_send(batch_size=cls.nested_batch_size)
        return super().send_messages(messages)


@pytest.mark.parametrize("nested_batch_size", [1, 3, 5])
def test_interleaved_runs_with_other_batch_sizes_send_each_email_once(
    org, mailoutbox, settings, nested_batch_size
):
    people = five_people(org)
    settings.EMAIL_BACKEND = f"{__name__}.ReentrantOtherBatchBackend"
    ReentrantOtherBatchBackend.nested_result = None
    ReentrantOtherBatchBackend.nested_batch_size = nested_batch_size

    with time_machine.travel(at(DUE), tick=False):
        outer = reminders_send(batch_size=2)

    nested = ReentrantOtherBatchBackend.nested_result
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert len(outer.sent) + len(nested.sent) == 5
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


class FailingBackend(EmailBackend):
    """Accepts ``limit`` messages, then fails as a mail server going away would."""

    limit = 0

    def send_messages(self, messages):
        if len(mail.outbox) >= FailingBackend.limit:
            raise ConnectionRefusedError("mail server went away")
        return super().send_messages(messages)


def test_a_run_that_fails_midway_is_finished_by_the_next(org, mailoutbox, settings):
    people = five_people(org)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.limit = 2

    with time_machine.travel(at(DUE), tick=False):
        with pytest.raises(ConnectionRefusedError):
            reminders_send(batch_size=3)
        assert len(mailoutbox) == 2
        assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
        FailingBackend.limit = 100
        reminders_send(batch_size=3)

    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


class CollectorWatchingBackend(EmailBackend):
    """The locmem backend, noting whether the cycle collector ran while it sent."""

    seen: list[bool] = []

    def send_messages(self, messages):
        CollectorWatchingBackend.seen.append(gc.isenabled())
        return super().send_messages(messages)


def test_the_cycle_collector_is_paused_during_a_run_and_back_after(org, mailoutbox, settings):
    five_people(org)
    settings.EMAIL_BACKEND = f"{__name__}.CollectorWatchingBackend"
    CollectorWatchingBackend.seen = []

    with time_machine.travel(at(DUE), tick=False):
        reminders_send(batch_size=3)
    assert gc.isenabled() and CollectorWatchingBackend.seen == [False] * 5

    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.limit = 0
    with time_machine.travel(at(DUE + dt.timedelta(days=7)), tick=False):
        with pytest.raises(ConnectionRefusedError):
            reminders_send(batch_size=3)
        assert gc.isenabled()  # back after a failure too

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        gc.disable()  # a caller that paused it keeps it paused
        try:
            reminders_send(batch_size=3)
            assert not gc.isenabled()
        finally:
            gc.enable()
    assert len(mailoutbox) == 10


def test_a_killed_run_is_finished_after_the_lease(org, mailoutbox, settings, monkeypatch):
    people = five_people(org)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.limit = 2
    # A killed worker releases nothing: its claims stay until the lease expires.
    monkeypatch.setattr(reminder_run, "release", lambda run: None)

    with time_machine.travel(at(DUE), tick=False) as traveller:
        with pytest.raises(ConnectionRefusedError):
            reminders_send()
        FailingBackend.limit = 100
        assert reminders_send().sent == []  # still held by the dead run
        traveller.shift(LEASE + dt.timedelta(minutes=1))
        assert len(reminders_send().sent) == 3

    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)


def test_a_crash_before_the_digests_loses_no_escalation(org, mailoutbox, settings, monkeypatch):
    ana = add_person(org, "ana", assessed_at=ASSESSED)
    run_days(DUE, DUE + dt.timedelta(days=27))
    escalation_day = at(DUE + dt.timedelta(days=28))

    def crash(run):
        raise RuntimeError("worker lost")

    with time_machine.travel(escalation_day, tick=False):
        with monkeypatch.context() as patch:
            patch.setattr(reminder_run, "send_digests", crash)
            with pytest.raises(RuntimeError):
                reminders_send()
        assert Reminder.objects.filter(kind="escalation", sent_at__isnull=True).count() == 1
        reminders_send()
        reminders_send()

    digests = [m for m in mailoutbox if m.to == [org.manager.email]]
    assert len(digests) == 1 and ana.display_name in digests[0].body


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 9])
def test_queries_per_batch_do_not_grow_with_people(org, size, mailoutbox):
    for i in range(size):
        add_person(org, f"q{i}", assessed_at=ASSESSED)
    cycle_for(org, opens_on=dt.date(2026, 1, 1), due_on=dt.date(2026, 12, 1)).teams.clear()

    with time_machine.travel(at(DUE), tick=False), CaptureQueriesContext(connection) as queries:
        result = reminders_send(batch_size=50)

    assert len(mailoutbox) == size
    # 1 count the people who can receive mail; the due rule, once for all of them: 1 due-date
    # statement, 1 open cycles + 2 prefetches (audiences, teams) + 1 per open cycle; then per
    # batch of due people: 1 the open cycles for the emails (first batch only), 1 the steps
    # already recorded, 1 insert (claim), 1 read back this run's claims (with the people),
    # 1 mark sent, 1 the webhook endpoints (the "person.due" events, none subscribed); 1 the
    # certifications expiring within the digest's window (none); 1 this run's digest claims
    # (escalations and expiring certifications: none). Savepoints left out.
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 14, "\n".join(statements)
    assert result.people_checked == size


# --- The claim, step by step (each line of the protocol that a run's outcome hangs on) --------


def test_an_escalation_and_a_first_reminder_in_the_same_batch_both_go_out(org, mailoutbox):
    """One batch holds a person escalated today and another due today: both steps are
    claimed (the escalation rows are added to the batch's rows, not put in their place)."""
    early = add_person(org, "early", assessed_at=ASSESSED)
    late = add_person(org, "late", assessed_at=ASSESSED + dt.timedelta(days=28))

    sent = run_days(DUE, DUE + dt.timedelta(days=28))

    last_day = sent[DUE + dt.timedelta(days=28)]
    assert (late.email, next(s for to, s in last_day if to == late.email)) in last_day
    assert any(to == org.manager.email for to, _ in last_day)  # the early one's escalation
    assert early.email not in [to for to, _ in last_day]


def _step(person, *, claimed_by: str, claimed_at) -> Reminder:  # noqa: ANN001
    return Reminder.objects.create(
        person=person,
        kind="due",
        period="cadence:never",
        sequence=0,
        due_on=DUE,
        claimed_by=claimed_by,
        claimed_at=claimed_at,
    )


def test_a_claim_never_takes_a_step_another_live_run_holds(org):
    person = add_person(org, "held", assessed_at=ASSESSED)
    with time_machine.travel(at(DUE), tick=False):
        now = timezone.now()
        held = _step(person, claimed_by="other-run", claimed_at=now - LEASE / 2)
        run = ReminderRun(today=DUE)
        # Taken over only when its lease has expired, even if asked to (a race with the plan).
        claim(run, [], [held.pk])
        held.refresh_from_db()
        assert held.claimed_by == "other-run"
        # The same step inserted by this run too: the first insert stays, no error.
        duplicate = step_row(
            run,
            sequence_of(
                run,
                people_reassessment(people=Person.objects.filter(pk=person.pk), today=DUE)[
                    person.pk
                ],
            ),
            0,
            DUE,
        )
        duplicate.period = held.period
        claim(run, [duplicate], [])
        assert list(Reminder.objects.values_list("claimed_by", flat=True)) == ["other-run"]
        # Expired: this run takes it over.
        Reminder.objects.filter(pk=held.pk).update(claimed_at=now - LEASE - dt.timedelta(1))
        claim(run, [], [held.pk])
        held.refresh_from_db()
        assert held.claimed_by == run.token


def test_release_gives_the_steps_back_to_nobody(org):
    person = add_person(org, "released", assessed_at=ASSESSED)
    with time_machine.travel(at(DUE), tick=False):
        run = ReminderRun(today=DUE)
        step = _step(person, claimed_by=run.token, claimed_at=timezone.now())
        release(run)
    step.refresh_from_db()
    assert (step.claimed_by, step.claimed_at, step.sent_at) == ("", None, None)
