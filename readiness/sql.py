"""SQL fragments that carry their own parameters.

A rule written as SQL (the targets, the states, the due rule…) is a ``Fragment``: its text with
``%s`` placeholders and the values of those placeholders, in the order they appear in the text.
Fragments are put together only through this module — ``+``, ``join`` and ``fill`` — which
keep every value next to its placeholder, so no caller ever glues parameter tuples in the order
it happened to join the texts.

    window = Fragment("created_at >= %s", [since])
    statement = Fragment("SELECT id FROM t WHERE {cond} AND {other}").fill(
        cond=window, other=param_eq("kind", kind))
    with connection.cursor() as cursor:
        cursor.execute(*statement.execute_args())

``fetch_prepared`` (``prepared_cursor``) runs the few statements a built page runs at every
visit, whose text is the same at every visit (every value a parameter: ``any_of`` rather than
an ``IN`` list of as many placeholders as values), as statements PostgreSQL plans once per
connection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

M = TypeVar("M", bound=Model)

#: A ``{name}`` slot of a template (``fill``); SQL of ours never uses braces otherwise.
_SLOT = re.compile(r"\{(\w+)\}")


def _placeholders(sql: str) -> int:
    """The ``%s`` placeholders of ``sql``, as the DB-API reads them: an escaped percent sign
    (``%%``) is not one, even before an ``s``. (Each run of percent signs loses its pairs from
    the left, as the driver reads them; counted in C: every fragment built counts its own.)"""
    return sql.replace("%%", "").count("%s")


@lru_cache(maxsize=1024)
def _template(sql: str) -> tuple[tuple[str, int] | str, ...]:
    """``sql`` split at its ``{slots}`` for ``Fragment.fill``: its texts, each with how many
    placeholders it holds, and the slot names between them. Kept: templates are the module
    constants of the rules, filled at every visit."""
    pieces = _SLOT.split(sql)  # text, name, text, name, …, text
    return tuple(
        (piece, _placeholders(piece)) if index % 2 == 0 else piece
        for index, piece in enumerate(pieces)
    )


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of SQL and the values of its ``%s`` placeholders, in text order."""

    sql: str
    params: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple(self.params))
        expected = _placeholders(self.sql)
        if expected != len(self.params):
            raise ValueError(
                f"SQL fragment has {expected} placeholders but {len(self.params)} parameters"
            )

    def __add__(self, other: Fragment | str) -> Fragment:
        other = as_fragment(other)
        return Fragment(self.sql + other.sql, self.params + other.params)

    def __radd__(self, other: str) -> Fragment:
        return as_fragment(other) + self

    def fill(self, **slots: Fragment | str) -> Fragment:
        """This fragment as a template: each ``{name}`` slot replaced by ``slots[name]``, every
        value landing where its text lands (a slot may appear several times: its values are
        repeated with it). Slots without a value are an error, so a typo cannot ship."""
        texts: list[str] = []
        values: list[object] = []
        used = 0
        for piece in _template(self.sql):
            if isinstance(piece, tuple):
                text, count = piece
                texts.append(text)
                values.extend(self.params[used : used + count])
                used += count
            else:
                if piece not in slots:
                    raise KeyError(f"SQL template slot {{{piece}}} has no value")
                slot = slots[piece]
                if isinstance(slot, Fragment):
                    texts.append(slot.sql)
                    values.extend(slot.params)
                else:
                    texts.append(slot)
                    if _placeholders(slot):
                        raise ValueError(f"SQL text for slot {{{piece}}} has placeholders")
        return Fragment("".join(texts), tuple(values))

    def execute_args(self) -> tuple[str, list]:
        """What ``cursor.execute`` takes."""
        return self.sql, list(self.params)


def as_fragment(value: Fragment | str) -> Fragment:
    """Plain text (no placeholders) as a fragment; a fragment as itself."""
    return value if isinstance(value, Fragment) else Fragment(value)


def param(value: object) -> Fragment:
    """One value as a placeholder: ``Fragment("%s", [value])``."""
    return Fragment("%s", (value,))


def join(separator: str, fragments: Iterable[Fragment | str]) -> Fragment:
    """The fragments one after the other, ``separator`` between them."""
    parts = [as_fragment(fragment) for fragment in fragments]
    return Fragment(
        separator.join(part.sql for part in parts),
        tuple(value for part in parts for value in part.params),
    )


def values_list(values: Sequence[object]) -> Fragment:
    """``%s, %s, …`` for an ``IN (…)`` list (at least one value)."""
    if not values:
        raise ValueError("an empty IN list is not valid SQL")
    return join(", ", (param(value) for value in values))


def any_of(column: str, values: Sequence[object]) -> Fragment:
    """``column`` (SQL) is one of ``values``: ``= ANY(%s)`` and one array on PostgreSQL, so that
    the statement's text does not depend on how many values there are (``fetch_prepared``);
    an ``IN`` list elsewhere (SQLite has no arrays). No values: a condition that is false."""
    if connection.vendor == "postgresql":
        return Fragment(f"{column} = ANY(%s)", (list(values),))
    if not values:
        return Fragment("1 = 0")
    return Fragment(f"{column} IN (", ()) + values_list(values) + ")"


