"""One refresh for the writes of a window: how the worker's kept figures are queued
(``services.effectiveness``, ``services.dashboard``).

After a write commits, the refresh task is queued ``countdown`` seconds ahead unless it is
queued already (a marker in the cache, which the refresh clears before it reads): the writes
of that window share it, and it reads them all. A worker that never runs it holds the marker
no longer than ``hold_seconds``. A broker that is down costs the refresh, never the write.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def refresh_later(*, marker: str, task: str, countdown: int, hold_seconds: int) -> None:
    """Queue ``assessments.tasks.<task>`` once the current transaction commits (its writes
    visible to the worker), unless ``marker`` says it is queued already."""
    transaction.on_commit(
        functools.partial(
            _queue, marker=marker, task=task, countdown=countdown, hold_seconds=hold_seconds
        )
    )


def _queue(*, marker: str, task: str, countdown: int, hold_seconds: int) -> None:
    if not cache.add(marker, True, hold_seconds):
        return  # queued, not started yet: it will read this write
    from assessments import tasks

    try:
        getattr(tasks, task).apply_async(countdown=countdown)
    except Exception:  # noqa: BLE001 - kombu raises several kinds; the write must not fail
        cache.delete(marker)
        logger.warning("Could not queue %s", task, exc_info=True)
