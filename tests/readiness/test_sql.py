"""The SQL fragment composer: every value stays with its placeholder, however fragments are
put together; and the cursor that prepares the hot statements on PostgreSQL."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from readiness.sql import Fragment, any_of, fetch_prepared, join, param, values_list
from tests.factories import SkillFactory


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


# --- any_of, fetch_prepared -------------------------------------------------------------------

SKILLS_AMONG = Fragment("SELECT id, name FROM readiness_skill WHERE {ids} ORDER BY id")


def _plain_rows(statement: Fragment) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())
        return [tuple(row) for row in cursor.fetchall()]


def _prepared_statements(text: str) -> list[tuple]:
    """The statements prepared on this connection whose text holds ``text``, with how many
    times each was planned generically and for its values."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f"%{text}%"],
        )
        return cursor.fetchall()


@pytest.fixture
def threshold(require_postgres, monkeypatch) -> int:
    """psycopg's preparing threshold on the test's connection, as the settings set it by
    default (whatever DATABASE_PREPARE_THRESHOLD this run has)."""
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", 5)
    return 5


@pytest.mark.django_db
def test_any_of_picks_the_rows_an_in_list_picks():
    skills = sorted(SkillFactory.create_batch(4), key=lambda s: s.pk)
    for chosen in ([], [skills[2]], skills[:3], skills):
        ids = [s.pk for s in chosen]
        rows = fetch_prepared(SKILLS_AMONG.fill(ids=any_of("id", ids)))
        assert [pk for pk, _ in rows] == ids
        if ids:
            assert rows == _plain_rows(
                SKILLS_AMONG.fill(ids="id IN ({v})").fill(v=values_list(ids))
            )


@pytest.mark.django_db
def test_any_of_keeps_the_text_whatever_the_number_of_values(require_postgres):
    texts = {any_of("id", list(range(count))).sql for count in (0, 1, 5, 500)}
    assert texts == {"id = ANY(%s)"}


@pytest.mark.django_db
def test_each_run_of_a_prepared_statement_is_a_counted_query(django_assert_num_queries):
    statement = SKILLS_AMONG.fill(ids=any_of("id", [SkillFactory().pk]))
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with django_assert_num_queries(3), connection.execute_wrapper(wrapper):
        for _ in range(3):
            fetch_prepared(statement)
    assert seen == [statement.sql] * 3


@pytest.mark.django_db
def test_a_repeated_statement_is_prepared_once_and_reads_what_a_plain_cursor_reads(threshold):
    skills = SkillFactory.create_batch(3)
    # Values of several types, one of them NULL: bound by the server, they must be typed.
    template = (
        "SELECT id, name, %s::text, %s >= NOW() - INTERVAL '1 day', COALESCE(%s, -1)"
        " FROM readiness_skill WHERE {ids} ORDER BY id"
    )
    runs = threshold + 8  # past PostgreSQL's five custom plans
    for run in range(runs):
        chosen = [s.pk for s in skills[: run % 3 + 1]]
        statement = Fragment(template, ("run", dt.datetime.now(dt.UTC), None)).fill(
            ids=any_of("id", chosen)
        )
        assert fetch_prepared(statement) == _plain_rows(statement)
    (prepared,) = _prepared_statements("COALESCE($3, -1)")
    _, generic, custom = prepared
    assert generic + custom == runs - threshold


@pytest.mark.django_db
def test_a_statement_that_does_not_repeat_is_not_prepared(threshold):
    fetch_prepared(Fragment("SELECT 'only once', %s::int", [1]))
    assert _prepared_statements("only once") == []


@pytest.mark.django_db
def test_with_preparing_turned_off_nothing_is_prepared(require_postgres, monkeypatch):
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    statement = Fragment("SELECT 'never prepared', %s::int", [1])
    for _ in range(10):
        assert fetch_prepared(statement) == [("never prepared", 1)]
    assert _prepared_statements("never prepared") == []


@pytest.mark.django_db
def test_a_prepared_statement_survives_a_rolled_back_savepoint(threshold):
    skill = SkillFactory()
    statement = SKILLS_AMONG.fill(ids=any_of("id", [skill.pk]))
    for _ in range(threshold + 1):
        fetch_prepared(statement)
    assert len(_prepared_statements("ORDER BY id")) == 1
    # A failed write inside a savepoint (ROLLBACK TO SAVEPOINT), as a form's service does.
    with pytest.raises(IntegrityError), transaction.atomic():
        fetch_prepared(statement)
        SkillFactory(slug=skill.slug)
    for _ in range(threshold + 1):
        assert fetch_prepared(statement) == [(skill.pk, skill.name)]


@pytest.mark.django_db
def test_the_query_log_holds_a_prepared_statement_as_it_ran(threshold):
    from django.test.utils import CaptureQueriesContext

    statement = Fragment("SELECT 'logged', %s::int", [1])
    with CaptureQueriesContext(connection) as queries:
        for _ in range(threshold + 2):
            fetch_prepared(statement)
    assert len(_prepared_statements("'logged'")) == 1
    assert [q["sql"] for q in queries] == ["SELECT 'logged', $1::int"] * (threshold + 2)


@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_reads_the_columns_a_migration_changed(require_postgres):
    """A column's type changed, and a column added, under statements this connection
    prepared: PostgreSQL (15) plans them again and answers with the new columns; no stale
    copy is served and nothing fails (a deploy migrates while workers keep their connections)."""
    named = Fragment("SELECT code FROM sql_stale_probe WHERE id = %s", (1,))
    every = Fragment("SELECT * FROM sql_stale_probe WHERE id = %s", (1,))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE sql_stale_probe (id integer, code varchar(10))")
        cursor.execute("INSERT INTO sql_stale_probe VALUES (1, 'a')")
    try:
        connection.connection.prepare_threshold = 0
        assert fetch_prepared(named) == [("a",)]
        assert fetch_prepared(every) == [(1, "a")]
        assert len(_prepared_statements("sql_stale_probe")) == 2
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE sql_stale_probe ALTER COLUMN code TYPE integer USING 7")
            cursor.execute("ALTER TABLE sql_stale_probe ADD COLUMN extra integer DEFAULT 3")
        assert fetch_prepared(named) == [(7,)]
        assert fetch_prepared(every) == [(1, 7, 3)]
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sql_stale_probe")
