"""Set-based writes: one statement per operation, whatever the number of rows.

Django's ``bulk_create``/``bulk_update`` cut their work into batches of 999 parameters on
SQLite (Django 5.2), so a 5,000-item import would cost a few hundred statements there, and
``bulk_update`` builds one CASE per field and row. Here the rows travel as a single JSON
parameter that the database unpacks itself — ``json_each`` on SQLite, ``jsonb_array_elements``
on PostgreSQL — so the statement count is constant. Each row is a JSON array of its values in
the order of the statement's columns (keys repeated on every row would double the text to
build, send and parse). Only these two databases are supported: on another one the writes
raise ``NotSupportedError`` (Django's ``bulk_create(ignore_conflicts=True)`` returns the rows
another run inserted as well, without their keys, which would break the import's
exactly-once rule).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import NotSupportedError, connection, models
from django.db.models import Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from readiness.typed import concrete_field


def _supported() -> None:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotSupportedError(
            f"Set-based writes run on SQLite and PostgreSQL only, not {connection.vendor}."
        )


def _field(model: type[models.Model], name: str) -> models.Field:
    return concrete_field(model, name)


def _json_value(field: models.Field, value: Any) -> Any:
    """``value`` as the JSON the statement unpacks into ``field``'s column."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    if isinstance(value, dt.datetime):
        if connection.vendor == "sqlite":
            return connection.ops.adapt_datetimefield_value(value)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return field.get_db_prep_save(value, connection)


