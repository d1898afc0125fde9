"""Load test: zero 5xx and zero lost ratings under ``wrk`` on gunicorn (``make loadtest``).

Creates (or reuses) the PostgreSQL database ``readiness_load``, migrates it and seeds
``seed_demo --people 200`` once, starts gunicorn (2 workers, bench.settings) on 127.0.0.1,
signs in some employees (a session cookie for pages, an API token for the API), then runs two
``wrk`` processes at the same time for 30 s — 50 connections in all:

- reads: pages and API reads, round-robin over the employees' sessions and tokens;
- writes: self-ratings POSTed to /api/v1/ratings/self-assessment/, each with a distinct note
  (``load-<run>-<thread>-<n>``) so they can be counted.

A Lua ``response`` hook counts statuses by class in each. Afterwards the ratings in the
database whose note carries this run's mark are counted against the 2xx POST responses:
zero lost means every acknowledged rating is stored. Exits non-zero on any 5xx or lost rating.

Not part of the test suite (machines are noisy). Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "readiness_load"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
PYTHON = sys.executable

LUA_COMMON = r"""
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end
function init(args)
  s2, s3, s4, s5, other = 0, 0, 0, 0, 0
  n = 0
end
function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  elseif status >= 200 then s2 = s2 + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local t = {s2 = 0, s3 = 0, s4 = 0, s5 = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write(string.format("STATUS s2=%d s3=%d s4=%d s5=%d requests=%d errors_connect=%d "
    .. "errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    t.s2, t.s3, t.s4, t.s5, summary.requests, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


def _lua_list(values: list[str]) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def reads_lua(sessions: list[str], tokens: list[str]) -> str:
    pages = ["/", "/me/", "/me/assessment/", "/me/history/", "/catalog/", "/me/plan/"]
    api = [
        "/api/v1/me/",
        "/api/v1/me/skills/",
        "/api/v1/skills/",
        "/api/v1/ratings/?page_size=20",
        "/api/v1/resources/",
        "/api/v1/teams/",
    ]
    return (
        LUA_COMMON
        + f"""
local sessions = {_lua_list(sessions)}
local tokens = {_lua_list(tokens)}
local pages = {_lua_list(pages)}
local api = {_lua_list(api)}
function request()
  n = n + 1
  local who = (n % #sessions) + 1
  if n % 2 == 0 then
    return wrk.format("GET", pages[math.floor(n / 2) % #pages + 1],
      {{["Cookie"] = "sessionid=" .. sessions[who]}})
  end
  return wrk.format("GET", api[math.floor(n / 2) % #api + 1],
    {{["Authorization"] = "Token " .. tokens[who]}})
end
"""
    )


def writes_lua(run: str, tokens: list[str], skills: list[int]) -> str:
    return (
        LUA_COMMON
        + f"""
local tokens = {_lua_list(tokens)}
local skills = {{{", ".join(map(str, skills))}}}
function request()
  n = n + 1
  local body = string.format(
    '{{"ratings": [{{"skill": %d, "level": %d, "note": "load-{run}-%d-%d"}}]}}',
    skills[n % #skills + 1], n % 4 + 1, tid, n)
  return wrk.format("POST", "/api/v1/ratings/self-assessment/", {{
    ["Authorization"] = "Token " .. tokens[n % #tokens + 1],
    ["Content-Type"] = "application/json"}}, body)
end
"""
    )


def django(code: str) -> str:
    """Run ``code`` in a Django shell on the load database; its stdout."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": DATABASE_URL}
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def prepare_database() -> None:
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": DATABASE_URL}
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    seeded = django(
        "from demo.create import demo_organization_exists; print(demo_organization_exists())"
    ).strip()
    if seeded != "True":
        subprocess.run(
            [PYTHON, "manage.py", "seed_demo", "--people", "200"], cwd=ROOT, env=env, check=True
        )


SIGN_IN = """
import json
from django.test import Client
from readiness.models import Person, Skill
from readiness.tokens import token_create
people = list(Person.objects.filter(is_active=True, user__isnull=False, role__isnull=False)
              .select_related("user").order_by("pk")[:{count}])
out = {{"sessions": [], "tokens": [], "people": [], "skills": []}}
for person in people:
    client = Client()
    client.force_login(person.user)
    out["sessions"].append(client.cookies["sessionid"].value)
    _token, secret = token_create(user=person.user, name="loadtest {run}", expires_in_days=7)
    out["tokens"].append(secret)
    out["people"].append(person.pk)
out["skills"] = list(Skill.objects.filter(is_active=True).order_by("pk")
                     .values_list("pk", flat=True)[:20])
print(json.dumps(out))
"""

COUNT = """
from assessments.models import SkillRating
print(SkillRating.objects.filter(note__startswith="load-{run}-").count())
"""

CLEAN_UP = """
from readiness.models import ApiToken
ApiToken.objects.filter(name="loadtest {run}").delete()
"""


def wait_until_up(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def parse_wrk(output: str) -> dict[str, int]:
    match = re.search(r"^STATUS (.*)$", output, re.MULTILINE)
    if match is None:
        raise SystemExit("wrk printed no STATUS line:\n" + output)
    return {key: int(value) for key, value in (p.split("=") for p in match.group(1).split())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="30s")
    parser.add_argument("--connections", type=int, default=50, help="in all (reads + writes)")
    parser.add_argument("--write-connections", type=int, default=10)
    parser.add_argument("--people", type=int, default=20, help="employees signed in")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")

    prepare_database()
    run = secrets.token_hex(4)
    signed_in = json.loads(
        django(SIGN_IN.format(count=args.people, run=run)).strip().splitlines()[-1]
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": DATABASE_URL}
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "readiness.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(args.port)
        with tempfile.TemporaryDirectory() as folder:
            reads = Path(folder, "reads.lua")
            reads.write_text(reads_lua(signed_in["sessions"], signed_in["tokens"]))
            writes = Path(folder, "writes.lua")
            writes.write_text(writes_lua(run, signed_in["tokens"], signed_in["skills"]))
            url = f"http://127.0.0.1:{args.port}"
            read_connections = args.connections - args.write_connections
            common = ["wrk", "-t1", "-d", args.duration, "--timeout", "10s", "--latency"]
            procs = {
                "reads": subprocess.Popen(
                    [*common, "-c", str(read_connections), "-s", str(reads), url],
                    stdout=subprocess.PIPE,
                    text=True,
                ),
                "writes": subprocess.Popen(
                    [*common, "-c", str(args.write_connections), "-s", str(writes), url],
                    stdout=subprocess.PIPE,
                    text=True,
                ),
            }
            outputs = {name: proc.communicate()[0] for name, proc in procs.items()}
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    stats = {name: parse_wrk(output) for name, output in outputs.items()}
    rps = {
        name: re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)
        for name, output in outputs.items()
    }
    stored = int(django(COUNT.format(run=run)).strip().splitlines()[-1])
    django(CLEAN_UP.format(run=run))
    acknowledged = stats["writes"]["s2"]
    lost = acknowledged - stored
    five_xx = stats["reads"]["s5"] + stats["writes"]["s5"]

    print(
        f"\nLoad test {run}: gunicorn 2 workers, {args.connections} connections "
        f"({read_connections} reads + {args.write_connections} writes), {args.duration}"
    )
    print(
        f"{'':8} {'requests':>9} {'req/s':>8} {'2xx':>7} {'3xx':>6} {'4xx':>6} {'5xx':>5} "
        f"{'sock err':>8}"
    )
    for name, s in stats.items():
        errors = s["errors_connect"] + s["errors_read"] + s["errors_write"] + s["errors_timeout"]
        print(
            f"{name:8} {s['requests']:>9} {rps[name]:>8} {s['s2']:>7} {s['s3']:>6} "
            f"{s['s4']:>6} {s['s5']:>5} {errors:>8}"
        )
    print(
        f"ratings: {acknowledged} acknowledged (2xx POST), {stored} stored, lost {max(lost, 0)}"
        f"{f', {-lost} stored from POSTs still in flight when wrk stopped' if lost < 0 else ''}"
    )
    print(f"5xx: {five_xx}")
    if five_xx or lost > 0:
        print("FAIL", file=sys.stderr)
        return 1
    print("OK: zero 5xx, zero lost ratings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
