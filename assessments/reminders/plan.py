"""Who is due, which step of their sequence goes out today and to whom, and what it says.

Reads only: the rows planned here are inserted by ``claim``, the messages sent by ``deliver``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from assessments.emails import absolute_reverse, email_build, message_id
from assessments.learning_records.digest_entry import ExpiringEntry
from assessments.models import AssessmentCycle, Reminder, ReminderKind
from assessments.reminders.claim import LEASE
from assessments.reminders.state import Outgoing, ReminderRun, SentEmail
from assessments.reminders.steps import ClaimedStep, NewStep, RecordedStep
from assessments.selectors import Reassessment, people_reassessment
from catalog.learn.bulk import among
from readiness.models import Person, Team
from readiness.webhooks.models import EventType
from readiness.webhooks.services import Event, event_id_for

logger = logging.getLogger(__name__)

STEP_DAYS = 7
OVERDUE_STEPS = 3
ESCALATION_STEP = OVERDUE_STEPS + 1


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


@dataclass(frozen=True, slots=True)
class Sequence:
    person_id: int
    period: str
    due_on: dt.date
    cycle: AssessmentCycle | None
    status: Reassessment


#: A sequence whose escalation is due, with its deadline.
Escalating = tuple[Sequence, dt.date]


# --- who is due: the rule once over everyone, then batches of the due ----------------------


def _reachable_people() -> QuerySet[Person]:
    """Active people who can receive mail."""
    return Person.objects.filter(is_active=True, user__is_active=True).exclude(user__email="")


def due_batches(run: ReminderRun, size: int) -> Iterator[list[Reassessment]]:
    """The due people's statuses in batches of ``size``, in id order. The rule runs once
    over everyone reachable (one statement, then the open cycles): set-based, it costs
    about the same for 10,000 people as for 1,000, and the due are a minority."""
    people = _reachable_people()
    run.result.people_checked = people.count()
    statuses = people_reassessment(people=people, today=run.today)
    due = sorted(person_id for person_id, status in statuses.items() if status.is_due)
    run.result.people_due = len(due)
    for start in range(0, len(due), size):
        yield [statuses[person_id] for person_id in due[start : start + size]]


def due_statuses(run: ReminderRun, person_ids: list[int]) -> list[Reassessment]:
    """The statuses of those of ``person_ids`` who are reachable and due, in id order: a
    batch task asks again, so that someone who assessed since the sweep was planned is
    skipped. One statement (then the open cycles), whatever the number of people."""
    people = _reachable_people().filter(pk__in=person_ids)
    statuses = people_reassessment(people=people, today=run.today)
    return [statuses[pk] for pk in sorted(statuses) if statuses[pk].is_due]


def sequence_of(run: ReminderRun, status: Reassessment) -> Sequence:
    """The sequence a due person is in: their open cycle's, else their cadence's."""
    person_id = status.person_id
    if status.cycle_id is not None:
        cycle = _cycle(run, status.cycle_id)
        return Sequence(person_id, f"cycle:{cycle.pk}", cycle.due_on, cycle, status)
    period = cadence_period(status.last_assessed_at)
    return Sequence(person_id, period, status.due_on or run.today, None, status)


def _cycle(run: ReminderRun, cycle_id: int) -> AssessmentCycle:
    if cycle_id not in run.cycles:
        # Open cycles are few: read them all the first time one is needed.
        run.cycles.update(AssessmentCycle.objects.filter(status="open").in_bulk())
        if cycle_id not in run.cycles:
            run.cycles[cycle_id] = AssessmentCycle.objects.get(pk=cycle_id)
    return run.cycles[cycle_id]


# --- which step goes out today ------------------------------------------------------------


def _steps_recorded(sequences: dict[int, Sequence]) -> dict[int, list[RecordedStep]]:
    """The steps already recorded of each person's current sequence (plain rows)."""
    steps: dict[int, list[RecordedStep]] = defaultdict(list)
    periods = {seq.period for seq in sequences.values()}
    for values in (
        Reminder.objects.filter(among("person_id", list(sequences)), among("period", list(periods)))
        .order_by()  # not the model's "-created_at": nothing here needs an order
        .values_list("id", "person_id", "period", "sequence", "due_on", "claimed_at", "sent_at")
    ):
        row = RecordedStep._make(values)
        if row.period == sequences[row.person_id].period:
            steps[row.person_id].append(row)
    return steps


