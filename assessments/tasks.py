"""Periodic work of the person side. Each task takes ids or ISO dates and calls one service.

The schedule lives in the database (django-celery-beat, created by migration
``0003_periodic_tasks``): admins change or pause it in the Django admin.
"""

from __future__ import annotations

import datetime as dt
import smtplib

from celery import Task, shared_task
from celery.exceptions import Ignore
from django.conf import settings

from assessments.learning_records.tasks import (  # noqa: F401 - registered for autodiscovery
    send_certification_reminders,
    sync_all_transcripts,
    sync_transcript,
)
from assessments.reminders.chunks import (
    reminders_batch_send,
    reminders_digests_send,
    reminders_plan,
)
from assessments.reminders.claim import TIME_LIMIT_SECONDS as REMINDERS_TIME_LIMIT
from assessments.services.dashboard import dashboard_figures_refresh
from assessments.services.effectiveness import effectiveness_refresh
from assessments.snapshots import TIME_LIMIT_SECONDS as SNAPSHOTS_TIME_LIMIT
from assessments.snapshots import snapshots_batch_write, snapshots_finish, snapshots_plan
from assessments.sweeps.models import Sweep
from readiness.data_version import data_changes_compact

#: Seconds one refresh of the dashboard's figures may take (10,000 people: a few seconds).
DASHBOARD_TIME_LIMIT = 300


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


#: What a mail server that is down does to a reminder task: try again later; what was sent is
#: recorded, the rest waits.
_MAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError),
    "retry_backoff": 300,
    "retry_backoff_max": 3600,
    "max_retries": 5,
}


def _plan_info(sweep: Sweep) -> dict:
    """What a planning task returns: the sweep, and its totals when it is already finished
    (with ``CELERY_TASK_ALWAYS_EAGER`` every batch and the final step ran inline)."""
    sweep.refresh_from_db(fields=["finished_at", "totals"])
    return {
        "sweep": sweep.pk,
        "batches": sweep.batches,
        "people_checked": sweep.people_checked,
        "people_due": sweep.people_due,
        "finished": sweep.finished_at is not None,
        "final_task_id": task_id(sweep, "final"),
        **sweep.totals,
    }


def task_id(sweep: Sweep, part: str | int) -> str:
    """The id of a sweep's batch task (``part``: its number) or final task (``"final"``):
    known in advance, so that whoever waits for the sweep asks the result backend for it
    (two queued copies of the final task share it; the second returns the first's totals).
    The sweep's random token in it keeps databases that share a result backend apart."""
    return f"sweep-{sweep.token}-{part}"


@shared_task(
    acks_late=True, time_limit=REMINDERS_TIME_LIMIT, soft_time_limit=REMINDERS_TIME_LIMIT - 60
)
def send_reminders(today: str | None = None) -> dict:
    """Plan the reminder steps due today (or on ``today``, an ISO date) and queue one
    ``send_reminder_batch`` per chunk of ``SWEEP_BATCH_SIZE`` due people; the managers'
    digests (``send_reminder_digests``) follow the last chunk."""
    sweep, batches = reminders_plan(today=_date(today), batch_size=settings.SWEEP_BATCH_SIZE)
    for number, ids in enumerate(batches):
        send_reminder_batch.apply_async(
            kwargs={"sweep_id": sweep.pk, "number": number, "person_ids": ids},
            task_id=task_id(sweep, number),
        )
    if not batches:  # nobody due: the certification digests still go out
        _queue_final(send_reminder_digests, sweep)
    return _plan_info(sweep)


@shared_task(
    acks_late=True,
    # The hard limit is also the lease after which another run takes over unsent steps.
    time_limit=REMINDERS_TIME_LIMIT,
    soft_time_limit=REMINDERS_TIME_LIMIT - 60,
    **_MAIL_RETRY,
)
def send_reminder_batch(sweep_id: int, number: int, person_ids: list[int]) -> bool:
    """Send one chunk's due and overdue steps, exactly once; the last chunk done queues the
    digests. Returns whether it found every chunk done."""
    last = reminders_batch_send(sweep_id=sweep_id, number=number, person_ids=person_ids)
    if last:
        _queue_final(send_reminder_digests, Sweep.objects.get(pk=sweep_id))
    return last


