"""Reassessment reminders: "due", then "overdue" every 7 days up to 3 times, then one escalation
digest per manager. Each step is sent exactly once.

Who is due, and by when, is ``people_reassessment`` (the one implementation of the rule), run
once per run over everyone who can receive mail (one set-based statement); only the due — a
minority — are then walked, in batches, through the steps of a *sequence*:

- A sequence is identified by its ``period``: ``cycle:<id>`` while an open cycle in scope has no
  submission from the person, else ``cadence:since:<last assessment>`` (``cadence:never`` when
  they never assessed). Any new assessment — a quick review included — moves the last
  assessment, which ends the old sequence; a new due date starts a new one.
- Step ``n`` (0 due, 1–3 overdue, 4 escalation) goes out when
  ``today >= deadline + 7·n`` and at least 7 days after step ``n − 1`` was sent. The deadline is
  the cycle's due date, or the due date step 0 announced for a cadence (so a person who only
  now became due, or whose due date was long ago, still gets a week between emails).

Exactly once, never lost:

1. Claim: in one transaction, insert the next step's ``Reminder`` rows with this run's token
   (``INSERT … ON CONFLICT DO NOTHING``: the uniqueness constraint lets only one run insert a
   step) and take over unsent rows whose claim has expired; then read back the rows that carry
   this run's token — those, and only those, are this run's to send.
2. Send each claimed message, then mark the sent ones in one ``UPDATE``.
3. If anything fails, the sent ones are marked and the rest released at once, so the next run
   sends them. If the worker dies without that (killed), its claims expire after ``LEASE`` —
   the task's hard time limit, so no live run still holds them — and the next run sends them.

The only window left is a kill between the mail server accepting a message and the ``UPDATE``
of its batch; such a message would go out again, with the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from assessments.emails import EmailBatch, absolute_reverse, email_build, message_id
from assessments.models import AssessmentCycle, Reminder, ReminderKind
from assessments.selectors import Reassessment, people_reassessment
from readiness.models import Person, Team
from readiness.webhooks.models import EventType
from readiness.webhooks.services import Event, event_id_for, events_emit

logger = logging.getLogger(__name__)

STEP_DAYS = 7
OVERDUE_STEPS = 3
ESCALATION_STEP = OVERDUE_STEPS + 1
#: Due people per batch (plan, claim, send): the due rule itself runs once over everyone.
BATCH_SIZE = 1000
#: The reminder task's hard time limit; a claim older than this belongs to a dead run.
TIME_LIMIT_SECONDS = 20 * 60
LEASE = dt.timedelta(seconds=TIME_LIMIT_SECONDS)
#: Where a person acts on a reminder (the self-assessment page of the employee area).
MY_ASSESSMENT_PATH = "/me/assessment/"


def step_kind(sequence: int) -> str:
    if sequence == 0:
        return ReminderKind.DUE
    if sequence <= OVERDUE_STEPS:
        return ReminderKind.OVERDUE
    return ReminderKind.ESCALATION


def cadence_period(last_assessed_at: dt.datetime | None) -> str:
    if last_assessed_at is None:
        return "cadence:never"
    stamp = last_assessed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"cadence:since:{stamp}"


def my_assessment_url() -> str:
    # The self-assessment page belongs to the employee area; its path is fixed by the product.
    return absolute_reverse("assessments:my-assessment", fallback=MY_ASSESSMENT_PATH)


@dataclass(frozen=True, slots=True)
class SentEmail:
    kind: str
    to: str
    subject: str
    people: tuple[int, ...]


@dataclass
class ReminderRunResult:
    """What one run did: the emails it sent, in order."""

    today: dt.date
    people_checked: int = 0
    people_due: int = 0
    sent: list[SentEmail] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        totals = {kind.value: 0 for kind in ReminderKind}
        for email in self.sent:
            totals[email.kind] += 1
        return totals

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "people_checked": self.people_checked,
            "people_due": self.people_due,
            "sent": self.counts(),
        }


@dataclass(frozen=True, slots=True)
class _Outgoing:
    message: EmailMultiAlternatives
    reminder_ids: list[int]
    record: SentEmail
    #: The ``person.due`` webhook event of a "due" step, emitted when the step is marked sent.
    event: Event | None = None


@dataclass(frozen=True, slots=True)
class _Sequence:
    person_id: int
    period: str
    due_on: dt.date
    cycle: AssessmentCycle | None
    status: Reassessment


def reminders_send(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> ReminderRunResult:
    """Send every reminder step that is due today (organization time zone), exactly once.

    Safe to run at any time, twice in a row or from two workers at once. Raises what the mail
    backend raises, after recording what was sent and releasing the rest for the next run.
    """
    run = _Run(today=today or timezone.localdate())
    try:
        for statuses in run.due_batches(batch_size):
            run.remind_batch(statuses)
        run.send_digests()
    except BaseException:
        run.release()
        raise
    return run.result


def reminders_preview(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> ReminderRunResult:
    """What :func:`reminders_send` would send for ``today``, sending and recording nothing.

    The same run, so the list cannot drift from what a real run does: its claims are made in a
    transaction that is rolled back at the end, and its messages go to Django's dummy mail
    backend. (Its uncommitted claims make a real run started meanwhile wait for it to end.)
    """
    with transaction.atomic():
        run = _Run(today=today or timezone.localdate(),
                   mail_backend="django.core.mail.backends.dummy.EmailBackend")
        for statuses in run.due_batches(batch_size):
            run.remind_batch(statuses)
        run.send_digests()
        transaction.set_rollback(True)
    return run.result


def _reachable_people() -> QuerySet[Person]:
    """Active people who can receive mail."""
    return Person.objects.filter(is_active=True, user__is_active=True).exclude(user__email="")


class _Run:
    def __init__(self, *, today: dt.date, mail_backend: str | None = None) -> None:
        self.today = today
        self.mail_backend = mail_backend
        self.token = uuid.uuid4().hex
        self.result = ReminderRunResult(today=today)
        self.cycles: dict[int, AssessmentCycle] = {}
        self.my_assessment_url = my_assessment_url()
        self.emails = EmailBatch()

    # --- who is due: the rule once over everyone, then batches of the due -----------------

    def due_batches(self, size: int) -> Iterator[list[Reassessment]]:
        """The due people's statuses in batches of ``size``, in id order. The rule runs once
        over everyone reachable (one statement, then the open cycles): set-based, it costs
        about the same for 10,000 people as for 1,000, and the due are a minority."""
        people = _reachable_people()
        self.result.people_checked = people.count()
        statuses = people_reassessment(people=people, today=self.today)
        due = sorted(person_id for person_id, status in statuses.items() if status.is_due)
        self.result.people_due = len(due)
        for start in range(0, len(due), size):
            yield [statuses[person_id] for person_id in due[start : start + size]]

    # --- one batch of due people: plan, claim, send ---------------------------------------

    def remind_batch(self, statuses: list[Reassessment]) -> None:
        sequences = {status.person_id: self._sequence(status) for status in statuses}
        new_rows, retry_ids, escalating = self._plan(sequences)
        if escalating:
            new_rows += self._escalation_rows(escalating)
        if not new_rows and not retry_ids:
            return  # nothing claimed: this run holds no row of these people
        self._claim(new_rows, retry_ids)
        claimed = list(
            Reminder.objects.filter(
                claimed_by=self.token, sent_at__isnull=True, person_id__in=sequences
            )
            .exclude(kind=ReminderKind.ESCALATION)
            .select_related("person__user")
            # What the message needs (any other field would load on access, one query each).
            .only(
                "person_id", "kind", "sequence", "due_on", "person__user__first_name",
                "person__user__last_name", "person__user__username", "person__user__email",
            )
            .order_by("person_id", "sequence")
        )
        self._deliver([self._person_message(sequences[row.person_id], row) for row in claimed])

    def _sequence(self, status: Reassessment) -> _Sequence:
        person_id = status.person_id
        if status.cycle_id is not None:
            cycle = self._cycle(status.cycle_id)
            return _Sequence(person_id, f"cycle:{cycle.pk}", cycle.due_on, cycle, status)
        period = cadence_period(status.last_assessed_at)
        return _Sequence(person_id, period, status.due_on or self.today, None, status)

    def _cycle(self, cycle_id: int) -> AssessmentCycle:
        if cycle_id not in self.cycles:
            # Open cycles are few: read them all the first time one is needed.
            self.cycles.update(AssessmentCycle.objects.filter(status="open").in_bulk())
            if cycle_id not in self.cycles:
                self.cycles[cycle_id] = AssessmentCycle.objects.get(pk=cycle_id)
        return self.cycles[cycle_id]

    def _plan(
        self, sequences: dict[int, _Sequence]
    ) -> tuple[list[Reminder], list[int], list[tuple[_Sequence, dt.date]]]:
        """The next step of each sequence, if it is due today; unsent steps to take over."""
        steps: dict[int, list[Reminder]] = defaultdict(list)
        periods = {seq.period for seq in sequences.values()}
        for row in Reminder.objects.filter(person_id__in=sequences, period__in=periods).only(
            "id", "person_id", "period", "sequence", "due_on", "claimed_at", "sent_at"
        ):
            if row.period == sequences[row.person_id].period:
                steps[row.person_id].append(row)
        expired = timezone.now() - LEASE
        new_rows: list[Reminder] = []
        retry_ids: list[int] = []
        escalating: list[tuple[_Sequence, dt.date]] = []
        for person_id, seq in sequences.items():
            rows = steps[person_id]
            unsent = [row for row in rows if row.sent_at is None]
            if unsent:
                # A step is in flight (another run holds it) or was left behind: finish it first.
                retry_ids += [
                    row.pk for row in unsent if row.claimed_at is None or row.claimed_at < expired
                ]
                continue
            step = max((row.sequence for row in rows), default=-1) + 1
            deadline = self._deadline(seq, rows)
            if step > ESCALATION_STEP or not self._step_is_due(step, deadline, rows):
                continue
            if step == ESCALATION_STEP:
                escalating.append((seq, deadline))
            else:
                new_rows.append(self._row(seq, step, deadline))
        return new_rows, retry_ids, escalating

    def _deadline(self, seq: _Sequence, rows: list[Reminder]) -> dt.date:
        """A cycle's due date as it stands; for a cadence, the date step 0 announced."""
        if seq.cycle is not None or not rows:
            return seq.due_on
        first = min(rows, key=lambda row: row.sequence)
        return first.due_on or seq.due_on

    def _step_is_due(self, step: int, deadline: dt.date, rows: list[Reminder]) -> bool:
        if step == 0:
            return True
        last_sent = timezone.localdate(max(row.sent_at for row in rows))
        gap = dt.timedelta(days=STEP_DAYS)
        return self.today >= max(deadline + step * gap, last_sent + gap)

    def _row(
        self, seq: _Sequence, step: int, due_on: dt.date, recipient_id: int | None = None
    ) -> Reminder:
        now = timezone.now()
        return Reminder(
            person_id=seq.person_id,
            kind=step_kind(step),
            period=seq.period,
            cycle=seq.cycle,
            sequence=step,
            recipient_id=recipient_id,
            due_on=due_on,
            created_at=now,
            claimed_by=self.token,
            claimed_at=now,
        )

    def _escalation_rows(self, escalating: list[tuple[_Sequence, dt.date]]) -> list[Reminder]:
        """One row per (person, manager). A person's managers are the managers of their team;
        a team with none (or only the person themself) hands over to the nearest team above."""
        people = {
            person_id: (user_id, path)
            for person_id, user_id, path in Person.objects.filter(
                pk__in=[seq.person_id for seq, _ in escalating]
            ).values_list("pk", "user_id", "team__path")
        }
        chains = {
            person_id: _team_and_ancestors(path) for person_id, (_, path) in people.items()
        }
        team_ids = {team_id for chain in chains.values() for team_id in chain}
        managers: dict[int, set[int]] = defaultdict(set)
        for team_id, user_id in (
            Team.managers.through.objects.filter(team_id__in=team_ids, user__is_active=True)
            .exclude(user__email="")
            .values_list("team_id", "user_id")
        ):
            managers[team_id].add(user_id)
        rows: list[Reminder] = []
        for seq, deadline in escalating:
            user_id = people.get(seq.person_id, (None, None))[0]
            for team_id in chains.get(seq.person_id, ()):
                recipients = sorted(managers[team_id] - {user_id})
                if recipients:
                    rows += [
                        self._row(seq, ESCALATION_STEP, deadline, manager_id)
                        for manager_id in recipients
                    ]
                    break
            else:
                logger.warning("No manager to escalate person %s to (%s)", seq.person_id,
                               seq.period)
        return rows

    def _claim(self, new_rows: list[Reminder], retry_ids: list[int]) -> None:
        now = timezone.now()
        with transaction.atomic():
            if retry_ids:
                # Conditional: of two runs taking over the same expired step, one wins.
                Reminder.objects.filter(pk__in=retry_ids, sent_at__isnull=True).filter(
                    Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
                ).update(claimed_by=self.token, claimed_at=now)
            if new_rows:
                # ON CONFLICT DO NOTHING: a step another run inserted first stays theirs.
                Reminder.objects.bulk_create(new_rows, ignore_conflicts=True)

    # --- escalation digests: after every batch, so each manager gets one -------------------

    def send_digests(self) -> None:
        rows = list(
            Reminder.objects.filter(
                claimed_by=self.token, sent_at__isnull=True, kind=ReminderKind.ESCALATION
            )
            .select_related("person__user", "person__team", "recipient", "cycle")
            .order_by("recipient_id", "person_id")
        )
        by_manager: dict[int, list[Reminder]] = defaultdict(list)
        for row in rows:
            by_manager[row.recipient_id].append(row)
        self._deliver([self._digest_message(group) for group in by_manager.values()])

    # --- sending --------------------------------------------------------------------------

    def _deliver(self, outgoing: list[_Outgoing]) -> None:
        """Send, then mark what went out in one UPDATE (also when a send fails midway)."""
        if not outgoing:
            return
        sent_ids: list[int] = []
        events: list[Event] = []
        try:
            # One connection for the batch; one message per call, so that a failure leaves
            # exactly the messages before it marked sent.
            with get_connection(self.mail_backend) as connection:
                for item in outgoing:
                    connection.send_messages([item.message])
                    sent_ids += item.reminder_ids
                    events += [item.event] if item.event else []
                    self.result.sent.append(item.record)
        finally:
            if sent_ids:
                # The step and its webhook events (an outbox) commit together.
                with transaction.atomic():
                    Reminder.objects.filter(pk__in=sent_ids, sent_at__isnull=True).update(
                        sent_at=timezone.now()
                    )
                    events_emit(events=events)

    def release(self) -> None:
        """Give this run's unsent steps back, so the next run sends them without waiting."""
        try:
            Reminder.objects.filter(claimed_by=self.token, sent_at__isnull=True).update(
                claimed_by="", claimed_at=None
            )
        except Exception:  # the run is failing already; the lease will free the rows
            logger.exception("Could not release reminder claims of run %s", self.token)

    def _person_message(self, seq: _Sequence, row: Reminder) -> _Outgoing:
        person = row.person
        due_on = row.due_on or seq.due_on
        context = {
            "person": person,
            "cycle": seq.cycle,
            "due_on": due_on,
            "today": self.today,
            "days_overdue": max(0, (self.today - due_on).days),
            "step": row.sequence,
            "overdue_steps": OVERDUE_STEPS,
            "reason": seq.status.reason,
            "last_assessed_on": (
                timezone.localdate(seq.status.last_assessed_at)
                if seq.status.last_assessed_at
                else None
            ),
            "cadence_days": settings.REASSESSMENT_INTERVAL_DAYS,
            "action_url": self.my_assessment_url,
        }
        name = "reminder_due" if row.kind == ReminderKind.DUE else "reminder_overdue"
        # Rendered once per distinct context: only the name differs between most of them.
        message = self.emails.build(
            name=name,
            to=[person.email],
            context=context,
            own={"person": ("display_name",)},
            headers={"Message-ID": message_id(f"reminder-{row.pk}")},
        )
        record = SentEmail(row.kind, person.email, message.subject, (person.pk,))
        event = None
        if row.kind == ReminderKind.DUE:
            # One event per sequence: its id is the step's, so a step sent again is one event.
            event = Event(EventType.PERSON_DUE, {
                "person": person.pk, "due_on": due_on, "cycle": seq.cycle.pk if seq.cycle else None,
                "reason": seq.status.reason,
            }, event_id_for(f"reminder-{row.pk}"))
        return _Outgoing(message, [row.pk], record, event)

    def _digest_message(self, rows: list[Reminder]) -> _Outgoing:
        manager = rows[0].recipient
        entries = [
            {
                "person": row.person,
                "team": row.person.team,
                "cycle": row.cycle,
                "due_on": row.due_on,
                "days_overdue": (self.today - row.due_on).days if row.due_on else None,
                "cycle_url": (
                    absolute_reverse("assessments:cycle-detail", args=(row.cycle_id,))
                    if row.cycle_id
                    else None
                ),
                "team_url": (
                    absolute_reverse("assessments:team-detail", args=(row.person.team_id,))
                    if row.person.team_id
                    else None
                ),
            }
            for row in sorted(rows, key=lambda r: (r.person.display_name.lower(), r.pk))
        ]
        context = {
            "manager": manager,
            "manager_name": manager.get_full_name() or manager.get_username(),
            "entries": entries,
            "today": self.today,
            "overdue_steps": OVERDUE_STEPS,
            "step_days": STEP_DAYS,
            "teams_url": absolute_reverse("assessments:team-list")
            or absolute_reverse("home", fallback="/"),
        }
        message = email_build(
            name="escalation_digest",
            to=[manager.email],
            context=context,
            headers={"Message-ID": message_id(f"escalation-{manager.pk}-{rows[0].pk}")},
        )
        record = SentEmail(
            ReminderKind.ESCALATION,
            manager.email,
            message.subject,
            tuple(row.person_id for row in rows),
        )
        return _Outgoing(message, [row.pk for row in rows], record)


def _team_and_ancestors(path: str | None) -> list[int]:
    """A team and the teams above it, nearest first, from its materialized path (None: no
    team)."""
    if not path:
        return []
    return [int(part) for part in reversed(path.strip("/").split("/")) if part]