def steps_plan(
    run: ReminderRun, sequences: dict[int, Sequence]
) -> tuple[list[NewStep], list[int], list[Escalating]]:
    """The next step of each sequence, if it is due today; unsent steps to take over."""
    steps = _steps_recorded(sequences)
    expired = timezone.now() - LEASE
    new_rows: list[NewStep] = []
    retry_ids: list[int] = []
    escalating: list[Escalating] = []
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
        deadline = _deadline(seq, rows)
        if step > ESCALATION_STEP or not _step_is_due(run, step, deadline, rows):
            continue
        if step == ESCALATION_STEP:
            escalating.append((seq, deadline))
        else:
            new_rows.append(step_row(run, seq, step, deadline))
    return new_rows, retry_ids, escalating


def _deadline(seq: Sequence, rows: list[RecordedStep]) -> dt.date:
    """A cycle's due date as it stands; for a cadence, the date step 0 announced."""
    if seq.cycle is not None or not rows:
        return seq.due_on
    first = min(rows, key=lambda row: row.sequence)
    return first.due_on or seq.due_on


def _step_is_due(run: ReminderRun, step: int, deadline: dt.date, rows: list[RecordedStep]) -> bool:
    if step == 0:
        return True
    last_sent = timezone.localdate(
        max(row.sent_at for row in rows if row.sent_at is not None), run.zone
    )
    gap = dt.timedelta(days=STEP_DAYS)
    return run.today >= max(deadline + step * gap, last_sent + gap)


def step_row(
    run: ReminderRun, seq: Sequence, step: int, due_on: dt.date, recipient_id: int | None = None
) -> NewStep:
    """The row of one step, claimed by ``run`` (not saved: ``claim`` inserts it)."""
    now = timezone.now()
    return NewStep(
        person_id=seq.person_id,
        kind=step_kind(step),
        period=seq.period,
        cycle_id=seq.cycle.pk if seq.cycle is not None else None,
        sequence=step,
        recipient_id=recipient_id,
        due_on=due_on,
        created_at=now,
        claimed_by=run.token,
        claimed_at=now,
    )


def escalation_rows(run: ReminderRun, escalating: list[Escalating]) -> list[NewStep]:
    """One row per (person, manager), to the managers :func:`managers_to_notify` names."""
    recipients = managers_to_notify([seq.person_id for seq, _ in escalating])
    rows: list[NewStep] = []
    for seq, deadline in escalating:
        managers = recipients.get(seq.person_id, [])
        if not managers:
            logger.warning("No manager to escalate person %s to (%s)", seq.person_id, seq.period)
        rows += [step_row(run, seq, ESCALATION_STEP, deadline, manager) for manager in managers]
    return rows


def managers_to_notify(person_ids: list[int]) -> dict[int, list[int]]:
    """The managers (user ids) who hear about each person: the managers of their team; a team
    with none (or only the person themself) hands over to the nearest team above. Two
    queries, whatever the number of people."""
    people = {
        person_id: (user_id, path)
        for person_id, user_id, path in Person.objects.filter(pk__in=person_ids).values_list(
            "pk", "user_id", "team__path"
        )
    }
    chains = {person_id: _team_and_ancestors(path) for person_id, (_, path) in people.items()}
    managers = _managers_of({team_id for chain in chains.values() for team_id in chain})
    recipients: dict[int, list[int]] = {}
    for person_id, (user_id, _) in people.items():
        for team_id in chains[person_id]:
            found = sorted(managers[team_id] - {user_id})
            if found:
                recipients[person_id] = found
                break
    return recipients


def _managers_of(team_ids: set[int]) -> dict[int, set[int]]:
    """The active managers with an email of each team (user ids)."""
    managers: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in (
        Team.managers.through.objects.filter(team_id__in=team_ids, user__is_active=True)
        .exclude(user__email="")
        .values_list("team_id", "user_id")
    ):
        managers[team_id].add(user_id)
    return managers