@shared_task(
    acks_late=True,
    time_limit=REMINDERS_TIME_LIMIT,
    soft_time_limit=REMINDERS_TIME_LIMIT - 60,
    **_MAIL_RETRY,
)
def send_reminder_digests(sweep_id: int) -> dict:
    """The sweep's managers' digests, once, and its totals across every chunk."""
    return _final_result(reminders_digests_send(sweep_id=sweep_id))


def _final_result(totals: dict) -> dict:
    """A final task's result. Two copies can be queued (two batches finishing together both
    see every batch done) under one task id: the copy that lost the claim while the other is
    still at work has no totals yet, and must not store that emptiness as the id's result,
    which whoever waits on the sweep reads (``Ignore``: no state is recorded for it)."""
    if not totals:
        raise Ignore()
    return totals


def _queue_final(task: Task, sweep: Sweep) -> None:
    task.apply_async(kwargs={"sweep_id": sweep.pk}, task_id=task_id(sweep, "final"))


@shared_task(
    acks_late=True,
    time_limit=SNAPSHOTS_TIME_LIMIT,
    soft_time_limit=SNAPSHOTS_TIME_LIMIT - 60,
)
def write_snapshots(date: str | None = None) -> dict:
    """Plan the readiness snapshot of ``date`` (ISO; default today): one
    ``write_snapshot_batch`` per chunk of ``SWEEP_BATCH_SIZE`` active people, then
    ``finish_snapshots`` sums them into the date's rows (replacing any)."""
    sweep, batches = snapshots_plan(date=_date(date), batch_size=settings.SWEEP_BATCH_SIZE)
    for number, ids in enumerate(batches):
        write_snapshot_batch.apply_async(
            kwargs={"sweep_id": sweep.pk, "number": number, "person_ids": ids},
            task_id=task_id(sweep, number),
        )
    if not batches:
        _queue_final(finish_snapshots, sweep)
    return _plan_info(sweep)


@shared_task(
    acks_late=True, time_limit=SNAPSHOTS_TIME_LIMIT, soft_time_limit=SNAPSHOTS_TIME_LIMIT - 60
)
def write_snapshot_batch(sweep_id: int, number: int, person_ids: list[int]) -> bool:
    """One chunk's snapshot figures, once; the last chunk done queues ``finish_snapshots``."""
    last = snapshots_batch_write(sweep_id=sweep_id, number=number, person_ids=person_ids)
    if last:
        _queue_final(finish_snapshots, Sweep.objects.get(pk=sweep_id))
    return last


@shared_task(
    acks_late=True, time_limit=SNAPSHOTS_TIME_LIMIT, soft_time_limit=SNAPSHOTS_TIME_LIMIT - 60
)
def finish_snapshots(sweep_id: int) -> dict:
    """The date's snapshot rows from every chunk's figures, once; then the data-change rows
    compacted (nightly)."""
    totals = _final_result(snapshots_finish(sweep_id=sweep_id))
    return {**totals, "data_changes_compacted": data_changes_compact()}


@shared_task(time_limit=DASHBOARD_TIME_LIMIT, soft_time_limit=DASHBOARD_TIME_LIMIT - 30)
def refresh_dashboard_figures() -> dict:
    """Recompute and keep the dashboard's figures (``services.dashboard``): queued after
    writes that move them (debounced), and nightly."""
    figure_set = dashboard_figures_refresh()
    return {"people": figure_set.people, "duration_ms": figure_set.duration_ms}


@shared_task(time_limit=DASHBOARD_TIME_LIMIT, soft_time_limit=DASHBOARD_TIME_LIMIT - 30)
def refresh_dashboard(viewer: list | None = None) -> dict:  # noqa: ARG001 - the former argument
    """Former name (the page body was kept per viewer): messages queued before the upgrade
    refresh the kept figures instead."""
    return refresh_dashboard_figures()


#: Seconds one effectiveness refresh may take (10,000 people: well under one).
EFFECTIVENESS_TIME_LIMIT = 300


@shared_task(time_limit=EFFECTIVENESS_TIME_LIMIT, soft_time_limit=EFFECTIVENESS_TIME_LIMIT - 30)
def refresh_effectiveness() -> int:
    """Recompute and keep every resource's measured effectiveness (``services.effectiveness``):
    queued after writes that move it, and nightly."""
    return effectiveness_refresh()
