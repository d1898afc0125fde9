"""Two PostgreSQL connections at once, for the tests of what two writers do together: the
first writer's transaction stays open while the second one's work runs on its own connection
(a thread), and the first commits only once PostgreSQL shows the second waiting for its
locks. No clock and no sleep decide the order; the database's lock table does.

The tests that use it commit (``django_db(transaction=True)``) and need PostgreSQL
(``require_postgres``: SQLite has one writer at a time and no lock table to read)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, transaction

T = TypeVar("T")

#: How long the helper waits for the second writer to start, wait and finish (seconds): a
#: bound that only a hang reaches, never what decides the order.
PATIENCE = 30


def waits_for_a_lock(pid: int) -> bool:
    """The backend ``pid`` waits for a lock another transaction holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


def while_uncommitted(first: Callable[[], Any], second: Callable[[], T]) -> T:
    """``first`` runs in a transaction that, before committing, starts ``second`` in a thread
    (its own connection; ``second`` opens its own transactions, as a request or a service
    does) and waits until PostgreSQL shows it waiting for a lock; then commits, and waits for
    ``second`` to finish. What ``second`` returned, or what it raised, raised here. Fails when
    ``second`` finishes without ever waiting: no race was made, and the test would prove
    nothing."""
    started = threading.Event()
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                result["pid"] = cursor.fetchone()[0]
            started.set()
            result["value"] = second()
        except BaseException as error:  # noqa: BLE001 - handed to the test (pytest.fail too)
            result["error"] = error
        finally:
            started.set()
            connection.close()

    thread = threading.Thread(target=run)
    try:
        with transaction.atomic():
            first()
            thread.start()
            assert started.wait(PATIENCE)
            deadline = time.monotonic() + PATIENCE
            while "pid" in result and not waits_for_a_lock(result["pid"]):
                assert thread.is_alive(), result  # it finished without waiting: no race made
                assert time.monotonic() < deadline, "the second writer never waited"
    finally:
        # Joined however the first transaction ended (its locks are gone): the thread's
        # connection does not outlive the test into its flush.
        if thread.is_alive():
            thread.join(PATIENCE)
    assert not thread.is_alive()
    if "error" in result:
        raise result["error"]
    return result["value"]
