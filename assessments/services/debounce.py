"""One refresh for the writes of a window: how the worker's kept figures are queued
(``services.effectiveness``, ``services.dashboard``).

After a write commits, the refresh task is queued ``countdown`` seconds ahead unless it is
queued already (a marker in the cache, which the refresh clears before it reads): the writes
of that window share it, and it reads them all. A worker that never runs it holds the marker
no longer than ``hold_seconds``. A broker that is down costs the refresh, never the write.

Inside one transaction the writes of a save ask several times (the service that recorded the
ratings, then a ``post_save`` of the submission, of each plan item…): the first asking adds one
on-commit callback per marker and the others at the same level (the same open savepoints) find
it pending, so a commit queues each refresh (and checks its marker) once. A callback undone
with its savepoint is gone from the connection's list, so the next asking adds one again. An
asking inside a savepoint of its own adds its own callback (the marker still queues one task):
a test's setup runs in a transaction that never commits, and its callbacks must not stand for
the tested save's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def refresh_later(*, marker: str, task: str, countdown: int, hold_seconds: int) -> None:
    """Queue ``assessments.tasks.<task>`` once the current transaction commits (its writes
    visible to the worker), unless ``marker`` says it is queued already, or this transaction
    asked for it already."""
    connection = transaction.get_connection()
    level = set(connection.savepoint_ids)
    if connection.in_atomic_block and any(
        savepoints == level
        and isinstance(callback, _RefreshOnCommit)
        and callback.marker == marker
        and not callback.ran
        for savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(
        _RefreshOnCommit(marker=marker, task=task, countdown=countdown, hold_seconds=hold_seconds)
    )


@dataclass(eq=False)
class _RefreshOnCommit:
    """The on-commit callback of one marker: known as such to the next asking in the same
    transaction, and pending until it ran (a test runs callbacks without ending its
    transaction)."""

    marker: str
    task: str
    countdown: int
    hold_seconds: int
    ran: bool = False

    def __call__(self) -> None:
        self.ran = True
        _queue(
            marker=self.marker,
            task=self.task,
            countdown=self.countdown,
            hold_seconds=self.hold_seconds,
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
