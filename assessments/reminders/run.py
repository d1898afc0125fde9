"""The reminder run: the due people batch by batch (plan, claim, deliver), then one escalation
digest per manager; on any failure, what was sent is recorded and the rest released."""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from assessments.learning_records.digest import (
    certification_digest_claim,
    certification_entries,
    certifications_of,
)
from assessments.models import Reminder, ReminderKind
from assessments.reminders.claim import (
    claim,
    claimed_digest_steps,
    claimed_person_steps,
    release,
)
from assessments.reminders.deliver import deliver
from assessments.reminders.plan import (
    digest_message,
    due_batches,
    escalation_rows,
    person_message,
    sequence_of,
    steps_plan,
)
from assessments.reminders.state import ReminderRun, ReminderRunResult
from assessments.selectors import Reassessment

#: Due people per batch (plan, claim, send): the due rule itself runs once over everyone.
BATCH_SIZE = 1000


def reminders_send(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> ReminderRunResult:
    """Send every reminder step that is due today (organization time zone), exactly once.

    Safe to run at any time, twice in a row or from two workers at once. Raises what the mail
    backend raises, after recording what was sent and releasing the rest for the next run.
    """
    run = ReminderRun(today=today or timezone.localdate())
    with collector_paused():
        try:
            for statuses in due_batches(run, batch_size):
                remind_batch(run, statuses)
            send_digests(run)
        except BaseException:
            release(run)
            raise
    return run.result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a run builds and sends its messages, back as it was
    after. A run allocates some twenty objects a message and keeps what it sent (its result;
    the test backend, every message), and each full collection walks every object the
    process holds: a third of a run's CPU time at 10,000 people, 2.5–3 s of one at 100,000
    (README, Performance). What a run allocates is freed by reference counting; the few
    cycles it leaves (the ORM's) wait for the first collection after it. Only a run's entry
    points pause it, which run in worker processes, never in a request."""
    if not gc.isenabled():  # paused by a caller already
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def reminders_preview(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> ReminderRunResult:
    """What :func:`reminders_send` would send for ``today``, sending and recording nothing.

    The same run, so the list cannot drift from what a real run does: its claims are made in a
    transaction that is rolled back at the end, and its messages go to Django's dummy mail
    backend. (Its uncommitted claims make a real run started meanwhile wait for it to end.)
    """
    with transaction.atomic():
        run = ReminderRun(
            today=today or timezone.localdate(),
            mail_backend="django.core.mail.backends.dummy.EmailBackend",
        )
        for statuses in due_batches(run, batch_size):
            remind_batch(run, statuses)
        send_digests(run)
        transaction.set_rollback(True)
    return run.result


def remind_batch(run: ReminderRun, statuses: list[Reassessment]) -> None:
    """One batch of due people: plan their steps, claim them, send the person emails (the
    escalations wait for :func:`send_digests`, so that each manager gets one digest)."""
    sequences = {status.person_id: sequence_of(run, status) for status in statuses}
    new_rows, retry_ids, escalating = steps_plan(run, sequences)
    if escalating:
        new_rows += escalation_rows(run, escalating)
    if not new_rows and not retry_ids:
        return  # nothing claimed: this run holds no row of these people
    inserted = claim(run, new_rows, retry_ids)
    claimed = claimed_person_steps(run, inserted, retry_ids)
    deliver(run, [person_message(run, sequences[row.person_id], row) for row in claimed])


def send_digests(run: ReminderRun) -> None:
    """The managers' digests, after every batch: one per manager, with the people escalated to
    them and their people's certifications expiring soon (each listed once)."""
    certification_digest_claim(run)
    escalations: dict[int | None, list[Reminder]] = defaultdict(list)
    expiring: dict[int | None, list[Reminder]] = defaultdict(list)
    for row in claimed_digest_steps(run):
        kind = escalations if row.kind == ReminderKind.ESCALATION else expiring
        kind[row.recipient_id].append(row)
    # The expiring certifications of every digest at once (not one query per manager).
    certifications = certifications_of([row for rows in expiring.values() for row in rows])
    outgoing = []
    for manager in sorted(set(escalations) | set(expiring), key=lambda pk: pk or 0):
        entries = certification_entries(run, expiring[manager], certifications)
        if escalations[manager] or entries:  # else: only certifications deleted meanwhile
            outgoing.append(digest_message(run, escalations[manager], expiring[manager], entries))
    deliver(run, outgoing)
