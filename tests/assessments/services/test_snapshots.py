"""Nightly snapshots: one row per team × audience × skill and totals, equal to the rules'
own aggregates over the same people; re-running a date replaces its rows; the task in chunks
(``assessments.sweeps``) writes the same rows, each chunk once, in constant queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import ReadinessSnapshot, SnapshotPart
from assessments.selectors import group_readiness, skill_readiness
from assessments.snapshots import (
    snapshots_batch_write,
    snapshots_finish,
    snapshots_plan,
    snapshots_write,
)
from assessments.tasks import write_snapshots
from readiness.celery import app as celery_app
from readiness.models import Person
from tests.assessments.reminder_helpers import at
from tests.factories import (
    AudienceFactory,
    PersonFactory,
    RoleFactory,
    RoleRequirementFactory,
    SkillFactory,
    SkillRatingFactory,
    TeamFactory,
)
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _setup(settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90


@pytest.fixture
def org():
    """Engineering (with sub-team Platform) and Sales; two audiences; two skills."""
    engineering = TeamFactory(name="Engineering")
    platform = TeamFactory(name="Platform", parent=engineering)
    sales = TeamFactory(name="Sales")
    tech, users = AudienceFactory(name="Tech"), AudienceFactory(name="Users")
    prompting, rag = SkillFactory(name="Snap prompting"), SkillFactory(name="Snap RAG")
    engineer = RoleFactory(audience=tech)
    seller = RoleFactory(audience=users)
    RoleRequirementFactory(role=engineer, skill=prompting, target_level=2)
    RoleRequirementFactory(role=engineer, skill=rag, target_level=3)
    RoleRequirementFactory(role=seller, skill=prompting, target_level=1)
    recent, old = at(dt.date(2026, 5, 1)), at(dt.date(2025, 12, 1))

    def person(team, role, levels, when=recent, **extra):
        p = PersonFactory(team=team, role=role, **extra)
        for skill, level in levels.items():
            SkillRatingFactory(person=p, skill=skill, level=level, created_at=when)
        return p

    people = {
        "lead": person(engineering, engineer, {prompting: 3, rag: 3}),  # fully ready
        "dev": person(platform, engineer, {prompting: 2, rag: 1}),  # gap 2 on RAG
        "new": person(platform, engineer, {}),  # not assessed: gaps 2 + 3
        "stale": person(sales, seller, {prompting: 1}, when=old),  # ready, out of cadence
        "seller": person(sales, seller, {prompting: 0}),  # gap 1
        "gone": person(sales, seller, {prompting: 0}, is_active=False),  # never counted
        "no_role": person(sales, None, {}),  # nothing required: in no figure
    }
    return {
        "teams": {"engineering": engineering, "platform": platform, "sales": sales},
        "audiences": {"tech": tech, "users": users},
        "skills": {"prompting": prompting, "rag": rag},
        "people": people,
    }


def row(team=None, audience=None, skill=None, date=TODAY):
    return ReadinessSnapshot.objects.get(date=date, team=team, audience=audience, skill=skill)


def test_rows_per_team_audience_skill_and_totals(org):
    with time_machine.travel(at(TODAY, 1, 30), tick=False):
        result = snapshots_write()

    assert result.date == TODAY
    teams, audiences, skills = org["teams"], org["audiences"], org["skills"]
    total = row()
    assert (total.people_in_scope, total.people_at_target) == (5, 2)
    assert (total.pairs_in_scope, total.pairs_at_target) == (8, 4)
    assert total.mean_gap == pytest.approx((0 + 0 + 0 + 2 + 2 + 3 + 0 + 1) / 8)
    assert total.people_assessed_within_cadence == 3  # not "new" (never), not "stale"
    # The department row covers its sub-team.
    engineering = row(team=teams["engineering"])
    assert (engineering.people_in_scope, engineering.pairs_in_scope) == (3, 6)
    assert row(team=teams["platform"]).people_in_scope == 2
    rag = row(team=teams["engineering"], audience=audiences["tech"], skill=skills["rag"])
    assert (rag.people_in_scope, rag.people_at_target, rag.mean_gap) == (3, 1, pytest.approx(5 / 3))
    assert row(skill=skills["prompting"]).people_in_scope == 5
    # Nothing for groups without people in scope.
    assert not ReadinessSnapshot.objects.filter(
        team=teams["sales"], audience=audiences["tech"]
    ).exists()
    assert not ReadinessSnapshot.objects.filter(team=teams["sales"], skill=skills["rag"]).exists()
    assert result.rows == ReadinessSnapshot.objects.count()


def test_every_row_equals_the_rules_over_the_same_people(org):
    snapshots_write(date=TODAY)

    rows = list(ReadinessSnapshot.objects.select_related("team"))
    assert len(rows) > 20
    for snapshot in rows:
        people = Person.objects.filter(is_active=True)
        if snapshot.team_id:
            people = people.filter(team__path__startswith=snapshot.team.path)
        if snapshot.audience_id:
            people = people.filter(role__audience_id=snapshot.audience_id)
        if snapshot.skill_id:
            expected = skill_readiness(people=people)[snapshot.skill_id]
        else:
            expected = group_readiness(people=people, by="all")[0]
        assert snapshot.people_in_scope == expected.people, snapshot
        assert snapshot.people_at_target == expected.people_ready, snapshot
        assert snapshot.pairs_in_scope == expected.required, snapshot
        assert snapshot.pairs_at_target == expected.at_target, snapshot
        assert snapshot.mean_gap == pytest.approx(expected.mean_gap), snapshot


def test_rerunning_a_date_replaces_its_rows(org):
    snapshots_write(date=TODAY)
    first = ReadinessSnapshot.objects.count()
    snapshots_write(date=TODAY - dt.timedelta(days=1))
    new = org["people"]["new"]
    SkillRatingFactory(person=new, skill=org["skills"]["prompting"], level=2)

    snapshots_write(date=TODAY)

    assert ReadinessSnapshot.objects.filter(date=TODAY).count() == first
    assert ReadinessSnapshot.objects.filter(date=TODAY - dt.timedelta(days=1)).count() == first
    assert row().pairs_at_target == 5
    assert row(date=TODAY - dt.timedelta(days=1)).pairs_at_target == 4


def test_batches_give_the_same_rows(org):
    snapshots_write(date=TODAY, batch_size=2)
    small = {
        (r.team_id, r.audience_id, r.skill_id): (r.people_in_scope, r.pairs_at_target, r.mean_gap)
        for r in ReadinessSnapshot.objects.all()
    }
    snapshots_write(date=TODAY, batch_size=500)
    large = {
        (r.team_id, r.audience_id, r.skill_id): (r.people_in_scope, r.pairs_at_target, r.mean_gap)
        for r in ReadinessSnapshot.objects.all()
    }
    assert small == large


@pytest.fixture
def eager():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def snapshot_rows(date=TODAY) -> dict:
    return {
        (r.team_id, r.audience_id, r.skill_id): (
            r.people_in_scope,
            r.people_at_target,
            r.pairs_in_scope,
            r.pairs_at_target,
            r.mean_gap,
            r.people_assessed_within_cadence,
        )
        for r in ReadinessSnapshot.objects.filter(date=date)
    }


def test_the_task_takes_an_iso_date(org, eager):
    result = write_snapshots.delay(date="2026-05-31").get()

    assert result["finished"] and result["date"] == "2026-05-31" and result["people"] == 6
    assert ReadinessSnapshot.objects.filter(date=dt.date(2026, 5, 31)).count() == result["rows"]


def test_the_task_in_chunks_writes_the_rows_of_one_run(org, eager, settings):
    settings.SWEEP_BATCH_SIZE = 2
    snapshots_write(date=TODAY)
    whole = snapshot_rows()

    result = write_snapshots.delay(date=TODAY.isoformat()).get()

    assert result["batches"] == 3 and result["rows"] == len(whole)
    assert snapshot_rows() == whole
    assert not SnapshotPart.objects.exists()  # summed, then deleted


def test_a_chunk_run_twice_writes_its_parts_once_and_the_sum_is_made_once(org):
    snapshots_write(date=TODAY)
    whole = snapshot_rows()
    ReadinessSnapshot.objects.all().delete()
    sweep, batches = snapshots_plan(date=TODAY, batch_size=4)
    assert snapshots_batch_write(sweep_id=sweep.pk, number=0, person_ids=batches[0]) is False
    parts = SnapshotPart.objects.count()

    assert snapshots_batch_write(sweep_id=sweep.pk, number=0, person_ids=batches[0]) is False
    assert SnapshotPart.objects.count() == parts
    assert snapshots_batch_write(sweep_id=sweep.pk, number=1, person_ids=batches[1]) is True
    first = snapshots_finish(sweep_id=sweep.pk)
    again = snapshots_finish(sweep_id=sweep.pk)

    assert first == again and first["rows"] == len(whole)
    assert snapshot_rows() == whole


@pytest.mark.parametrize("size", [2, 6])
def test_queries_per_chunk_do_not_grow_with_its_size(org, size):
    sweep, batches = snapshots_plan(date=TODAY, batch_size=size)

    with CaptureQueriesContext(connection) as queries:
        snapshots_batch_write(sweep_id=sweep.pk, number=0, person_ids=batches[0])

    # 1 mark the chunk done, 1 the sweep, 1 the chunk's people, 1 the teams' paths, 1 their
    # required states, 1 their due dates, 1 the open cycles, 1 insert the parts; 1 any chunk
    # left. Savepoints left out.
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(batches[0]) == size
    assert len(statements) == 9, "\n".join(statements)
