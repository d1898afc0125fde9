"""The person and team versions a kept page reads at every visit (``scoped_version``) run as
prepared statements on PostgreSQL (``readiness.sql.fetch_prepared``), as the other statements
of every visit do, and read what an ordinary cursor reads — on SQLite through one."""

from __future__ import annotations

import pytest
from django.db import connection

from readiness.data_version import scoped_version, scoped_version_sql
from tests.factories import SkillRatingFactory

pytestmark = pytest.mark.django_db


def _plain(kind: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(scoped_version_sql(connection.vendor, kind), [pk])
        weight, last = cursor.fetchone()
    return f"{weight}:{last}"


def _prepared_runs(kind: str) -> int:
    """How many times the ``kind`` version statement ran prepared on this connection (its text
    as the server holds it: each ``%s`` numbered)."""
    pieces = scoped_version_sql(connection.vendor, kind).split("%s")
    text = pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], start=1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(generic_plans + custom_plans), 0) FROM pg_prepared_statements"
            " WHERE statement = %s",
            [text],
        )
        return cursor.fetchone()[0]


def test_the_versions_read_what_an_ordinary_cursor_reads(make_employee_org) -> None:
    org = make_employee_org(skills=2)
    SkillRatingFactory(person=org.person, skill=org.skills[0], level=3)
    for kind, pk in (("person", org.person.pk), ("team", org.team.pk)):
        assert scoped_version(connection, kind, pk) == _plain(kind, pk)
        assert scoped_version(connection, kind, pk).split(":")[1] != "None"  # a row was read


@pytest.mark.parametrize("kind", ["person", "team"])
def test_each_version_statement_is_prepared_on_the_connection(
    require_postgres, monkeypatch, make_employee_org, kind
) -> None:
    org = make_employee_org(skills=1)
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", 2)
    pk = org.person.pk if kind == "person" else org.team.pk
    for _ in range(4):
        assert scoped_version(connection, kind, pk) == _plain(kind, pk)
    assert _prepared_runs(kind) >= 2
