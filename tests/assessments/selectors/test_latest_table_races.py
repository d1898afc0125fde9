"""Two transactions writing ratings of the same (person, skill) at once: the latest ratings
kept by the triggers (migration assessments 0019) still equal the ratings once both commit.

These tests commit (``transaction=True``): the first writer's transaction stays open, the
second writer's statement runs on its own connection (a thread) and the first one commits
only once PostgreSQL shows the second waiting for its locks. No clock and no sleep decide
the order; the database's lock table does."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from tests.assessments.selectors.test_latest_table import _rating, naive, table
from tests.factories import PersonFactory, SkillFactory

# PostgreSQL's lock table decides the order (SQLite has one writer at a time).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("require_postgres")]


def _waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _while_uncommitted(first: Callable[[], None], second: Callable[[], None]) -> None:
    """``first`` runs in a transaction that, before committing, lets ``second`` run in a
    thread (its own connection and transaction) until PostgreSQL shows it waiting; then
    commits, and waits for ``second`` to commit. Fails when ``second`` never waits."""
    started = threading.Event()
    result: dict[str, object] = {}

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                result["pid"] = cursor.fetchone()[0]
            started.set()
            with transaction.atomic():
                second()
        except Exception as error:  # noqa: BLE001 - handed to the test
            result["error"] = error
        finally:
            started.set()
            connection.close()

    thread = threading.Thread(target=run)
    with transaction.atomic():
        first()
        thread.start()
        assert started.wait(30)
        deadline = time.monotonic() + 30
        while "pid" in result and not _waits_for_a_lock(result["pid"]):
            assert thread.is_alive(), result  # it finished without waiting for the first
            assert time.monotonic() < deadline, "the second writer never waited"
    thread.join(30)
    assert not thread.is_alive()
    if "error" in result:
        raise result["error"]


def test_two_deletes_of_a_pair_s_newest_ratings_at_once():
    """The first deletes the newest rating (its pair now points at the second newest), the
    second deletes that second newest: it waits, then reads the pair again."""
    person, skill = PersonFactory(), SkillFactory()
    oldest, second_newest, newest = (
        _rating(person, skill, level, "self", level, 0, None) for level in (1, 2, 3)
    )
    for rating in (oldest, second_newest, newest):
        rating.save()
    delete = "DELETE FROM assessments_skillrating WHERE id = %s"
    _while_uncommitted(lambda: _sql(delete, [newest.pk]), lambda: _sql(delete, [second_newest.pk]))
    assert table() == naive()
    assert table()[(person.pk, skill.pk)][2] == oldest.pk


def test_a_rating_moved_into_a_pair_while_its_first_rating_is_inserted():
    """The first inserts a pair's first rating (the newer); the second moves an older rating
    of another pair into it: it waits, then reads the pair with the first's rating."""
    person, skill, other = PersonFactory(), SkillFactory(), SkillFactory()
    older = _rating(person, other, 1, "self", 1, 0, None)
    older.save()
    first_rating = _rating(person, skill, 4, "self", 5, 0, None)
    _while_uncommitted(
        first_rating.save,
        lambda: _sql(
            "UPDATE assessments_skillrating SET skill_id = %s WHERE id = %s", [skill.pk, older.pk]
        ),
    )
    assert table() == naive()
    assert table()[(person.pk, skill.pk)][2] == first_rating.pk
    assert (person.pk, other.pk) not in table()
