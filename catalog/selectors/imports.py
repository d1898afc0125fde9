"""Reads of the Learn import runs: the list, one run, the run that blocks a new one."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import ImportRun, ImportStatus

#: A queued or running import younger than this blocks a new one; an older one is stale
#: (its worker died) and may be claimed again.
IMPORT_STALE_AFTER = dt.timedelta(minutes=45)


def import_runs() -> QuerySet[ImportRun]:
    """Every import run, newest first, without its uploaded file."""
    return ImportRun.objects.defer("payload").select_related("requested_by")


def import_runs_recent(*, limit: int = 10) -> list[ImportRun]:
    return list(import_runs()[:limit])


def import_run_get(*, pk: int) -> ImportRun:
    return import_runs().get(pk=pk)


def import_blocking_run() -> ImportRun | None:
    """The import queued or running right now (younger than the stale limit), if any."""
    return (
        ImportRun.objects.defer("payload")
        .filter(
            status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
            created_at__gte=timezone.now() - IMPORT_STALE_AFTER,
        )
        .first()
    )
