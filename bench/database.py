"""The bench database: built once (``migrate`` + ``seed_demo`` + ``bench.scale``) or reused,
its counts, and the manager's team of fifty the page and load steps read."""

from __future__ import annotations

import subprocess
import time
from typing import Any

import django

from bench.common import BASE_DB, BASE_PEOPLE, BENCH_DB, ROOT, TEAM_SIZE, log


def database_ensure(*, people: int, extra_args: list[str]) -> dict[str, Any]:
    """The bench database of ``people``: 10,000 (or fewer) seeded by ``seed_demo``; a
    multiple of 10,000 copied from the 10,000-person one (``bench.multiply``)."""
    if people > BASE_PEOPLE and people % BASE_PEOPLE:
        raise SystemExit(f"--people above {BASE_PEOPLE:,}: a multiple of {BASE_PEOPLE:,}")
    larger = people > BASE_PEOPLE
    info = _database_seed(
        people=BASE_PEOPLE if larger else people, extra_args=extra_args, template=larger
    )
    from bench.scale import organization_scale_up

    started = time.perf_counter()
    info["scale_up"] = organization_scale_up(skills=40)
    if info["scale_up"]["skills_added"]:
        log(f"Scaled up to the issue's size (40 skills, ~2 million ratings): {info['scale_up']}")
        info["generation_seconds"] = round(
            info.get("generation_seconds", 0) + time.perf_counter() - started, 1
        )
    if larger:
        from bench.multiply import organization_multiply
        from readiness.models import Person

        have = Person.objects.count()
        if have < people:
            if have != BASE_PEOPLE:
                raise SystemExit(f"{BENCH_DB} holds {have} people: drop it and run again.")
            log(f"Copying the organization up to {people:,} people in {BENCH_DB} …")
            info["multiply"] = organization_multiply(factor=people // BASE_PEOPLE)
            info["generation_seconds"] = round(
                info.get("generation_seconds", 0) + info["multiply"]["seconds"], 1
            )
        info["people"] = Person.objects.count()
    return info


def _createdb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )


def _database_seed(*, people: int, extra_args: list[str], template: bool) -> dict[str, Any]:
    """Create, migrate and seed the bench database unless it already holds ``people``; with
    ``template``, start from a copy of the 10,000-person database when it can be copied (no
    one connected to it), which saves its generation."""
    created = _createdb("-T", BASE_DB, BENCH_DB) if template else None
    if created is None or created.returncode:
        if created is not None and "already exists" not in created.stderr:
            log(f"Not copied from {BASE_DB} ({created.stderr.strip()}): generating it.")
        created = _createdb(BENCH_DB)
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
        raise SystemExit(
            f"{BENCH_DB} holds {have} people, not {people}: drop it "
            f"(dropdb -h 127.0.0.1 -U postgres {BENCH_DB}) and run again."
        )
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
        "people": "readiness_person",
        "teams": "readiness_team",
        "skills": "readiness_skill",
        "cycles": "assessments_assessmentcycle",
        "ratings": "assessments_skillrating",
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
        donors = (
            Person.objects.filter(is_active=True, team__children__isnull=True)
            .exclude(team=team)
            .exclude(team__managers__isnull=True)
            .exclude(user__username__in=["lead", "curator", "manager", "employee", "admin"])
            .filter(role__slug=members.first().role.slug)
            .exclude(user__managed_teams__isnull=False)
            .order_by("-pk")[:missing]
        )
        Person.objects.filter(pk__in=[p.pk for p in donors]).update(team=team)
    return team, manager
