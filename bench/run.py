"""``make bench``: Readiness at organization scale (issue 9), each figure beside its floor.

Run: ``.venv/bin/python -m bench.run [--runs 5] [--load-seconds 20] [--no-load]``.

1. Builds the PostgreSQL database ``readiness_bench`` once (``migrate`` + ``seed_demo``), or
   reuses it when it already holds the organization (the marker: the number of people).
2. Measures in this process, each the median of several runs, beside its floor:
   pages against a trivial authenticated view (framework floor); the gap report and the
   reminder sweep against one hand-written SQL statement (database floor); the Learn import
   against a bare ``executemany`` of the same rows.
3. Serves the app with gunicorn (2 workers) and loads it with ``wrk`` (loopback only).
4. Prints a table and writes ``var/bench/latest.json``; exits non-zero when a measure is over
   its budget (pages: BUILT, ``READINESS_CACHE=False``, against the trivial view measured in
   the same rounds — ``pages.BUDGETS``).

The steps live beside this entry point: ``database``, ``pages`` (1)-(3), ``rules`` (4)-(5),
``learn_import`` (6), ``selfassess`` (7)-(9), ``save`` (12: one rating saved through the
API and through the form), ``sweeps`` (10: the chunked nightly sweeps on one
and two ``celery worker`` processes; ``--no-workers`` skips it), ``hr_upsert`` (11: 100,000
people through the HR upsert) and ``load`` (with the mixed row); ``common`` points Django at the
bench database, named after ``--people`` (a size other than 10,000 is copied from it by
``multiply``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import django

from bench.allocator import allocator_env_exec
from bench.common import OUT, ROOT, log
from bench.database import database_ensure, organization_counts
from bench.hr_upsert import hr_rows
from bench.learn_import import import_rows
from bench.load import load_rows
from bench.pages import page_rows
from bench.rules import gap_rows, reminder_rows
from bench.save import save_rows
from bench.selfassess import selfassess_rows
from bench.sweeps import sweep_rows

# --- report --------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "django": django.get_version(),
    }


def print_table(result: dict) -> None:
    log("")
    log(f"{'measure':<44}{'median ms':>11}{'floor ms':>10}{'ratio':>8}{'target':>8}  ok  details")
    for item in result["measures"]:
        extra = {
            k: v
            for k, v in item.items()
            if k not in ("name", "ms", "floor_ms", "ratio", "target", "ok", "url")
        }
        target = f"{item['target']:.0f}x" if item["target"] else "-"
        ok = "-" if item["ok"] is None else "yes" if item["ok"] else "NO"
        log(
            f"{item['name']:<44}{item['ms']:>11.1f}{item['floor_ms']:>10.1f}"
            f"{item['ratio']:>7.1f}x{target:>8}  {ok:<3} {extra}"
        )
    if result["load"]:
        log("")
        log(
            f"{'load (gunicorn 2 workers, wrk)':<32}{'req/s':>9}{'share':>8}{'p50 ms':>9}"
            f"{'p99 ms':>9}{'non-2xx':>9}  ok"
        )
        for item in result["load"]:
            log(
                f"{item['name']:<32}{item['rps']:>9.0f}{item['share_of_trivial']:>8.2f}"
                f"{item['p50_ms']:>9.1f}{item['p99_ms']:>9.1f}{item['non_2xx']:>9}  "
                f"{'yes' if item['ok'] else 'NO'}"
            )
    log("")
    log(
        f"Peak RSS of the bench process: {result['peak_rss_mb']} MB; "
        f"organization: {result['organization']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    parser.add_argument(
        "--load-seconds", type=int, default=int(os.environ.get("BENCH_LOAD_SECONDS", 20))
    )
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn/wrk run")
    parser.add_argument(
        "--no-workers",
        action="store_true",
        help="skip the chunked sweeps on celery worker processes (they need Redis)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated: pages,gap,reminders,import,selfassess,save,sweeps,hr,load",
    )
    args = parser.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    started = time.perf_counter()
    database = database_ensure(people=args.people, extra_args=[])
    # The change rows as the nightly job leaves them (every run's saves add a row a person and
    # transaction, which each kept page's version reads: left to pile up over runs, they made
    # the later runs slower than the first).
    from readiness.data_version import data_changes_compact

    log(f"Data-change rows compacted: {data_changes_compact()} global rows folded.")
    result: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": database,
        "organization": organization_counts(),
        "runs": args.runs,
        "measures": [],
        "load": [],
    }
    steps = [
        ("pages", page_rows),
        ("gap", gap_rows),
        ("reminders", reminder_rows),
        ("import", import_rows),
        ("selfassess", selfassess_rows),
        ("save", save_rows),
        ("sweeps", lambda runs: sweep_rows(runs, result["organization"]["people"])),
        ("hr", hr_rows),
    ]
    for name, step in steps:
        if only and name not in only:
            continue
        if name == "sweeps" and args.no_workers:
            continue
        log(f"Measuring {name} …")
        rows = step(args.runs)
        for item in rows:
            log(f"  {item}")
        result["measures"] += rows
    if not args.no_load and (not only or "load" in only):
        log(f"Load run ({args.load_seconds} s each) …")
        result["load"] = load_rows(args.load_seconds, args.connections)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["seconds"] = round(time.perf_counter() - started, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2, default=str))
    print_table(result)
    log(f"Written to {OUT.relative_to(ROOT)} in {result['seconds']} s.")
    failed = [item["name"].strip() for item in result["measures"] if item["ok"] is False]
    failed += [item["name"] for item in result["load"] if not item["ok"]]
    if failed:
        log(f"Over budget: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    allocator_env_exec()
    sys.exit(main())
