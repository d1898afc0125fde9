"""Periodic work of the person side. Each task takes ids or ISO dates and calls one service.

The schedule lives in the database (django-celery-beat, created by migration
``0003_periodic_tasks``): admins change or pause it in the Django admin.
"""

from __future__ import annotations

import datetime as dt
import smtplib

from celery import shared_task

from assessments.learning_records.tasks import (  # noqa: F401 - registered for autodiscovery
    send_certification_reminders,
    sync_all_transcripts,
    sync_transcript,
)
from assessments.reminders.claim import TIME_LIMIT_SECONDS as REMINDERS_TIME_LIMIT
from assessments.reminders.run import reminders_send
from assessments.services.dashboard import dashboard_figures_refresh
from assessments.services.effectiveness import effectiveness_refresh
from assessments.snapshots import TIME_LIMIT_SECONDS as SNAPSHOTS_TIME_LIMIT
from assessments.snapshots import snapshots_write
from readiness.data_version import data_changes_compact

#: Seconds one refresh of the dashboard's figures may take (10,000 people: a few seconds).
DASHBOARD_TIME_LIMIT = 300


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@shared_task(
    acks_late=True,
    # The hard limit is also the lease after which another run takes over unsent steps.
    time_limit=REMINDERS_TIME_LIMIT,
    soft_time_limit=REMINDERS_TIME_LIMIT - 60,
    # A mail server that is down: try again later; what was sent is recorded, the rest waits.
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=300,
    retry_backoff_max=3600,
    max_retries=5,
)
def send_reminders(today: str | None = None) -> dict:
    """Send the reminder steps due today (or on ``today``, an ISO date)."""
    return reminders_send(today=_date(today)).as_dict()


@shared_task(
    acks_late=True,
    time_limit=SNAPSHOTS_TIME_LIMIT,
    soft_time_limit=SNAPSHOTS_TIME_LIMIT - 60,
)
def write_snapshots(date: str | None = None) -> dict:
    """Write (or replace) the readiness snapshot of ``date`` (ISO; default today)."""
    result = snapshots_write(date=_date(date))
    compacted = data_changes_compact()
    return {
        "date": result.date.isoformat(),
        "rows": result.rows,
        "people": result.people,
        "data_changes_compacted": compacted,
    }


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
