"""(10) the chunked nightly sweeps (``assessments.sweeps``) on real worker processes: the
reminder sweep and the snapshot figures at the bench's scale, with ONE and with TWO
``celery worker`` processes (solo pool, prefetch 1) on Redis, each timed from the enqueue of
the daily task to its final step done (the last batch, then the digests or the sum).

Beside each: the same work in this process in one go (``reminders_send``,
``snapshots_write``), so the one-worker ratio is the cost of the chunks, and the two-worker
row's ratio is against one worker measured in the same rounds (< 1: the second worker helps).

The workers consume a queue of their own (``BENCH_CELERY_QUEUE``, read by bench.settings) on
the Redis database of ``BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``); the second
worker is switched off and on with ``cancel_consumer``/``add_consumer``, so both counts are
measured round after round with the same processes. Between runs the reminder steps a run
recorded are deleted (and the steps it took over given back), so each run sends the same
emails; the snapshot rows of the day are replaced, as every night.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.common import ROOT, row, vacuum

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 600
WORKERS = 2


def _worker(number: int, queue: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "BENCH_CELERY_QUEUE": queue,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "readiness",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--prefetch-multiplier=1",
        "--without-gossip",
        "--without-mingle",
        "-Q",
        queue,
        "-n",
        f"bench{number}-{queue}@{socket.gethostname()}",
        "-l",
        "WARNING",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603


def _wait_ready(app: Any, names: list[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=names, timeout=1.0) or []
        if {name for reply in replies for name in reply} >= set(names):
            return
    raise SystemExit(f"the bench workers did not answer: {names}")


class _Reset:
    """What a run changes, put back: the reminder steps it recorded deleted, the unsent ones
    it took over given back (so every run sends the same emails)."""

    def __init__(self) -> None:
        from assessments.models import Reminder

        self.last_id = Reminder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.unsent = list(
            Reminder.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)
        )

    def __call__(self) -> None:
        from assessments.models import Reminder, Sweep

        Reminder.objects.filter(pk__gt=self.last_id).delete()
        Reminder.objects.filter(pk__in=self.unsent).update(
            sent_at=None, claimed_by="", claimed_at=None
        )
        Sweep.objects.all().delete()
        vacuum("assessments_reminder", "assessments_sweep", "assessments_sweepbatch")


def sweep_rows(runs: int, people: int) -> list[dict]:
    from celery import Celery
    from django.core import mail

    from assessments.models import Sweep
    from assessments.reminders.run import reminders_send
    from assessments.snapshots import snapshots_write

    queue = f"bench-sweeps-{uuid.uuid4().hex[:8]}"
    app = Celery("bench-sweeps", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    app.conf.update(result_expires=3600, broker_connection_retry_on_startup=True)
    names = [f"bench{n}-{queue}@{socket.gethostname()}" for n in range(WORKERS)]
    processes = [_worker(n, queue) for n in range(WORKERS)]
    reset = _Reset()
    try:
        _wait_ready(app, names)

        def chunked(task: str, workers: int) -> Callable[[], dict]:
            def call() -> dict:
                if workers == 1:
                    app.control.cancel_consumer(queue, destination=names[1:], reply=True)
                started = time.perf_counter()
                planned = app.send_task(task, queue=queue).get(timeout=TIMEOUT)
                totals = app.AsyncResult(planned["final_task_id"]).get(timeout=TIMEOUT)
                ms = (time.perf_counter() - started) * 1000
                sweep = Sweep.objects.get(pk=planned["sweep"])
                if workers == 1:
                    app.control.add_consumer(queue, destination=names[1:], reply=True)
                reset()
                return {"ms": ms, "batches": sweep.batches, "totals": totals}

            return call

        def in_process(call: Callable[[], Any]) -> Callable[[], dict]:
            def timed() -> dict:
                mail.outbox = []
                started = time.perf_counter()
                result = call()
                ms = (time.perf_counter() - started) * 1000
                mail.outbox = []
                reset()
                return {"ms": ms, "result": result}

            return timed

        calls = {
            ("reminders", 0): in_process(reminders_send),
            ("reminders", 1): chunked("assessments.tasks.send_reminders", 1),
            ("reminders", 2): chunked("assessments.tasks.send_reminders", 2),
            ("snapshots", 0): in_process(snapshots_write),
            ("snapshots", 1): chunked("assessments.tasks.write_snapshots", 1),
            ("snapshots", 2): chunked("assessments.tasks.write_snapshots", 2),
        }
        samples: dict[tuple[str, int], list[dict]] = {key: [] for key in calls}
        for round_ in range(runs + 1):  # the first round warms up and is left out
            for key, call in calls.items():
                outcome = call()
                if round_:
                    samples[key].append(outcome)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        reset()
    ms = {key: statistics.median(s["ms"] for s in values) for key, values in samples.items()}
    rows = []
    for kind, label in (("reminders", "reminder sweep"), ("snapshots", "snapshot figures")):
        last = samples[(kind, 2)][-1]
        extra = {"batches": last["batches"]}
        if kind == "reminders":
            extra["sent"] = last["totals"]["sent"]
            extra["people_due"] = last["totals"]["people_due"]
        else:
            extra["rows"] = last["totals"]["rows"]
        rows += [
            row(
                f"(10) {label} in chunks, 1 worker, {people:,} people",
                ms[(kind, 1)],
                ms[(kind, 0)],
                None,
                floor="the same work in one process",
                **extra,
            ),
            row(
                f"(10) {label} in chunks, 2 workers",
                ms[(kind, 2)],
                ms[(kind, 1)],
                None,
                floor="1 worker, same rounds",
                **extra,
            ),
        ]
    return rows
