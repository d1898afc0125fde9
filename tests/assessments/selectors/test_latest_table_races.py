"""Two transactions writing ratings of the same (person, skill) at once: the latest ratings
kept by the triggers (migration assessments 0019) still equal the ratings once both commit.

These tests commit (``transaction=True``): the first writer's transaction stays open, the
second writer's statement runs on its own connection (``tests.concurrency.while_uncommitted``)
and the first one commits only once PostgreSQL shows the second waiting for its locks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection, transaction

from tests.assessments.selectors.test_latest_table import _rating, naive, table
from tests.concurrency import while_uncommitted
from tests.factories import PersonFactory, SkillFactory

# PostgreSQL's lock table decides the order (SQLite has one writer at a time).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("require_postgres")]


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _atomic(write: Callable[[], None]) -> Callable[[], None]:
    """``write`` in a transaction of its own (the second writer's)."""

    def run() -> None:
        with transaction.atomic():
            write()

    return run


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
    while_uncommitted(
        lambda: _sql(delete, [newest.pk]), _atomic(lambda: _sql(delete, [second_newest.pk]))
    )
    assert table() == naive()
    assert table()[(person.pk, skill.pk)][2] == oldest.pk


def test_a_rating_moved_into_a_pair_while_its_first_rating_is_inserted():
    """The first inserts a pair's first rating (the newer); the second moves an older rating
    of another pair into it: it waits, then reads the pair with the first's rating."""
    person, skill, other = PersonFactory(), SkillFactory(), SkillFactory()
    older = _rating(person, other, 1, "self", 1, 0, None)
    older.save()
    first_rating = _rating(person, skill, 4, "self", 5, 0, None)
    while_uncommitted(
        first_rating.save,
        _atomic(
            lambda: _sql(
                "UPDATE assessments_skillrating SET skill_id = %s WHERE id = %s",
                [skill.pk, older.pk],
            )
        ),
    )
    assert table() == naive()
    assert table()[(person.pk, skill.pk)][2] == first_rating.pk
    assert (person.pk, other.pk) not in table()
