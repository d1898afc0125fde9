"""``LatestRating``, kept by the database's triggers (migration assessments 0019), equals the
ranking of the ratings (``ranked_latest_sql``, what the states read before the table) after
any sequence of writes: inserts one at a time, ``bulk_create``, raw multi-row inserts, raw
updates of level, time and interest, a rating moved to another pair, deletes (the newest rating
too), an erasure, a person deleted, a skill deactivated. On PostgreSQL and on SQLite (the suite runs on both)."""

import datetime as dt
import importlib

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import LatestRating, SkillRating
from assessments.privacy import person_erase
from assessments.selectors.latest import LATEST_TABLE, ranked_latest_sql
from assessments.selectors.states import _as_datetime
from assessments.services.me import manager_ratings_record, self_assessment_record
from assessments.services.ratings import RatingInput
from readiness.data_version import tracked_tables
from readiness.models import Person, Skill
from readiness.sql import Fragment
from tests.factories import PersonFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
MIGRATION = importlib.import_module("assessments.migrations.0019_latest_ratings")
_ALL_PEOPLE = "WITH people(id) AS (SELECT id FROM readiness_person) SELECT * FROM ("


def _utc(value: object) -> dt.datetime | None:
    """SQLite hands a column's timestamps back naive (UTC) and an expression's as text."""
    value = _as_datetime(value)
    return value.replace(tzinfo=dt.UTC) if value and value.tzinfo is None else value


def _rows(statement: Fragment) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())
        return {
            (p, s, sl, _utc(sa), i, ml, _utc(ma)) for p, s, sl, sa, i, ml, ma in cursor.fetchall()
        }


def ranked() -> set[tuple]:
    """The oracle: the ratings ranked, as the states read them before the table."""
    return _rows(_ALL_PEOPLE + ranked_latest_sql() + ") x")


def kept() -> set[tuple]:
    """What the states read now: the table, active skills."""
    return _rows(_ALL_PEOPLE + LATEST_TABLE + ") x")


def naive() -> dict[tuple, tuple]:
    """Every (person, skill), active skills or not, with the ids: the newest per source by
    (created_at, id), read one rating at a time."""
    newest: dict[tuple, SkillRating] = {}
    for r in SkillRating.objects.all():
        key = (r.person_id, r.skill_id, r.source)
        if key not in newest or (r.created_at, r.pk) > (newest[key].created_at, newest[key].pk):
            newest[key] = r
    result = {}
    for person_id, skill_id in {(p, s) for p, s, _ in newest}:
        own, manager = (
            newest.get((person_id, skill_id, "self")),
            newest.get((person_id, skill_id, "manager")),
        )
        result[(person_id, skill_id)] = (
            own and own.level,
            own and own.created_at,
            own and own.pk,
            own and own.interest,
            manager and manager.level,
            manager and manager.created_at,
            manager and manager.pk,
        )
    return result


def table() -> dict[tuple, tuple]:
    return {
        (row.person_id, row.skill_id): (
            row.self_level,
            row.self_at,
            row.self_rating_id,
            row.interest,
            row.manager_level,
            row.manager_at,
            row.manager_rating_id,
        )
        for row in LatestRating.objects.all()
    }


def assert_kept_equals_ranked() -> None:
    assert table() == naive()
    assert kept() == ranked()


def _rating(person, skill, level, source, minute, micro, interest):
    return SkillRating(
        person=person,
        skill=skill,
        level=level,
        source=source,
        interest=interest if source == "self" else None,
        created_at=BASE + dt.timedelta(minutes=minute, microseconds=micro),
        note="n",
    )


