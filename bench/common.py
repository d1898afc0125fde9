"""What every step of the benchmark shares: the bench database and settings (set here, before
Django starts), logging, the median timer, the query counter, the result row, and taking back
the ratings a run saved."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The organization's size the database is built for: 10,000 people, or a multiple of it.
BASE_PEOPLE = 10_000


def _people() -> int:
    """``--people`` of the command line, read before Django starts: it names the database."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--people", type=int, default=BASE_PEOPLE)
    return parser.parse_known_args()[0].people


PEOPLE = _people()
#: The 10,000-person database (a helper's own copy if BENCH_DB is set)...
BASE_DB = os.environ.get("BENCH_DB", "readiness_bench")
#: ...and the one of this run: another size has its own, named after it.
BENCH_DB = BASE_DB if PEOPLE == BASE_PEOPLE else f"{BASE_DB}_{PEOPLE}"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
sys.path.insert(0, str(ROOT))

TEAM_SIZE = 50
OUT = ROOT / "var" / "bench" / "latest.json"


def log(message: str) -> None:
    print(message, flush=True)  # noqa: T201


# --- timing helpers ------------------------------------------------------------------------


def median_of(runs: int, call: Callable[[], Any]) -> tuple[float, Any]:
    """Median wall time in ms of ``runs`` calls after one warm-up, and the last result."""
    result = call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def steady_state_warmup() -> int:
    """Calls of each measured call before timing: enough for a server process's steady state.
    A worker serves thousands of requests on one connection (``CONN_MAX_AGE``), so its hot
    statements are prepared (after ``prepare_threshold`` runs, ``readiness.sql``) and
    PostgreSQL has chosen their generic plan (it plans each prepared statement anew for its
    first five runs): a bench that timed the first fifteen calls of a process measured mostly
    its start."""
    from django.db import connection

    threshold = connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold")
    return 1 if threshold is None else threshold + 6


def interleaved(
    rounds: int,
    calls: dict[str, Callable[[], Any]],
    per_round: int = 10,
    warmup: int | None = None,
) -> dict[str, float]:
    """Median wall time in ms of one call of each of ``calls``, measured in alternating
    rounds (``per_round`` calls of each, one after the other) after a warm-up (``warmup``
    calls of each, default ``steady_state_warmup()``): on a shared machine the noise of a
    moment then weighs on a figure and its floor alike."""
    for call in calls.values():
        for _ in range(steady_state_warmup() if warmup is None else warmup):
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            for _ in range(per_round):
                call()
            samples[name].append((time.perf_counter() - started) * 1000 / per_round)
    return {name: statistics.median(times) for name, times in samples.items()}


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """The SQL statements sent inside the block, in order (``len()`` of it: a row's
    ``queries``). A wrapper of the connection, not the DEBUG cursor's log."""
    from django.db import connection

    queries: list[str] = []

    def counter(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield queries


def row(name: str, ms: float, floor_ms: float, target: float | None, **extra: Any) -> dict:
    ratio = ms / floor_ms if floor_ms else float("inf")
    return {
        "name": name,
        "ms": round(ms, 2),
        "floor_ms": round(floor_ms, 2),
        "ratio": round(ratio, 2),
        "target": target,
        "ok": None if target is None else ratio <= target,
        **extra,
    }


class _Rollback(Exception):
    pass


def vacuum(*tables: str) -> None:
    """Clear what a rolled-back run left behind (dead rows, stale statistics): otherwise the
    next measurement, and the planner's choices, depend on the bench's own leftovers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(tables))


def saved_ratings_delete(*, mark: str, person_ids: Iterable[int], since: dt.datetime) -> int:
    """Take back what a run saved: the ratings whose note starts with ``mark-`` (ratings are
    append-only in the app: the bench deletes its own in SQL) and the submissions of
    ``person_ids`` since ``since``. Returns how many ratings there were."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_skillrating WHERE note LIKE %s", [f"{mark}-%"])
        saved = cursor.rowcount
        cursor.execute(
            "DELETE FROM assessments_assessmentsubmission WHERE submitted_at >= %s"
            " AND person_id = ANY(%s)",
            [since, list(person_ids)],
        )
    return saved
