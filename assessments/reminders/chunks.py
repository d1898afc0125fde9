"""The daily reminder sweep in Celery chunks (``assessments.sweeps``): planned once, one batch
task per chunk of due people, then the managers' digests once every batch is done.

Exactly once holds as in a single run, because each run of a batch is a run of its own: its
claim token is new (``sweeps.progress.batch_token``: the sweep's token, then ``b`` and a random
part), so a batch delivered twice, or two sweeps racing, split the steps between them through
the claim and each sends only what it holds. The escalation rows the batches claim wait for the
digests: the final task takes over every unsent manager step whose token is one of the sweep's
batches' (a conditional ``UPDATE``: of two final runs, one gets them), and sends one digest per
manager with the expiring certifications, as ``run.send_digests`` does in a single run.

The sweep's totals are read from the steps themselves: the person emails are the sent steps
claimed under the sweep's batch tokens (one row, one email), so a batch run twice, retried or
crashed midway is counted for what it really sent; the digests are what the final run sent.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils import timezone

from assessments.models import MANAGER_KINDS, Reminder, ReminderKind
from assessments.reminders.claim import release
from assessments.reminders.plan import due_batches, due_statuses
from assessments.reminders.run import collector_paused, remind_batch, send_digests
from assessments.reminders.state import ReminderRun
from assessments.sweeps.models import Sweep, SweepKind
from assessments.sweeps.progress import (
    batch_mark_done,
    batch_token,
    batches_left,
    final_claim,
    final_release,
    sweep_finish,
    sweep_plan,
)


def batches_steps(sweep: Sweep) -> QuerySet[Reminder]:
    """The steps claimed by any run of the sweep's batches: their tokens share its prefix
    (``batch_token``), a range of the index ``reminder_claims`` (not a read of every step ever
    recorded)."""
    return Reminder.objects.filter(claimed_by__startswith=f"{sweep.token}b")


def reminders_plan(
    *, today: dt.date | None = None, batch_size: int
) -> tuple[Sweep, list[list[int]]]:
    """Record today's sweep: who is due (the rule once, set-based, over everyone reachable),
    in id-ordered chunks of ``batch_size``. Returns the sweep and the chunks to queue."""
    run = ReminderRun(today=today or timezone.localdate())
    batches = [
        [status.person_id for status in statuses] for statuses in due_batches(run, batch_size)
    ]
    sweep = sweep_plan(
        kind=SweepKind.REMINDERS,
        day=run.today,
        batches=batches,
        people_checked=run.result.people_checked,
    )
    return sweep, batches


def reminders_batch_send(*, sweep_id: int, number: int, person_ids: list[int]) -> bool:
    """Send the due and overdue steps of one chunk (claiming its escalations for the digests),
    mark the chunk done, and say whether every chunk of the sweep is now done.

    Safe to run twice, or at once with another run of it: the claim lets each step go out
    once. On a failure what was sent is recorded and the rest released, then it raises."""
    sweep = Sweep.objects.get(pk=sweep_id)
    run = ReminderRun(today=sweep.day, token=batch_token(sweep))
    with collector_paused():
        try:
            statuses = due_statuses(run, person_ids)
            if statuses:
                remind_batch(run, statuses)
        except BaseException:
            release(run)
            raise
    batch_mark_done(sweep_id=sweep_id, number=number)
    return not batches_left(sweep_id=sweep_id)


def reminders_digests_send(*, sweep_id: int) -> dict:
    """The sweep's final step: one digest per manager, then its totals recorded. A second run
    (two last batches both queued it, or a re-delivery) returns what the first recorded."""
    claimed = final_claim(sweep_id=sweep_id)
    if claimed is None:
        return Sweep.objects.get(pk=sweep_id).totals
    sweep, token = claimed
    run = ReminderRun(today=sweep.day, token=token)
    try:
        batches_steps(sweep).filter(sent_at__isnull=True, kind__in=MANAGER_KINDS).update(
            claimed_by=token, claimed_at=timezone.now()
        )
        send_digests(run)
    except BaseException:
        release(run)
        final_release(sweep_id=sweep_id, token=token)
        raise
    sent = {kind.value: 0 for kind in ReminderKind}
    for kind, count in (
        batches_steps(sweep)
        .filter(sent_at__isnull=False)
        .exclude(kind__in=MANAGER_KINDS)
        .values_list("kind")
        .annotate(count=Count("id"))
        .order_by()
    ):
        sent[kind] += count
    for kind, count in run.result.counts().items():
        sent[kind] += count
    totals = {
        "sweep": sweep.pk,
        "today": sweep.day.isoformat(),
        "people_checked": sweep.people_checked,
        "people_due": sweep.people_due,
        "batches": sweep.batches,
        "sent": sent,
    }
    sweep_finish(sweep_id=sweep_id, token=token, totals=totals)
    return totals