new_rating = st.tuples(
    st.integers(0, 2),  # person slot
    st.integers(0, 2),  # skill slot
    st.integers(0, 4),  # level
    st.sampled_from(["self", "manager"]),
    st.integers(0, 3),  # minute: small, so that ties happen
    st.sampled_from([0, 1]),
    st.none() | st.integers(0, 2),
)
step = st.one_of(
    st.tuples(st.just("create"), new_rating),
    st.tuples(st.just("bulk"), st.lists(new_rating, min_size=1, max_size=6)),
    st.tuples(st.just("raw_insert"), st.lists(new_rating, min_size=1, max_size=4)),
    st.tuples(st.just("level"), st.integers(0, 30), st.integers(0, 4)),
    st.tuples(st.just("moved"), st.integers(0, 30), st.integers(0, 4)),
    st.tuples(st.just("interest"), st.integers(0, 30), st.none() | st.integers(0, 2)),
    # A rating moved to another person, skill or source: the old pair read again too.
    st.tuples(
        st.just("repoint"),
        st.integers(0, 30),
        st.integers(0, 2),
        st.integers(0, 2),
        st.sampled_from(["self", "manager"]),
    ),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("delete_newest"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("delete_many"), st.integers(0, 2)),
    st.tuples(st.just("erase"), st.integers(0, 2)),
    st.tuples(st.just("delete_person"), st.integers(0, 2)),
    st.tuples(st.just("deactivate"), st.integers(0, 2), st.booleans()),
)


def _stored(moment: dt.datetime) -> object:
    """A timestamp as Django writes it (SQLite: text in one format, which orders as time)."""
    return connection.ops.adapt_datetimefield_value(moment)


def _raw_update(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _nth(index: int) -> SkillRating | None:
    ratings = list(SkillRating.objects.order_by("pk"))
    return ratings[index % len(ratings)] if ratings else None


def _apply(op, people, skills) -> None:  # noqa: C901 - one branch per kind of write
    kind = op[0]
    alive = [p for p in people if Person.objects.filter(pk=p.pk).exists()]
    if kind in {"create", "bulk", "raw_insert"}:
        specs = [op[1]] if kind == "create" else op[1]
        if not alive:
            return
        rows = [_rating(alive[p % len(alive)], skills[s], *rest) for p, s, *rest in specs]
        if kind == "create":
            rows[0].save()
        elif kind == "bulk":
            SkillRating.objects.bulk_create(rows)
        else:
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, '', '')"] * len(rows))
            params = [
                v
                for r in rows
                for v in (
                    r.person_id,
                    r.skill_id,
                    r.level,
                    r.source,
                    r.interest,
                    _stored(r.created_at),
                )
            ]
            _raw_update(
                "INSERT INTO assessments_skillrating (person_id, skill_id, level, source, "
                f"interest, created_at, note, evidence_url) VALUES {values}",
                params,
            )
    elif kind in {"level", "moved", "interest"} and (rating := _nth(op[1])):
        column = {"level": "level", "moved": "created_at", "interest": "interest"}[kind]
        value = _stored(BASE + dt.timedelta(minutes=op[2])) if kind == "moved" else op[2]
        _raw_update(
            f"UPDATE assessments_skillrating SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, rating.pk],
        )
    elif kind == "repoint" and alive and (rating := _nth(op[1])):
        _raw_update(
            "UPDATE assessments_skillrating SET person_id = %s, skill_id = %s, source = %s "
            "WHERE id = %s",
            [alive[op[2] % len(alive)].pk, skills[op[3]].pk, op[4], rating.pk],
        )
    elif kind == "delete" and (rating := _nth(op[1])):
        SkillRating.objects.filter(pk=rating.pk).delete()
    elif kind == "delete_newest":
        newest = SkillRating.objects.filter(
            person__in=alive[op[1] : op[1] + 1], skill=skills[op[2]]
        ).first()  # ordered newest first, the higher id winning a tie
        if newest:
            newest.delete()
    elif kind == "delete_many" and alive:
        SkillRating.objects.filter(person=alive[op[1] % len(alive)]).delete()
    elif kind == "erase" and alive:
        person_erase(person=alive[op[1] % len(alive)])
    elif kind == "delete_person" and alive:
        Person.objects.filter(pk=alive[op[1] % len(alive)].pk).delete()
    elif kind == "deactivate":
        Skill.objects.filter(pk=skills[op[1]].pk).update(is_active=op[2])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_the_kept_latest_ratings_equal_the_ranking_after_any_writes(steps):
    with transaction.atomic():
        people = [PersonFactory() for _ in range(3)]
        skills = [SkillFactory() for _ in range(3)]
        for op in steps:
            _apply(op, people, skills)
            assert_kept_equals_ranked()
        transaction.set_rollback(True)


