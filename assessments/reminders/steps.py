"""The reminder steps a run plans and reads, as plain rows rather than model instances.

A sweep reads every due person's recorded steps (to plan the next one), plans their next step
and reads back every step it claimed (to write its email): 68,000 of each at 100,000 people.
As ``Reminder`` instances (with their person and user), those cost several times their
queries; as plain rows of the columns the run uses, little more than the queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet

from readiness.models.org import display_name_of
from readiness.sql import Fragment, any_of


@dataclass(slots=True)
class NewStep:
    """A step to claim, as ``claim`` inserts it: the ``Reminder`` columns by attname."""

    person_id: int
    kind: str
    period: str
    cycle_id: int | None
    sequence: int
    recipient_id: int | None
    due_on: dt.date | None
    created_at: dt.datetime
    claimed_by: str
    claimed_at: dt.datetime | None
    sent_at: dt.datetime | None = None


class RecordedStep(NamedTuple):
    """A step already recorded of a person's current sequence (what the plan reads of it)."""

    pk: int
    person_id: int
    period: str
    sequence: int
    due_on: dt.date | None
    claimed_at: dt.datetime | None
    sent_at: dt.datetime | None


class UnknownAttribute(Exception):
    """A template asked a recipient for something it was not read with (not swallowed by the
    template engine, as an AttributeError would be: the email must not silently lose it)."""


class Recipient:
    """The person a reminder is addressed to: what its email prints of them."""

    __slots__ = ("display_name", "email", "pk")

    def __init__(self, pk: int, display_name: str, email: str) -> None:
        self.pk = pk
        self.display_name = display_name
        self.email = email

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnknownAttribute(f"A reminder's recipient has no {name!r}: read it in claim.py")

    def __str__(self) -> str:
        return self.display_name


class InsertedStep(NamedTuple):
    """A step as its claim's insert returns it (``RETURNING`` these columns)."""

    pk: int
    person_id: int
    kind: str
    sequence: int
    due_on: dt.date | None


class ClaimedStep(NamedTuple):
    """A due or overdue step this run holds, with the person its email goes to."""

    pk: int
    person_id: int
    kind: str
    sequence: int
    due_on: dt.date | None
    person: Recipient


#: The columns of a claimed step and of its person's user, in ``claimed_steps``'s order.
_CLAIMED_COLUMNS = (
    "id",
    "person_id",
    "kind",
    "sequence",
    "due_on",
    "person__user__first_name",
    "person__user__last_name",
    "person__user__username",
    "person__user__email",
)


def claimed_steps(queryset: QuerySet) -> list[ClaimedStep]:
    """``queryset``'s steps as ``ClaimedStep`` rows (one query). The name is the one
    ``Person.display_name`` gives: the user's full name, else their username."""
    steps = []
    for pk, person_id, kind, sequence, due_on, first, last, username, email in queryset.values_list(
        *_CLAIMED_COLUMNS
    ):
        name = display_name_of(first, last, username)
        steps.append(
            ClaimedStep(pk, person_id, kind, sequence, due_on, Recipient(person_id, name, email))
        )
    return steps


#: The recipients of a run's steps: the name ``claimed_steps`` reads, from the person's user.
_RECIPIENTS_SQL = Fragment("""
SELECT p.id, u.first_name, u.last_name, u.username, u.email
  FROM readiness_person p JOIN auth_user u ON u.id = p.user_id
 WHERE {people}
""")
#: The same on PostgreSQL, each user found by its key: told a thousand people, the planner
#: would rather hash every user of the organization (13 ms at 100,000 people, against 1.5 ms
#: for the lookups). A lateral subquery with a LIMIT is not turned into a join it may hash.
_RECIPIENTS_PG_SQL = Fragment("""
SELECT p.id, u.first_name, u.last_name, u.username, u.email
  FROM readiness_person p
 CROSS JOIN LATERAL (
       SELECT first_name, last_name, username, email FROM auth_user
        WHERE auth_user.id = p.user_id LIMIT 1
 ) u
 WHERE {people}
""")


def recipients_of(person_ids: Collection[int]) -> dict[int, Recipient]:
    """The people ``person_ids`` as the recipients of their steps (one query; their ids as
    one array, not one placeholder each)."""
    if not person_ids:
        return {}
    template = _RECIPIENTS_PG_SQL if connection.vendor == "postgresql" else _RECIPIENTS_SQL
    statement = template.fill(people=any_of("p.id", list(person_ids)))
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())
        return {
            pk: Recipient(pk, display_name_of(first, last, username), email)
            for pk, first, last, username, email in cursor.fetchall()
        }
