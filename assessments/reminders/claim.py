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

logger = logging.getLogger(__name__)

#: The reminder task's hard time limit; a claim older than this belongs to a dead run.
TIME_LIMIT_SECONDS = 20 * 60
LEASE = dt.timedelta(seconds=TIME_LIMIT_SECONDS)


def claim(run: ReminderRun, new_rows: list[Reminder], retry_ids: list[int]) -> None:
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
            Reminder.objects.bulk_create(new_rows, ignore_conflicts=True)


def claimed_person_steps(run: ReminderRun, person_ids: list[int]) -> list[Reminder]:
    """The due and overdue steps of these people that ``run`` holds and has not sent, with
    what their message needs."""
    return list(
        Reminder.objects.filter(
            claimed_by=run.token, sent_at__isnull=True, person_id__in=person_ids
        )
        .exclude(kind__in=MANAGER_KINDS)
        .select_related("person__user")
        # What the message needs (any other field would load on access, one query each).
        .only(
            "person_id",
            "kind",
            "sequence",
            "due_on",
            "person__user__first_name",
            "person__user__last_name",
            "person__user__username",
            "person__user__email",
        )
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
