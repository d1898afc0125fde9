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
from assessments.reminders.steps import ClaimedStep, NewStep, claimed_steps
from catalog.learn.bulk import among, insert_rows

logger = logging.getLogger(__name__)

#: The reminder task's hard time limit; a claim older than this belongs to a dead run.
TIME_LIMIT_SECONDS = 20 * 60
LEASE = dt.timedelta(seconds=TIME_LIMIT_SECONDS)
#: What a claim inserts of each new step: every column but the id. The rows travel as one
#: JSON parameter (``insert_rows``): a batch of 1,000 steps costs half what ``bulk_create``'s
#: 11,000 placeholders do.
_COLUMNS = [field.attname for field in Reminder._meta.concrete_fields if not field.primary_key]


def claim(run: ReminderRun, new_rows: list[Reminder] | list[NewStep], retry_ids: list[int]) -> None:
    """Insert ``new_rows`` (claimed by ``run``) and take over the unsent steps ``retry_ids``
    whose claim has expired, in one transaction; a step another run holds stays theirs."""
    now = timezone.now()
    with transaction.atomic():
        if retry_ids:
            # Conditional: of two runs taking over the same expired step, one wins.
            Reminder.objects.filter(pk__in=retry_ids, sent_at__isnull=True).filter(
                Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
            ).update(claimed_by=run.token, claimed_at=now)
        if new_rows:
            # ON CONFLICT DO NOTHING: a step another run inserted first stays theirs.
            insert_rows(
                Reminder,
                _COLUMNS,
                [{name: getattr(row, name) for name in _COLUMNS} for row in new_rows],
                ignore_conflicts=True,
            )


def claimed_person_steps(run: ReminderRun, person_ids: list[int]) -> list[ClaimedStep]:
    """The due and overdue steps of these people that ``run`` holds and has not sent, with
    what their message needs (plain rows: ``steps``)."""
    return claimed_steps(
        Reminder.objects.filter(claimed_by=run.token, sent_at__isnull=True)
        .filter(among("person_id", person_ids))
        .exclude(kind__in=MANAGER_KINDS)
        .order_by("person_id", "sequence")
    )


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