#: Field classes whose database value is the Python value itself when it already has the
#: field's type (Django's ``get_db_prep_save`` only coerces): ``_converter`` skips the call.
_PLAIN_TYPES: dict[type[models.Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.URLField: str,
    models.SlugField: str,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
    models.ForeignKey: int,
    models.BooleanField: bool,
}


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """``_json_value`` for one field, its per-field decisions taken once rather than per
    value; ``None`` when every value goes as it is."""
    if isinstance(field, models.JSONField):
        return None
    if isinstance(field, models.DateTimeField):
        as_text = (
            connection.ops.adapt_datetimefield_value
            if connection.vendor == "sqlite"
            else dt.datetime.isoformat
        )
        last: list[Any] = [None, None]  # an import stamps every row with the same "now" object

        def convert_datetime(value: Any) -> Any:
            if type(value) is not dt.datetime:
                return _json_value(field, value)
            if value is not last[0]:
                last[:] = [value, as_text(value)]
            return last[1]

        return convert_datetime
    plain = _PLAIN_TYPES.get(type(field))
    if plain is None:
        return lambda value: _json_value(field, value)

    if plain is str:
        # A str subclass (a TextChoices member) is what CharField.to_python returns it as,
        # and json.dumps writes its text.
        def convert_text(value: Any) -> Any:
            return value if value is None or isinstance(value, str) else _json_value(field, value)

        return convert_text

    def convert(value: Any) -> Any:
        # ``type(...) is`` on purpose: a bool is an int, but not a plain one for an IntegerField.
        if value is None or type(value) is plain:
            return value
        return _json_value(field, value)

    return convert


def _payload(model: type[models.Model], names: Sequence[str], rows: Sequence[dict]) -> str:
    fields = [_field(model, name) for name in names]
    attnames = [f.attname for f in fields]
    converted = [
        (i, convert) for i, f in enumerate(fields) if (convert := _converter(f)) is not None
    ]
    payload = []
    for row in rows:
        values = [row[attname] for attname in attnames]
        for i, convert in converted:
            values[i] = convert(values[i])
        payload.append(values)
    return json.dumps(payload, separators=(",", ":"))


def among(column: str, values: Sequence[Any]) -> Q | RawSQL:
    """A filter: ``column`` (of the queryset's only table) holds one of ``values``.

    The values travel as one parameter (an array on PostgreSQL, JSON on SQLite) rather than
    one placeholder each: with thousands of values, building and parsing ``IN (%s, %s, ...)``
    costs more than the query.
    """
    values = list(values)
    if connection.vendor == "postgresql":
        return RawSQL(f"{_quote(column)} = ANY(%s)", (values,), output_field=models.BooleanField())  # nosec B611 # quoted column name; values as parameters
    if connection.vendor == "sqlite":
        return RawSQL(  # nosec B611 # quoted column name; values as parameters
            f"{_quote(column)} IN (SELECT value FROM json_each(%s))",  # nosec B608 # quoted names from the models; values as parameters
            (json.dumps(values),),
            output_field=models.BooleanField(),
        )
    return Q(**{f"{column}__in": values})


def values_rows(queryset: QuerySet, names: Sequence[str]) -> list[tuple]:
    """``queryset.values_list(*names)``, with each distinct JSON text decoded only once.

    Django decodes every JSON value of every row on its own; an import reads thousands of
    rows whose JSON columns hold a handful of distinct values (``[]``, ``["beginner"]``...).
    Equal texts share one decoded value: treat the values as read-only.
    """
    model = queryset.model
    is_json = [isinstance(_field(model, name), models.JSONField) for name in names]
    columns = [
        Cast(name, output_field=TextField()) if json_ else name
        for name, json_ in zip(names, is_json, strict=True)
    ]
    decoded: dict[str, Any] = {}

    def decode(text: str | None) -> Any:
        if text is None:
            return None
        try:
            return decoded[text]
        except KeyError:
            pass
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = text  # as Django's JSONField.from_db_value does
        decoded[text] = value
        return value

    where = [i for i, json_ in enumerate(is_json) if json_]
    rows = []
    for row in queryset.values_list(*columns):
        row = list(row)  # noqa: PLW2901
        for i in where:
            row[i] = decode(row[i])
        rows.append(tuple(row))
    return rows


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _sqlite_value(field: models.Field, index: int) -> str:
    extract = f"json_extract(j.value, '$[{index}]')"
    if isinstance(field, models.JSONField):
        # Keep JSON as JSON text (json_extract alone would unwrap a top-level string).
        return f"json_quote({extract})"
    return extract


def _pg_value(field: models.Field, index: int) -> str:
    if isinstance(field, models.JSONField):
        return f"NULLIF(r.e->{index}, 'null'::jsonb)"  # JSON null: SQL NULL
    return f"(r.e->>{index})::{_pg_type(field)}"


_PG_ROWS = "jsonb_array_elements(%s::jsonb) AS r(e)"


def _pg_type(field: models.Field) -> str:
    if isinstance(field, models.ForeignKey):
        # Field.rel_db_type exists on every field; the stubs declare it on a mixin only.
        return field.target_field.rel_db_type(connection)  # type: ignore[attr-defined]
    if isinstance(field, (models.CharField, models.TextField)):
        # Not varchar(n): a cast would cut a long value short; assigning text to the column
        # refuses it instead.
        return "text"
    db_type = field.db_type(connection)
    if db_type is None:
        raise TypeError(f"{field} has no column to write")
    return db_type


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[dict],
    *,
    returning: Sequence[str] = (),
    ignore_conflicts: bool = False,
) -> list[tuple]:
    """INSERT ``rows`` (dicts keyed by attname) into ``model``'s table in one statement;
    with ``ignore_conflicts``, a row that would break a uniqueness constraint is skipped
    (``ON CONFLICT DO NOTHING``).

    Returns the ``returning`` attnames of the inserted rows (in no particular order).
    """
    if not rows:
        return []
    _supported()
    fields = [_field(model, name) for name in names]
    table = _quote(model._meta.db_table)
    target = ", ".join(_quote(f.column) for f in fields)
    if connection.vendor == "sqlite":
        values = ", ".join(_sqlite_value(f, i) for i, f in enumerate(fields))
        source = "json_each(%s) AS j"
    else:
        values = ", ".join(_pg_value(f, i) for i, f in enumerate(fields))
        source = _PG_ROWS
    sql = f"INSERT INTO {table} ({target}) SELECT {values} FROM {source}"  # noqa: S608  # nosec B608 # quoted names from the models; values as parameters
    if ignore_conflicts:
        # "WHERE true": SQLite would otherwise read ON as the start of a join constraint.
        sql += " WHERE true ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(_quote(_field(model, n).column) for n in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_payload(model, names, rows)])
        return [tuple(row) for row in cursor.fetchall()] if returning else []


def update_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[dict]) -> None:
    """UPDATE ``names`` of the rows whose ``id`` each dict holds, in one statement."""
    if not rows:
        return
    _supported()
    pk = model._meta.pk
    fields = [_field(model, name) for name in names]
    table = _quote(model._meta.db_table)
    if connection.vendor == "sqlite":
        assignments = ", ".join(
            f"{_quote(f.column)} = {_sqlite_value(f, i)}" for i, f in enumerate(fields, 1)
        )
        sql = (
            f"UPDATE {table} SET {assignments} FROM json_each(%s) AS j "  # noqa: S608  # nosec B608 # quoted names from the models; values as parameters
            f"WHERE {table}.{_quote(pk.column)} = {_sqlite_value(pk, 0)}"
        )
    else:
        assignments = ", ".join(
            f"{_quote(f.column)} = {_pg_value(f, i)}" for i, f in enumerate(fields, 1)
        )
        sql = (
            f"UPDATE {table} SET {assignments} FROM {_PG_ROWS} "  # noqa: S608  # nosec B608 # quoted names from the models; values as parameters
            f"WHERE {table}.{_quote(pk.column)} = {_pg_value(pk, 0)}"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_payload(model, [pk.name, *names], rows)])
