"""A sweep's progress: planned with its batches, each batch marked done once, the final task
claimed by one run, the sweep finished with its totals.

Every step is one short statement or transaction, and each is safe to repeat:

- ``sweep_plan`` records the sweep and its batches before any batch task is queued (the
  caller queues them on commit), so a batch never runs against a sweep that is not there.
- ``batch_done`` sets ``done_at`` only where it is still null, and commits before it counts the
  batches left: of two batches ending at once, at least the later one sees none left (both may,
  which is why the final task claims the sweep).
- ``final_claim`` gives the final step to one run at a time (a conditional ``UPDATE``, as a
  reminder step is claimed); a run that died holding it is taken over after ``LEASE``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.sweeps.models import Sweep, SweepBatch

#: A final task's claim older than this belongs to a dead run (the tasks' hard time limit).
LEASE = dt.timedelta(minutes=30)


def chunks(ids: list[int], size: int) -> list[list[int]]:
    """``ids`` in consecutive lists of at most ``size``."""
    size = max(1, size)
    return [ids[start : start + size] for start in range(0, len(ids), size)]


@transaction.atomic
def sweep_plan(
    *, kind: str, day: dt.date, batches: list[list[int]], people_checked: int = 0
) -> Sweep:
    """Record a sweep and its batches (the ids themselves travel in the batch tasks)."""
    sweep = Sweep.objects.create(
        kind=kind,
        day=day,
        token=uuid.uuid4().hex[:16],
        batches=len(batches),
        people_checked=people_checked,
        people_due=sum(len(ids) for ids in batches),
    )
    SweepBatch.objects.bulk_create(
        SweepBatch(sweep=sweep, number=number, size=len(ids)) for number, ids in enumerate(batches)
    )
    return sweep


def batch_token(sweep: Sweep) -> str:
    """A claim token of one run of one of the sweep's batches (32 characters)."""
    return f"{sweep.token}b{uuid.uuid4().hex[:15]}"


def final_token(sweep: Sweep) -> str:
    """A claim token of one run of the sweep's final task (not a batch's: ``b`` vs ``f``)."""
    return f"{sweep.token}f{uuid.uuid4().hex[:15]}"


def batch_mark_done(*, sweep_id: int, number: int) -> bool:
    """Mark a batch done; False when a run of it already had (inside a transaction, the row
    stays locked until commit, so a second run of the same batch waits, then gets False)."""
    now = timezone.now()
    return bool(
        SweepBatch.objects.filter(sweep_id=sweep_id, number=number, done_at__isnull=True).update(
            done_at=now
        )
    )


def batches_left(*, sweep_id: int) -> bool:
    """Whether a batch of the sweep is not done yet (read after the caller's commit)."""
    return SweepBatch.objects.filter(sweep_id=sweep_id, done_at__isnull=True).exists()


def final_claim(*, sweep_id: int) -> tuple[Sweep, str] | None:
    """Claim the sweep's final step for this run: the sweep and the run's token, or None when
    the sweep is finished or another live run holds it."""
    sweep = Sweep.objects.get(pk=sweep_id)
    token = final_token(sweep)
    now = timezone.now()
    claimed = (
        Sweep.objects.filter(pk=sweep_id, finished_at__isnull=True)
        .filter(Q(final_claimed_by="") | Q(final_claimed_at__lt=now - LEASE))
        .update(final_claimed_by=token, final_claimed_at=now)
    )
    return (sweep, token) if claimed else None


def final_release(*, sweep_id: int, token: str) -> None:
    """Give the final step back (the run failed), so that a retry takes it at once."""
    Sweep.objects.filter(pk=sweep_id, final_claimed_by=token, finished_at__isnull=True).update(
        final_claimed_by="", final_claimed_at=None
    )


def sweep_finish(*, sweep_id: int, token: str, totals: dict[str, Any]) -> None:
    """Record the sweep's totals and its end (only by the run that holds the final step)."""
    Sweep.objects.filter(pk=sweep_id, final_claimed_by=token, finished_at__isnull=True).update(
        finished_at=timezone.now(), totals=totals
    )
