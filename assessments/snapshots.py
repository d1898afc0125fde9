"""Nightly readiness snapshots: cheap trend lines for dashboards and plan progress.

One row per (team, audience, skill) that has people in scope, plus totals, where a null team,
audience or skill means "all":

- a team row covers the team and its sub-teams (what a department head reads);
- an audience row covers the people whose role belongs to that audience (people without a role
  count only in the "all audiences" rows);
- a skill row covers the people that skill is required of; a "all skills" row covers the people
  with at least one required skill, and ``people_at_target`` counts those fully ready.

The figures are sums over ``skill_states`` — the one implementation of target, effective level,
gap and at-target — so that every row equals ``group_readiness`` / ``skill_readiness`` over the
same people. ``people_assessed_within_cadence`` counts those whose ``people_reassessment`` due
date has not come (a person never assessed on a required skill is not within cadence).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone

from assessments.batching import in_batches
from assessments.models import ReadinessSnapshot, SnapshotPart, Sweep, SweepKind
from assessments.selectors import people_reassessment, skill_states
from assessments.sweeps.progress import (
    batch_mark_done,
    batches_left,
    chunks,
    final_claim,
    final_release,
    sweep_finish,
    sweep_plan,
)
from readiness.models import Audience, Person, Skill, Team

BATCH_SIZE = 500
TIME_LIMIT_SECONDS = 30 * 60

Key = tuple[int | None, int | None, int | None]  # team, audience, skill


@dataclass
class _Figures:
    people: int = 0
    people_at_target: int = 0
    pairs: int = 0
    pairs_at_target: int = 0
    total_gap: int = 0
    within_cadence: int = 0


#: The order of a snapshot part's figures after its key.
_FIELDS = ("people", "people_at_target", "pairs", "pairs_at_target", "total_gap", "within_cadence")


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    date: dt.date
    rows: int
    people: int


def snapshots_write(*, date: dt.date | None = None, batch_size: int = BATCH_SIZE) -> SnapshotResult:
    """Write the snapshot rows of ``date`` (default: today in the organization's time zone),
    replacing any rows already written for that date."""
    date = date or timezone.localdate()
    figures: dict[Key, _Figures] = defaultdict(_Figures)
    chains = _team_chains()
    people_count = 0
    for batch in _people_batches(batch_size):
        people_count += len(batch)
        _accumulate(batch, date=date, chains=chains, figures=figures)
    with transaction.atomic():
        rows = _snapshots_replace(date, figures)
    return SnapshotResult(date=date, rows=rows, people=people_count)


def _snapshots_replace(date: dt.date, figures: dict[Key, _Figures]) -> int:
    """Replace the rows of ``date`` with ``figures`` (inside the caller's transaction)."""
    rows = [
        ReadinessSnapshot(
            date=date,
            team_id=team_id,
            audience_id=audience_id,
            skill_id=skill_id,
            people_in_scope=f.people,
            people_at_target=f.people_at_target,
            pairs_in_scope=f.pairs,
            pairs_at_target=f.pairs_at_target,
            mean_gap=f.total_gap / f.pairs if f.pairs else 0.0,
            people_assessed_within_cadence=f.within_cadence,
        )
        for (team_id, audience_id, skill_id), f in figures.items()
        if f.people
    ]
    _lock_date(date)
    ReadinessSnapshot.objects.filter(date=date).delete()
    ReadinessSnapshot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _team_chains() -> dict[int, list[int]]:
    return {
        team_id: _team_and_ancestors(path)
        for team_id, path in Team.objects.values_list("pk", "path")
    }


# --- the same figures in Celery chunks (assessments.sweeps) -------------------------------


def snapshots_plan(
    *, date: dt.date | None = None, batch_size: int
) -> tuple[Sweep, list[list[int]]]:
    """Record the snapshot sweep of ``date``: the active people in id-ordered chunks of
    ``batch_size`` (one query). Returns the sweep and the chunks to queue."""
    date = date or timezone.localdate()
    ids = list(Person.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    batches = chunks(ids, batch_size)
    sweep = sweep_plan(kind=SweepKind.SNAPSHOTS, day=date, batches=batches, people_checked=len(ids))
    return sweep, batches


def snapshots_batch_write(*, sweep_id: int, number: int, person_ids: list[int]) -> bool:
    """Write the figures of one chunk of people as its ``SnapshotPart``, in the transaction
    that marks the chunk done (so a chunk run twice writes its part once: the second run
    waits on the first's row lock, then finds the chunk done). Says whether every chunk of
    the sweep is now done. Nine queries, whatever the chunk's size."""
    with transaction.atomic():
        if batch_mark_done(sweep_id=sweep_id, number=number):
            sweep = Sweep.objects.get(pk=sweep_id)
            batch: list[tuple[int, int | None, int | None]] = list(
                Person.objects.filter(pk__in=person_ids, is_active=True)
                .order_by("pk")
                .values_list("pk", "team_id", "role__audience_id")
            )
            figures: dict[Key, _Figures] = defaultdict(_Figures)
            _accumulate(batch, date=sweep.day, chains=_team_chains(), figures=figures)
            SnapshotPart.objects.create(
                sweep_id=sweep_id,
                number=number,
                figures=[
                    [*key, f.people, f.people_at_target, f.pairs, f.pairs_at_target]
                    + [f.total_gap, f.within_cadence]
                    for key, f in figures.items()
                    if f.people
                ],
            )
    return not batches_left(sweep_id=sweep_id)


def snapshots_finish(*, sweep_id: int) -> dict:
    """The sweep's final step: the parts of every chunk summed into the date's snapshot rows
    (replacing any), the parts deleted and the sweep finished, in one transaction. A second
    run returns what the first recorded."""
    claimed = final_claim(sweep_id=sweep_id)
    if claimed is None:
        return Sweep.objects.get(pk=sweep_id).totals
    sweep, token = claimed
    try:
        with transaction.atomic():
            figures: dict[Key, _Figures] = defaultdict(_Figures)
            for part in SnapshotPart.objects.filter(sweep_id=sweep_id).values_list(
                "figures", flat=True
            ):
                for team, audience, skill, *values in part:
                    total = figures[(team, audience, skill)]
                    for name, value in zip(_FIELDS, values, strict=True):
                        setattr(total, name, getattr(total, name) + value)
            rows = _snapshots_replace(sweep.day, _still_there(figures))
            SnapshotPart.objects.filter(sweep_id=sweep_id).delete()
            totals = {
                "sweep": sweep.pk,
                "date": sweep.day.isoformat(),
                "rows": rows,
                "people": sweep.people_checked,
                "batches": sweep.batches,
            }
            sweep_finish(sweep_id=sweep_id, token=token, totals=totals)
    except BaseException:
        final_release(sweep_id=sweep_id, token=token)
        raise
    return totals


def _still_there(figures: dict[Key, _Figures]) -> dict[Key, _Figures]:
    """The figures whose team, audience and skill still exist (one may have been deleted
    while the chunks ran: its rows would have gone with it)."""
    teams = set(Team.objects.values_list("pk", flat=True)) | {None}
    audiences = set(Audience.objects.values_list("pk", flat=True)) | {None}
    skills = set(Skill.objects.values_list("pk", flat=True)) | {None}
    return {
        key: f
        for key, f in figures.items()
        if key[0] in teams and key[1] in audiences and key[2] in skills
    }


def _people_batches(size: int) -> Iterator[list[tuple[int, int | None, int | None]]]:
    """(person id, team id, audience id) of active people, one query per batch."""
    people = (
        Person.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "team_id", "role__audience_id")
    )
    return in_batches(people, size=size, pk_of=itemgetter(0))


def _accumulate(
    batch: list[tuple[int, int | None, int | None]],
    *,
    date: dt.date,
    chains: dict[int, list[int]],
    figures: dict[Key, _Figures],
) -> None:
    ids = [person_id for person_id, _, _ in batch]
    people = Person.objects.filter(pk__in=ids)
    required: dict[int, list[tuple[int, bool, int]]] = defaultdict(list)
    for state in skill_states(people=people, required_only=True):
        required[state.person_id].append((state.skill_id, state.at_target, state.gap))
    reassessment = people_reassessment(people=people, today=date)
    for person_id, team_id, audience_id in batch:
        pairs = required.get(person_id)
        if not pairs:
            continue  # nothing is required of them: not in any readiness figure
        status = reassessment.get(person_id)
        within = int(status is not None and status.within_cadence(date))
        teams = [*chains.get(team_id, []), None] if team_id else [None]
        audiences = [audience_id, None] if audience_id else [None]
        at_target = sum(1 for _, ok, _ in pairs if ok)
        for team in teams:
            for audience in audiences:
                total = figures[(team, audience, None)]
                total.people += 1
                total.people_at_target += int(at_target == len(pairs))
                total.pairs += len(pairs)
                total.pairs_at_target += at_target
                total.total_gap += sum(gap for _, _, gap in pairs)
                total.within_cadence += within
                for skill_id, ok, gap in pairs:
                    one = figures[(team, audience, skill_id)]
                    one.people += 1
                    one.people_at_target += int(ok)
                    one.pairs += 1
                    one.pairs_at_target += int(ok)
                    one.total_gap += gap
                    one.within_cadence += within


def _team_and_ancestors(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _lock_date(date: dt.date) -> None:
    """Two runs for the same date replace rows one after the other, not interleaved.

    SQLite already serializes writing transactions; PostgreSQL takes a transaction-scoped
    advisory lock on the date (released at commit)."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"readiness-snapshot:{date.isoformat()}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