def test_the_services_writes_are_kept(employee_org):
    org = employee_org
    skills = list(Skill.objects.filter(is_active=True)[:3])
    manager = UserFactory()
    self_assessment_record(
        person=org.person,
        entries=[RatingInput(skill_id=s.pk, level=2, interest=1) for s in skills],
        user=org.person.user,
    )
    manager_ratings_record(
        manager=manager,
        entries=[RatingInput(skill_id=s.pk, level=3, person_id=org.person.pk) for s in skills],
    )
    self_assessment_record(
        person=org.person, entries=[RatingInput(skill_id=skills[0].pk, level=4)], user=manager
    )
    assert_kept_equals_ranked()
    assert LatestRating.objects.filter(person=org.person, self_level=4).count() == 1
    person_erase(person=org.person)
    assert_kept_equals_ranked()
    org.person.delete()
    assert not LatestRating.objects.filter(person_id=org.person.pk).exists()
    assert_kept_equals_ranked()


def test_without_its_trigger_an_insert_is_not_kept():
    """The equality above is the triggers' doing: without the insert trigger it fails."""
    person, skill = PersonFactory(), SkillFactory()
    with transaction.atomic():
        drop = f"DROP TRIGGER {MIGRATION.PREFIX}_inserted" + (
            f" ON {MIGRATION.RATINGS}" if connection.vendor == "postgresql" else ""
        )
        _raw_update(drop, [])
        _rating(person, skill, 2, "self", 0, 0, None).save()
        assert table() != naive()
        transaction.set_rollback(True)
    _rating(person, skill, 3, "self", 1, 0, None).save()
    assert_kept_equals_ranked()


def test_the_triggers_are_installed():
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'assessments_skillrating'::regclass"
        expected = {f"{MIGRATION.PREFIX}_{op}" for op in MIGRATION.OPERATIONS}
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        expected = set(MIGRATION.SQLITE_TRIGGERS)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        assert expected <= {name for (name,) in cursor.fetchall()}


def test_the_table_is_not_tracked_the_ratings_are():
    """Written in the same statement as the ratings, whose own trigger moves the data
    version: tracking the table too would only add a trigger run to every write."""
    assert "assessments_latestrating" not in tracked_tables()
    assert "assessments_skillrating" in tracked_tables()


@pytest.mark.usefixtures("require_postgres")  # TRUNCATE: PostgreSQL
def test_a_truncate_of_the_ratings_empties_it():
    _rating(PersonFactory(), SkillFactory(), 1, "manager", 0, 0, None).save()
    assert LatestRating.objects.exists()
    _raw_update("SET CONSTRAINTS ALL IMMEDIATE", [])
    _raw_update("TRUNCATE assessments_skillrating", [])
    assert not LatestRating.objects.exists()


def test_the_backfill_rebuilds_it():
    """The migration's backfill (also bench/multiply.py's) gives the same rows."""
    people, skills = [PersonFactory() for _ in range(2)], [SkillFactory() for _ in range(2)]
    for n, (p, s, source) in enumerate(
        (p, s, source) for p in people for s in skills for source in ("self", "manager")
    ):
        _rating(p, s, n % 5, source, n % 2, 0, 1).save()
    before = table()
    _raw_update("DELETE FROM assessments_latestrating", [])
    backfill = (
        MIGRATION.POSTGRES_BACKFILL
        if connection.vendor == "postgresql"
        else MIGRATION.SQLITE_BACKFILL
    )
    _raw_update(backfill, [])
    assert table() == before == naive()
