"""(11) the HR upsert of 100,000 people (issue 21: "accepts at least 100,000 people"), as a
queued job: the request's check of every entry, the worker's dry run and its real run (rolled
back), against a bare ``executemany`` of the same people into a scratch table (the floor).
Measured once each: at this size a run takes a minute, and the figure is a size, not a race."""

from __future__ import annotations

import json
import resource
import time

from bench.common import _Rollback, row, vacuum

PEOPLE = 100_000
TEAM_SIZE = 50


def hr_payload(people: int = PEOPLE) -> dict:
    teams = people // TEAM_SIZE
    return {
        "teams": [{"name": "Bench HR", "external_id": "bench-hr"}]
        + [
            {"name": f"Unit {n}", "parent": "Bench HR", "external_id": f"bench-unit-{n}"}
            for n in range(teams)
        ],
        "people": [
            {
                "external_id": f"bench-e{n}",
                "email": f"bench.hr.{n}@example.com",
                "first_name": "Bench",
                "last_name": f"Person {n}",
                "team": f"Bench HR/Unit {n % teams}",
                "job_title": "Engineer",
                "start_date": "2024-01-01",
            }
            for n in range(people)
        ],
    }


def hr_rows(runs: int) -> list[dict]:  # noqa: ARG001 - one run each (see above)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import override_settings

    from readiness.api.hr import HrUpsertInput
    from readiness.hr.jobs import _from_json, _to_json
    from readiness.hr.upsert import hr_upsert

    body = json.dumps(hr_payload())
    admin = get_user_model().objects.filter(is_superuser=True).first()
    started = time.perf_counter()
    with override_settings(HR_UPSERT_MAX_PEOPLE=max(PEOPLE, settings.HR_UPSERT_MAX_PEOPLE)):
        checked = HrUpsertInput(data=json.loads(body))
        assert checked.is_valid(), str(checked.errors)[:500]
    check_ms = (time.perf_counter() - started) * 1000
    teams = checked.validated_data["teams"]
    people = _from_json(_to_json(checked.validated_data["people"]))

    started = time.perf_counter()
    dry = hr_upsert(teams=teams, people=people, dry_run=True, changed_by=admin)
    dry_ms = (time.perf_counter() - started) * 1000
    assert dry.summary()["people"]["created"] == PEOPLE

    real_ms = 0.0
    try:
        with transaction.atomic():
            started = time.perf_counter()
            done = hr_upsert(teams=teams, people=people, changed_by=admin)
            real_ms = (time.perf_counter() - started) * 1000
            assert done.summary()["people"]["created"] == PEOPLE
            raise _Rollback
    except _Rollback:
        pass
    vacuum("auth_user", "readiness_person", "readiness_team")

    rows = [(p["email"], p["first_name"], p["last_name"]) for p in hr_payload()["people"]]
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_people (email text, first_name text, last_name text) "
                "ON COMMIT DROP"
            )
            cursor.executemany("INSERT INTO bench_people VALUES (%s, %s, %s)", rows)
            raise _Rollback
    except _Rollback:
        pass
    floor_ms = (time.perf_counter() - started) * 1000
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    megabytes = round(len(body) / 2**20, 1)
    return [
        row(
            f"(11) HR upsert {PEOPLE:,} people: request check",
            check_ms,
            floor_ms,
            None,
            mb=megabytes,
        ),
        row("(11) HR upsert: worker's dry run", dry_ms, floor_ms, None),
        row("(11) HR upsert: worker's real run", real_ms, floor_ms, None, peak_rss_mb=peak),
    ]
