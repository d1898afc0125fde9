"""Set-based writes: one statement per operation, whatever the number of rows.

Django's ``bulk_create``/``bulk_update`` cut their work into batches of 999 parameters on
SQLite (Django 5.2), so a 5,000-item import would cost a few hundred statements there, and
``bulk_update`` builds one CASE per field and row. Here the rows travel as a single JSON
parameter that the database unpacks itself — ``json_each`` on SQLite, ``jsonb_to_recordset``
on PostgreSQL — so the statement count is constant. Other databases fall back to Django's
bulk operations.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)


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


def _payload(model: type[models.Model], names: Sequence[str], rows: Sequence[dict]) -> str:
    fields = [_field(model, name) for name in names]
    return json.dumps(
        [{f.column: _json_value(f, row[f.attname]) for f in fields} for row in rows],
        separators=(",", ":"),
    )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _sqlite_value(field: models.Field) -> str:
    extract = f"json_extract(j.value, '$.{field.column}')"
    if isinstance(field, models.JSONField):
        # Keep JSON as JSON text (json_extract alone would unwrap a top-level string).
        return f"json_quote({extract})"
    return extract


def _pg_recordset(fields: Sequence[models.Field]) -> str:
    columns = ", ".join(f"{_quote(f.column)} {_pg_type(f)}" for f in fields)
    return f"jsonb_to_recordset(%s::jsonb) AS r({columns})"


def _pg_type(field: models.Field) -> str:
    if isinstance(field, models.ForeignKey):
        return field.target_field.rel_db_type(connection)
    return field.db_type(connection)


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[dict]) -> None:
    """INSERT ``rows`` (dicts keyed by attname) into ``model``'s table in one statement."""
    if not rows:
        return
    if connection.vendor not in ("sqlite", "postgresql"):
        model.objects.bulk_create([model(**row) for row in rows])
        return
    fields = [_field(model, name) for name in names]
    table = _quote(model._meta.db_table)
    target = ", ".join(_quote(f.column) for f in fields)
    if connection.vendor == "sqlite":
        values = ", ".join(_sqlite_value(f) for f in fields)
        source = "json_each(%s) AS j"
    else:
        values = ", ".join(f"r.{_quote(f.column)}" for f in fields)
        source = _pg_recordset(fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({target}) SELECT {values} FROM {source}",  # noqa: S608
            [_payload(model, names, rows)],
        )


def update_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[dict]) -> None:
    """UPDATE ``names`` of the rows whose ``id`` each dict holds, in one statement."""
    if not rows:
        return
    if connection.vendor not in ("sqlite", "postgresql"):
        objs = [model(**row) for row in rows]
        model.objects.bulk_update(objs, list(names))
        return
    pk = model._meta.pk
    fields = [_field(model, name) for name in names]
    table = _quote(model._meta.db_table)
    if connection.vendor == "sqlite":
        assignments = ", ".join(f"{_quote(f.column)} = {_sqlite_value(f)}" for f in fields)
        sql = (
            f"UPDATE {table} SET {assignments} FROM json_each(%s) AS j "  # noqa: S608
            f"WHERE {table}.{_quote(pk.column)} = json_extract(j.value, '$.{pk.column}')"
        )
    else:
        assignments = ", ".join(f"{_quote(f.column)} = r.{_quote(f.column)}" for f in fields)
        sql = (
            f"UPDATE {table} SET {assignments} FROM {_pg_recordset([pk, *fields])} "  # noqa: S608
            f"WHERE {table}.{_quote(pk.column)} = r.{_quote(pk.column)}"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_payload(model, [pk.name, *names], rows)])
