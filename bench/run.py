"""``make bench``: Readiness at organization scale (issue 9), each figure beside its floor.

Run: ``.venv/bin/python -m bench.run [--runs 5] [--load-seconds 20] [--no-load]``.

1. Builds the PostgreSQL database ``readiness_bench`` once (``migrate`` + ``seed_demo``), or
   reuses it when it already holds the organization (the marker: the number of people).
2. Measures in this process, each the median of several runs, beside its floor:
   pages against a trivial authenticated view (framework floor); the gap report and the
   reminder sweep against one hand-written SQL statement (database floor); the Learn import
   against a bare ``executemany`` of the same rows.
3. Serves the app with gunicorn (2 workers) and loads it with ``wrk`` (loopback only).
4. Prints a table and writes ``var/bench/latest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "readiness_bench"
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

TEAM_SIZE = 50
OUT = ROOT / "var" / "bench" / "latest.json"


def log(message: str) -> None:
    print(message, flush=True)  # noqa: T201


# --- the database --------------------------------------------------------------------------


def database_ensure(*, people: int, extra_args: list[str]) -> dict[str, Any]:
    info = _database_seed(people=people, extra_args=extra_args)
    from bench.scale import organization_scale_up

    started = time.perf_counter()
    info["scale_up"] = organization_scale_up(skills=40)
    if info["scale_up"]["skills_added"]:
        log(f"Scaled up to the issue's size (40 skills, ~2 million ratings): {info['scale_up']}")
        info["generation_seconds"] = round(
            info.get("generation_seconds", 0) + time.perf_counter() - started, 1)
    return info


def _database_seed(*, people: int, extra_args: list[str]) -> dict[str, Any]:
    """Create, migrate and seed the bench database unless it already holds ``people``."""
    created = subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB],  # noqa: S607
        capture_output=True, text=True, check=False,
    )
    if created.returncode and "already exists" not in created.stderr:
        raise SystemExit(created.stderr)
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise's STATIC_ROOT
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from readiness.models import Person

    have = Person.objects.count()
    info: dict[str, Any] = {"reused": have >= people, "people": have}
    if have >= people:
        log(f"Reusing {BENCH_DB}: {have} people already there.")
        with django.db.connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum would keep them
        return info
    if have:
        raise SystemExit(f"{BENCH_DB} holds {have} people, not {people}: drop it "
                         f"(dropdb -h 127.0.0.1 -U postgres {BENCH_DB}) and run again.")
    log(f"Generating the organization ({people} people) in {BENCH_DB} …")
    started = time.perf_counter()
    call_command("seed_demo", *extra_args, people=people)
    info["generation_seconds"] = round(time.perf_counter() - started, 1)
    info["people"] = Person.objects.count()
    with django.db.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return info


def organization_counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "people": "readiness_person", "teams": "readiness_team", "skills": "readiness_skill",
        "cycles": "assessments_assessmentcycle", "ratings": "assessments_skillrating",
        "plan_items": "assessments_learningplanitem",
    }
    with connection.cursor() as cursor:
        counts = {}
        for name, table in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
            counts[name] = cursor.fetchone()[0]
    return counts


def team_of_fifty():
    """The manager's team, topped up to exactly 50 active people from a sibling leaf team."""
    from django.contrib.auth import get_user_model

    from readiness.models import Person, Team

    manager = get_user_model().objects.get(username="manager")
    team = Team.objects.filter(managers=manager, children__isnull=True).first()
    members = Person.objects.filter(team=team, is_active=True)
    missing = TEAM_SIZE - members.count()
    if missing > 0:
        donors = (Person.objects.filter(is_active=True, team__children__isnull=True)
                  .exclude(team=team).exclude(team__managers__isnull=True)
                  .exclude(user__username__in=["lead", "curator", "manager", "employee",
                                               "admin"])
                  .filter(role__slug=members.first().role.slug)
                  .exclude(user__managed_teams__isnull=False)
                  .order_by("-pk")[:missing])
        Person.objects.filter(pk__in=[p.pk for p in donors]).update(team=team)
    return team, manager


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