def fetch_prepared(statement: Fragment) -> list[tuple]:
    """The rows of ``statement`` (``prepared_cursor``): for the statements a page runs at every
    visit with the same text."""
    with prepared_cursor() as cursor:
        cursor.execute(*statement.execute_args())
        return cursor.fetchall()


def instance_of_row(model: type[M], row: Sequence[object]) -> M:
    """An instance of ``model`` from ``row``, the values of its concrete fields in their order,
    each converted as the ORM converts its column (SQLite hands dates back as text): what
    ``Model.objects.raw`` builds, for a row ``fetch_prepared`` read."""
    db = connections[DEFAULT_DB_ALIAS]
    names, converters = _row_converters(model, db.vendor, db.ops)
    values = list(row)
    for index, column, convert in converters:
        values[index] = convert(values[index], column, db)
    return model.from_db(db.alias, names, values)


_CONVERTERS: dict[tuple[type[Model], str], tuple[list[str], list[tuple]]] = {}


def _row_converters(model: type[Model], vendor: str, ops: Any) -> tuple[list[str], list[tuple]]:
    """``model``'s field names and the converters of its columns (position, column, converter),
    as the database's operations ``ops`` and the fields name them: looked up once a model and
    kind of database (keyed by the vendor, not by ``ops``, which is one per connection and
    would keep closed connections alive). The converters keep no state of their own."""
    key = (model, vendor)
    if key not in _CONVERTERS:
        _CONVERTERS[key] = _converters_of(model, ops)
    return _CONVERTERS[key]


def _converters_of(model: type[Model], ops: Any) -> tuple[list[str], list[tuple]]:
    db = ops.connection
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        for convert in (*ops.get_db_converters(column), *column.get_db_converters(db)):
            converters.append((index, column, convert))
    return [field.attname for field in fields], converters


@contextmanager
def prepared_cursor(*, binary: bool = False) -> Iterator[CursorWrapper]:
    """A cursor for the few statements a built page runs at every visit, whose text is the
    same whatever their values (all of them parameters: ``any_of`` rather than an ``IN`` list of
    as many placeholders as values). On PostgreSQL it binds the values on the server, and
    psycopg prepares a statement once it has run ``prepare_threshold`` times on the connection
    (settings: ``DATABASE_PREPARE_THRESHOLD``): PostgreSQL then parses and analyses it once per
    connection, and plans it once too when it settles on a generic plan (after five runs, when
    that costs no more than planning for the values). /me/'s states statement spent 2 of its
    2.5 ms planning. A text that does not repeat is never prepared, only counted (psycopg
    keeps the 100 most recent texts, and prepares at most 100).

    With ``binary``, PostgreSQL sends the rows in its binary format, which psycopg reads in C:
    a timestamp arrives as an aware datetime (in the session's time zone) for ~0.1 µs, where
    Django's text loader takes ~8 µs; a caller must then also accept the text or the datetime
    the other cursors give (SQLite: text).

    Through Django's cursor wrapper, so the query counts and ``execute_wrapper`` see it.
    Elsewhere (SQLite), or with preparing turned off and rows in text, Django's ordinary cursor
    (which binds client-side and never prepares)."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    # What ``connection.cursor()`` does (health check, connection, thread check, debug
    # wrapper), around a psycopg cursor in place of Django's client-side binding one.
    db.close_if_health_check_failed()
    db.ensure_connection()
    raw = db.connection
    # Preparing turned off: Django's cursor, unless the rows are asked in binary — a double's
    # text depends on the session (``extra_float_digits = 0``, set by a role or a pooler, sends
    # 15 digits: the grids' moments lost their microseconds), its binary form does not. That
    # cursor binds on the server too, with psycopg's unnamed statements: it prepares nothing.
    if raw.prepare_threshold is None and not binary:
        with db.cursor() as cursor:
            yield cursor
        return
    with db.wrap_database_errors:
        inner: Any = _logged_cursor_class()(raw)  # a DB-API cursor, as Django's wrappers take
    if binary:
        from psycopg.pq import Format

        inner.format = Format.BINARY
    _same_time_zone(db, inner)
    db.validate_thread_sharing()
    wrapper = db.make_debug_cursor(inner) if db.queries_logged else db.make_cursor(inner)
    with wrapper:
        yield wrapper


@cache
def _logged_cursor_class() -> type:
    """A psycopg cursor that binds on the server and, once it ran a statement prepared, still
    tells what it ran as Django's query log reads it (``last_executed_query`` reads the
    cursor's last query, which psycopg sets only when it does not run a prepared statement).
    Built on first use: psycopg is imported on PostgreSQL only."""
    import psycopg

    class LoggedCursor(psycopg.Cursor):
        def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
            self._query = pgq
            super()._send_query_prepared(name, pgq, **kwargs)

    return LoggedCursor


def _same_time_zone(db: Any, cursor: Any) -> None:
    """Timestamps read in the connection's time zone, as Django's own cursors
    (``DatabaseWrapper.create_cursor``) do when the zone changed since it connected."""
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    adapters = db.connection.adapters
    loader = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    if db.timezone != loader.timezone:
        register_tzloader(db.timezone, cursor)