def _team_and_ancestors(path: str | None) -> list[int]:
    """A team and the teams above it, nearest first, from its materialized path (None: no
    team)."""
    if not path:
        return []
    return [int(part) for part in reversed(path.strip("/").split("/")) if part]


# --- what each message says ---------------------------------------------------------------


def person_message(run: ReminderRun, seq: Sequence, row: ClaimedStep) -> Outgoing:
    """The due or overdue email of one claimed step (and its ``person.due`` event)."""
    person = row.person
    due_on = row.due_on or seq.due_on
    context = {
        "person": person,
        "cycle": seq.cycle,
        "due_on": due_on,
        "today": run.today,
        "days_overdue": max(0, (run.today - due_on).days),
        "step": row.sequence,
        "overdue_steps": OVERDUE_STEPS,
        "reason": seq.status.reason,
        "last_assessed_on": (
            timezone.localdate(seq.status.last_assessed_at, run.zone)
            if seq.status.last_assessed_at
            else None
        ),
        "cadence_days": settings.REASSESSMENT_INTERVAL_DAYS,
        "action_url": run.my_assessment_url,
    }
    name = "reminder_due" if row.kind == ReminderKind.DUE else "reminder_overdue"
    # Rendered once per distinct context: only the name differs between most of them.
    message = run.emails.build(
        name=name,
        to=[person.email],
        context=context,
        own={"person": ("display_name",)},
        headers={"Message-ID": message_id(f"reminder-{row.pk}")},
    )
    record = SentEmail(row.kind, person.email, str(message.subject), (person.pk,))
    event = None
    if row.kind == ReminderKind.DUE:
        # One event per sequence: its id is the step's, so a step sent again is one event.
        event = Event(
            EventType.PERSON_DUE,
            {
                "person": person.pk,
                "due_on": due_on,
                "cycle": seq.cycle.pk if seq.cycle else None,
                "reason": seq.status.reason,
            },
            event_id_for(f"reminder-{row.pk}"),
        )
    return Outgoing(message, [row.pk], record, event)


def _digest_entry(run: ReminderRun, row: Reminder) -> dict:
    """One escalated person in a manager's digest."""
    return {
        "person": row.person,
        "team": row.person.team,
        "cycle": row.cycle,
        "due_on": row.due_on,
        "days_overdue": (run.today - row.due_on).days if row.due_on else None,
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


def digest_message(
    run: ReminderRun,
    rows: list[Reminder],
    expiring: list[Reminder],
    certifications: list[ExpiringEntry],
) -> Outgoing:
    """One manager's digest: every person escalated to them in this run (``rows``), and the
    certifications of their people expiring soon (``expiring`` steps, said as
    ``certifications``)."""
    manager = (rows or expiring)[0].recipient
    if manager is None:  # never: a digest step has a recipient (a check constraint)
        raise ValueError("A digest step without a recipient.")
    entries = [
        _digest_entry(run, row)
        for row in sorted(rows, key=lambda r: (r.person.display_name.lower(), r.pk))
    ]
    context = {
        "manager": manager,
        "manager_name": manager.get_full_name() or manager.get_username(),
        "entries": entries,
        "certifications": certifications,
        "certification_days": settings.CERTIFICATION_DIGEST_DAYS,
        "today": run.today,
        "overdue_steps": OVERDUE_STEPS,
        "step_days": STEP_DAYS,
        "teams_url": absolute_reverse("assessments:team-list")
        or absolute_reverse("home", fallback="/"),
    }
    first = (rows or expiring)[0].pk
    message = email_build(
        name="escalation_digest",
        to=[manager.email],
        context=context,
        headers={"Message-ID": message_id(f"escalation-{manager.pk}-{first}")},
    )
    record = SentEmail(
        ReminderKind.ESCALATION if rows else ReminderKind.CERTIFICATION_DIGEST,
        manager.email,
        str(message.subject),
        tuple(row.person_id for row in rows + expiring),
    )
    return Outgoing(message, [row.pk for row in rows + expiring], record)