def row(name: str, ms: float, floor_ms: float, target: float | None, **extra: Any) -> dict:
    ratio = ms / floor_ms if floor_ms else float("inf")
    return {"name": name, "ms": round(ms, 2), "floor_ms": round(floor_ms, 2),
            "ratio": round(ratio, 2), "target": target,
            "ok": None if target is None else ratio <= target, **extra}


# --- (1)-(3) pages -------------------------------------------------------------------------


def page_rows(runs: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, reverse

    User = get_user_model()
    team, manager = team_of_fifty()
    pages = [
        ("(1) team skill map, 50 people", manager, reverse("assessments:team-detail",
                                                            args=[team.pk])),
        ("(2) /me/", User.objects.get(username="employee"), reverse("assessments:my-readiness")),
    ]
    try:
        pages.append(("(3) leadership dashboard", User.objects.get(username="lead"),
                      reverse("assessments:dashboard")))
    except NoReverseMatch:
        log("(3) skipped: the URL assessments:dashboard does not resolve.")
    rows = []
    for name, user, url in pages:
        client = Client()
        client.force_login(user)

        def get(url=url, client=client):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        floor_ms, _ = median_of(runs * 3, lambda client=client: client.get("/bench/trivial/"))
        layout_ms, _ = median_of(runs * 3, lambda client=client: client.get("/bench/layout/"))
        queries: list[str] = []

        def counter(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        # Built from scratch, as after any change to the data (readiness.caching off) …
        with override_settings(READINESS_CACHE=False):
            with connection.execute_wrapper(counter):
                response = get()
            built_queries = len(queries)
            built_ms, _ = median_of(runs, get)
        # … then as every later visitor gets it until the data changes.
        queries.clear()
        with connection.execute_wrapper(counter):
            get()
        ms, _ = median_of(runs, get)
        rows.append(row(name, ms, floor_ms, 5.0, queries=len(queries), url=url,
                        bytes=len(response.content), layout_ms=round(layout_ms, 2),
                        layout_ratio=round(ms / layout_ms, 2), built_ms=round(built_ms, 1),
                        built_ratio=round(built_ms / floor_ms, 1), built_queries=built_queries))
    rows.append(row("    the layout around an empty page", layout_ms, floor_ms, None,
                    url="/bench/layout/"))
    return rows


# --- (4) the organization gap report -------------------------------------------------------

FLOOR_STATES_SQL = """
WITH people(id) AS (SELECT id FROM readiness_person WHERE is_active),
targets AS ({targets}),
latest AS (
    SELECT DISTINCT ON (r.person_id, r.skill_id, r.source)
           r.person_id, r.skill_id, r.source, r.level, r.created_at
      FROM assessments_skillrating r
      JOIN readiness_person p ON p.id = r.person_id AND p.is_active
      JOIN readiness_skill s ON s.id = r.skill_id AND s.is_active
     ORDER BY r.person_id, r.skill_id, r.source, r.created_at DESC, r.id DESC
)
SELECT t.person_id, t.skill_id, t.target_level,
       MAX(l.level) FILTER (WHERE l.source = 'self') AS s,
       MAX(l.created_at) FILTER (WHERE l.source = 'self') AS s_at,
       MAX(l.level) FILTER (WHERE l.source = 'manager') AS m,
       MAX(l.created_at) FILTER (WHERE l.source = 'manager') AS m_at
  FROM targets t
  LEFT JOIN latest l ON l.person_id = t.person_id AND l.skill_id = t.skill_id
 GROUP BY t.person_id, t.skill_id, t.target_level
"""


def gap_rows(runs: int) -> list[dict]:
    from django.db import connection

    from assessments.selectors import group_readiness, skill_states_iter
    from readiness.models import Person
    from readiness.selectors import TARGETS_SQL

    floor_sql = FLOOR_STATES_SQL.format(targets=TARGETS_SQL)

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql)
            return len(cursor.fetchall())

    grouped_sql = f"""
        SELECT p.team_id, COUNT(DISTINCT g.person_id),
               SUM(CASE WHEN g.lvl >= g.target_level THEN 1 ELSE 0 END),
               SUM(GREATEST(g.target_level - COALESCE(g.lvl, 0), 0))
          FROM (SELECT f.*, CASE WHEN f.m_at IS NOT NULL AND (f.s_at IS NULL OR f.m_at >= f.s_at)
                                 THEN f.m ELSE f.s END AS lvl
                  FROM ({floor_sql}) f) g
          JOIN readiness_person p ON p.id = g.person_id
         GROUP BY p.team_id
    """  # noqa: S608 - fixed SQL

    def floor_grouped() -> int:
        with connection.cursor() as cursor:
            cursor.execute(grouped_sql)
            return len(cursor.fetchall())

    active = Person.objects.filter(is_active=True)
    floor_ms, floor_count = median_of(runs, floor)

    def report() -> int:
        """The gap report: every required (person, skill), streamed (never all in memory)."""
        return sum(1 for _ in skill_states_iter(people=active, required_only=True))

    ms, required = median_of(runs, report)
    grouped_floor_ms, _ = median_of(runs, floor_grouped)
    grouped_ms, groups = median_of(runs, lambda: group_readiness(people=active, by="team"))
    return [
        row("(4) gap report: required states, all people", ms, floor_ms, 2.0,
            rows=required, floor_rows=floor_count),
        row("(4) gap report: group_readiness by team", grouped_ms, grouped_floor_ms, 2.0,
            rows=len(groups)),
    ]


# --- (5) one reminder sweep ----------------------------------------------------------------

FLOOR_DUE_SQL = """
WITH people(id) AS (
    SELECT p.id FROM readiness_person p JOIN auth_user u ON u.id = p.user_id
     WHERE p.is_active AND u.is_active AND u.email <> ''
),
targets AS ({targets}),
last_self AS (
    SELECT r.person_id, r.skill_id, MAX(r.created_at) AS at
      FROM assessments_skillrating r JOIN people ON people.id = r.person_id
     WHERE r.source = 'self' GROUP BY r.person_id, r.skill_id
),
last_sub AS (
    SELECT s.person_id, MAX(s.submitted_at) AS at
      FROM assessments_assessmentsubmission s GROUP BY s.person_id
)
SELECT t.person_id,
       MIN((GREATEST(ls.at, sub.at) AT TIME ZONE %s)::date
           + COALESCE(sk.reassessment_interval_days, %s)) AS due_on,
       BOOL_OR(ls.at IS NULL AND sub.at IS NULL) AS never
  FROM targets t
  JOIN readiness_skill sk ON sk.id = t.skill_id
  LEFT JOIN last_self ls ON ls.person_id = t.person_id AND ls.skill_id = t.skill_id
  LEFT JOIN last_sub sub ON sub.person_id = t.person_id
 GROUP BY t.person_id
"""


class _Rollback(Exception):
    pass


def vacuum(*tables: str) -> None:
    """Clear what a rolled-back run left behind (dead rows, stale statistics): otherwise the
    next measurement, and the planner's choices, depend on the bench's own leftovers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(tables))


def reminder_rows(runs: int) -> list[dict]:
    from django.conf import settings
    from django.core import mail
    from django.db import connection, transaction

    from assessments.reminders import reminders_send
    from readiness.selectors import TARGETS_SQL

    sql = FLOOR_DUE_SQL.format(targets=TARGETS_SQL)

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [settings.TIME_ZONE, settings.REASSESSMENT_INTERVAL_DAYS])
            return len(cursor.fetchall())

    def sweep_twice() -> dict:
        """A sweep, then a second one, on a copy of the state (rolled back)."""
        outcome: dict = {}
        try:
            with transaction.atomic():
                mail.outbox = []
                started = time.perf_counter()
                first = reminders_send()
                outcome["first_ms"] = (time.perf_counter() - started) * 1000
                outcome["first"] = first.as_dict()
                outcome["emails"] = len(mail.outbox)
                started = time.perf_counter()
                second = reminders_send()
                outcome["second_ms"] = (time.perf_counter() - started) * 1000
                outcome["second_sent"] = len(second.sent)
                mail.outbox = []
                raise _Rollback
        except _Rollback:
            pass
        vacuum("assessments_reminder")
        return outcome

    floor_ms, floor_count = median_of(runs, floor)
    sweeps = [sweep_twice() for _ in range(runs)]
    first_ms = statistics.median(s["first_ms"] for s in sweeps)
    second_ms = statistics.median(s["second_ms"] for s in sweeps)
    last = sweeps[-1]
    return [
        row("(5) reminder sweep, 10,000 people", first_ms, floor_ms, 2.0,
            emails=last["emails"], sent=last["first"]["sent"],
            people_due=last["first"]["people_due"], floor_rows=floor_count),
        row("(5) same sweep again (sends nothing)", second_ms, floor_ms, 2.0,
            second_sent=max(s["second_sent"] for s in sweeps)),
    ]


# --- (6) the Learn import ------------------------------------------------------------------


CATALOG_TABLES = ("catalog_provider", "catalog_trainingresource",
                  "catalog_trainingresource_audiences", "catalog_resourceskill")


def import_rows(runs: int, size: int = 5000) -> list[dict]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from catalog.learn.importer import IMPORTED_FIELDS, learn_items_import
    from catalog.learn.parse import legacy_collections, load_json, parse_items
    from catalog.models import ResourceSource
    from tests.catalog.test_importer import generated_catalog

    data = generated_catalog(size)
    parsed = parse_items(list(legacy_collections(load_json(data))))

    def once() -> dict:
        outcome: dict = {}
        try:
            with transaction.atomic():
                started = time.perf_counter()
                first = learn_items_import(parsed=parsed, source=ResourceSource.LEARN_CATALOG)
                outcome["first_ms"] = (time.perf_counter() - started) * 1000
                outcome["created"] = first.created
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    again = learn_items_import(parsed=parsed,
                                               source=ResourceSource.LEARN_CATALOG)
                outcome["again_ms"] = (time.perf_counter() - started) * 1000
                outcome["again_unchanged"] = again.unchanged
                outcome["again_writes"] = sum(
                    1 for q in queries.captured_queries
                    if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")))
                outcome["queries"] = len(queries.captured_queries)
                raise _Rollback
        except _Rollback:
            pass
        vacuum(*CATALOG_TABLES)
        return outcome

    columns = list(IMPORTED_FIELDS)

    def floor() -> None:
        rows = []
        for item in parsed.items:
            values = []
            for name in columns:
                value = getattr(item, name)
                values.append(json.dumps(value) if isinstance(value, list) else value)
            rows.append((item.uid, *values))
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE bench_scratch ON COMMIT DROP AS SELECT external_uid, "
                    + ", ".join(columns) + " FROM catalog_trainingresource WITH NO DATA")
                cursor.executemany(
                    "INSERT INTO bench_scratch VALUES (" + ", ".join(["%s"] * len(rows[0]))
                    + ")", rows)
                raise _Rollback
        except _Rollback:
            pass

    floor_ms, _ = median_of(runs, floor)
    outcomes = [once() for _ in range(runs)]
    first_ms = statistics.median(o["first_ms"] for o in outcomes)
    again_ms = statistics.median(o["again_ms"] for o in outcomes)
    last = outcomes[-1]
    return [
        row(f"(6) Learn import, {len(parsed.items)} items", first_ms, floor_ms, 3.0,
            created=last["created"]),
        row("(6) re-import unchanged", again_ms, floor_ms, 3.0,
            unchanged=last["again_unchanged"], writes=last["again_writes"],
            queries=last["queries"]),
    ]


# --- the load run --------------------------------------------------------------------------

WRK_LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, header: str, seconds: int, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", "-H", header, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    latency = {m[0]: float(m[1]) * UNIT[m[2]] for m in WRK_LATENCY.findall(output)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": round(rps, 1), "p50_ms": round(latency.get("50", 0), 2),
            "p99_ms": round(latency.get("99", 0), 2),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def load_rows(seconds: int, connections: int) -> list[dict]:
    if not shutil.which("wrk"):
        log("Load run skipped: wrk is not installed (apt-get install wrk).")
        return []
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from readiness.models import ApiToken

    User = get_user_model()
    team, manager = team_of_fifty()

    def cookie(user) -> str:
        client = Client()
        client.force_login(user)
        return f"Cookie: sessionid={client.cookies['sessionid'].value}"

    employee = User.objects.get(username="employee")
    _, token = ApiToken.objects.create(user=employee, name="bench",
                                       expiry=dt.timedelta(hours=2))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    targets = [
        ("trivial view", "/bench/trivial/", cookie(employee)),
        ("/me/", reverse("assessments:my-readiness"), cookie(employee)),
        ("team skill map (50)", reverse("assessments:team-detail", args=[team.pk]),
         cookie(manager)),
        ("API /api/v1/skills/", "/api/v1/skills/", f"Authorization: Token {token}"),
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "gunicorn"), "readiness.wsgi:application",
         "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    rows = []
    try:
        _wait_for_port(port, server)
        import urllib.request

        for name, path, header in targets:
            key, value = header.split(": ", 1)
            request = urllib.request.Request(base + path, headers={key: value})
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                assert response.status == 200 and response.url == base + path, (path,
                                                                               response.url)
            wrk(base + path, header, 2, connections)  # warm both workers
            result = wrk(base + path, header, seconds, connections)
            rows.append({"name": name, "url": path, **result})
            log(f"  load {name}: {result}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        ApiToken.objects.filter(user=employee, name="bench").delete()
    trivial = rows[0]["rps"] if rows else 0
    for item in rows:
        item["share_of_trivial"] = round(item["rps"] / trivial, 3) if trivial else None
        item["ok"] = (item["name"] == "trivial view" or item["share_of_trivial"] >= 0.25) and (
            item["non_2xx"] == 0 and not item["socket_errors"]
            and item["p99_ms"] < 5 * item["p50_ms"])
    return rows


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not listen on 127.0.0.1:{port}")


# --- report --------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in
                   Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "postgresql": postgres, "django": django.get_version()}


def print_table(result: dict) -> None:
    log("")
    log(f"{'measure':<44}{'median ms':>11}{'floor ms':>10}{'ratio':>8}{'target':>8}  ok  details")
    for item in result["measures"]:
        extra = {k: v for k, v in item.items()
                 if k not in ("name", "ms", "floor_ms", "ratio", "target", "ok", "url")}
        target = f"{item['target']:.0f}x" if item["target"] else "-"
        ok = "-" if item["ok"] is None else "yes" if item["ok"] else "NO"
        log(f"{item['name']:<44}{item['ms']:>11.1f}{item['floor_ms']:>10.1f}"
            f"{item['ratio']:>7.1f}x{target:>8}  {ok:<3} {extra}")
    if result["load"]:
        log("")
        log(f"{'load (gunicorn 2 workers, wrk)':<32}{'req/s':>9}{'share':>8}{'p50 ms':>9}"
            f"{'p99 ms':>9}{'non-2xx':>9}  ok")
        for item in result["load"]:
            log(f"{item['name']:<32}{item['rps']:>9.0f}{item['share_of_trivial']:>8.2f}"
                f"{item['p50_ms']:>9.1f}{item['p99_ms']:>9.1f}{item['non_2xx']:>9}  "
                f"{'yes' if item['ok'] else 'NO'}")
    log("")
    log(f"Peak RSS of the bench process: {result['peak_rss_mb']} MB; "
        f"organization: {result['organization']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    parser.add_argument("--load-seconds", type=int,
                        default=int(os.environ.get("BENCH_LOAD_SECONDS", 20)))
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn/wrk run")
    parser.add_argument("--only", default="", help="comma-separated: pages,gap,reminders,"
                        "import,load")
    args = parser.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    started = time.perf_counter()
    database = database_ensure(people=args.people, extra_args=[])
    result: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "database": database, "organization": organization_counts(),
        "runs": args.runs, "measures": [], "load": [],
    }
    steps = [("pages", page_rows), ("gap", gap_rows), ("reminders", reminder_rows),
             ("import", import_rows)]
    for name, step in steps:
        if only and name not in only:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
