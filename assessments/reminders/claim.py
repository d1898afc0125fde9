"""The claim of a run: its steps inserted or taken over under its token in one transaction,
read back by that token (those rows, and only those, are the run's to send), and given back
when the run fails."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import MANAGER_KINDS, Reminder
from assessments.reminders.state import ReminderRun
from assessments.reminders.steps import (
    ClaimedStep,
    InsertedStep,
    NewStep,
    claimed_steps,
    recipients_of,
)
from catalog.learn.bulk import insert_rows

logger = logging.getLogger(__name__)

#: The reminder task's hard time limit; a claim older than this belongs to a dead run.
TIME_LIMIT_SECONDS = 20 * 60
LEASE = dt.timedelta(seconds=TIME_LIMIT_SECONDS)
#: What a claim inserts of each new step: every column but the id. The rows travel as one
#: JSON parameter (``insert_rows``): a batch of 1,000 steps costs half what ``bulk_create``'s
#: 11,000 placeholders do.
_COLUMNS = [field.attname for field in Reminder._meta.concrete_fields if not field.primary_key]
#: What the insert returns of each step it inserted: ``InsertedStep``'s columns.
_RETURNED = ("id", "person_id", "kind", "sequence", "due_on")


def claim(
    run: ReminderRun, new_rows: list[Reminder] | list[NewStep], retry_ids: list[int]
) -> list[InsertedStep]:
    """Insert ``new_rows`` (claimed by ``run``) and take over the unsent steps ``retry_ids``
    whose claim has expired, in one transaction; a step another run holds stays theirs.
    Returns the rows this run inserted, as the insert returns them (a row another run
    inserted first is not among them)."""
    now = timezone.now()
    inserted: list[InsertedStep] = []
    with transaction.atomic():
        if retry_ids:
            # Conditional: of two runs taking over the same expired step, one wins.
            Reminder.objects.filter(pk__in=retry_ids, sent_at__isnull=True).filter(
                Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
            ).update(claimed_by=run.token, claimed_at=now)
        if new_rows:
            # ON CONFLICT DO NOTHING: a step another run inserted first stays theirs.
            inserted = [
                InsertedStep._make(values)
                for values in insert_rows(
                    Reminder,
                    _COLUMNS,
                    [{name: getattr(row, name) for name in _COLUMNS} for row in new_rows],
                    returning=_RETURNED,
                    ignore_conflicts=True,
                )
            ]
    return inserted


def claimed_person_steps(
    run: ReminderRun, inserted: list[InsertedStep], retry_ids: list[int]
) -> list[ClaimedStep]:
    """The due and overdue steps ``run`` now holds after its claim, by person, with what their
    message needs (plain rows: ``steps``): the ones it inserted, as the insert returned them
    (not read back: within a run, the token's index entries grow with every batch), and the
    ones it took over, read back by token (``retry_ids``: rare, steps of a run that died)."""
    steps = [row for row in inserted if row.kind not in MANAGER_KINDS]
    recipients = recipients_of({row.person_id for row in steps})
    claimed = [ClaimedStep(*row, recipients[row.person_id]) for row in steps]
    if retry_ids:
        claimed += claimed_steps(
            Reminder.objects.filter(
                claimed_by=run.token, sent_at__isnull=True, pk__in=retry_ids
            ).exclude(kind__in=MANAGER_KINDS)
        )
    return sorted(claimed, key=lambda step: (step.person_id, step.sequence))


def claimed_digest_steps(run: ReminderRun) -> list[Reminder]:
    """The steps of the managers' digests (escalations, expiring certifications) ``run``
    holds and has not sent, by manager (one query for both kinds)."""
    return list(
        Reminder.objects.filter(claimed_by=run.token, sent_at__isnull=True, kind__in=MANAGER_KINDS)
        .select_related("person__user", "person__team", "recipient", "cycle")
        .order_by("recipient_id", "person_id")
    )


def release(run: ReminderRun) -> None:
    """Give this run's unsent steps back, so the next run sends them without waiting."""
    try:
        Reminder.objects.filter(claimed_by=run.token, sent_at__isnull=True).update(
            claimed_by="", claimed_at=None
        )
    except Exception:  # the run is failing already; the lease will free the rows
        logger.exception("Could not release reminder claims of run %s", run.token)
