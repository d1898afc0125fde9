"""The SQL fragment composer: every value stays with its placeholder, however fragments are
put together."""

import pytest
from django.db import connection

from readiness.sql import Fragment, join, param, values_list


def test_adding_fragments_keeps_each_value_with_its_text():
    left = Fragment("a = %s", [1])
    right = Fragment(" AND b = %s", [2])
    assert (left + right).execute_args() == ("a = %s AND b = %s", [1, 2])
    assert (right + left).params == (2, 1)
    assert ("SELECT " + left).execute_args() == ("SELECT a = %s", [1])


def test_fill_puts_values_where_the_slots_are_not_where_the_arguments_are():
    template = Fragment("WHERE {second} AND x = %s AND {first} OR {second}", ["own"])
    filled = template.fill(first=Fragment("f = %s", ["F"]), second=Fragment("s = %s", ["S"]))
    assert filled.sql == "WHERE s = %s AND x = %s AND f = %s OR s = %s"
    assert filled.params == ("S", "own", "F", "S")


def test_a_template_keeps_its_own_values_between_the_slots():
    template = Fragment("%s {a} %s {b} %s", [1, 2, 3])
    filled = template.fill(a=param("A"), b="plain")
    assert filled.execute_args() == ("%s %s %s plain %s", [1, "A", 2, 3])


def test_a_slot_can_be_kept_for_a_later_fill():
    template = Fragment("{later} = %s AND {now}", [1]).fill(later="{later}", now=param(2))
    assert template.fill(later=param(0)).params == (0, 1, 2)


def test_mistakes_fail_at_once():
    with pytest.raises(ValueError, match="placeholders"):
        Fragment("a = %s AND b = %s", [1])
    with pytest.raises(KeyError):
        Fragment("{missing}").fill(other="x")
    with pytest.raises(ValueError):
        values_list([])


def test_escaped_percent_signs_are_not_placeholders():
    assert Fragment("name LIKE 'a%%' AND id = %s", [3]).params == (3,)


def test_join_and_values_list():
    joined = join(" OR ", [Fragment("a = %s", [1]), "b IS NULL", Fragment("c = %s", [2])])
    assert joined.execute_args() == ("a = %s OR b IS NULL OR c = %s", [1, 2])
    assert values_list([4, 5]).execute_args() == ("%s, %s", [4, 5])


@pytest.mark.django_db
def test_the_database_reads_the_values_in_order():
    statement = Fragment("SELECT {b}, %s, {a}", ["middle"]).fill(a=param("a"), b=param("b"))
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())
        assert tuple(cursor.fetchone()) == ("b", "middle", "a")
