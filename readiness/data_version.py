"""The data version: a value that changes whenever a transaction that changed the data commits.

``readiness.caching`` keys what it keeps with it. It is kept by the database itself, so every
way of writing counts — a form, a bulk insert, raw SQL, the worker, the admin, a ``psql``
session — and nothing in the application has to remember to invalidate anything:

- **PostgreSQL.** A statement-level trigger on every tracked table adds one row per writing
  transaction to ``readiness_datachange`` (``INSERT … ON CONFLICT (xid) DO NOTHING``: no row is
  shared between transactions, so writers never wait on each other). The version is the sum
  of the rows' weights and the largest id: the sum moves when a transaction commits, whatever
  the order in which transactions got their rows; the id keeps it from repeating after the
  table was emptied (a test flush). ``data_changes_compact`` (nightly) folds the rows into
  one carrying their total weight: the sum stays, the version moves once (one rebuild).
- **SQLite** (the local demo): one writer at a time, so a row-level trigger just adds one to
  the weight of the last row.

Tracked: every table of the ``readiness``, ``assessments`` and ``catalog`` apps and the user
and group tables, except those that do not change what pages show and are written all the
time (reminders sent, import progress, API tokens), the audit history, and the users' last
sign-in time. ``TRUNCATE`` counts too (PostgreSQL). The triggers are
(re)installed after every ``migrate`` (``post_migrate``), so a new model is tracked without
anyone writing a migration for it.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TRACKED_APPS = ("readiness", "assessments", "catalog", "auth")
#: Written all the time and shown on no kept page (reminders sent, import progress, tokens).
UNTRACKED_MODELS = {
    "readiness.datachange", "readiness.apitoken", "assessments.reminder", "catalog.importrun",
    "auth.permission", "readiness.webhookdelivery",
}
TABLE = "readiness_datachange"
TRIGGER = "readiness_data_changed"

VERSION_SQL = f"SELECT COALESCE(SUM(weight), 0), MAX(id) FROM {TABLE}"  # noqa: S608  # nosec B608 # module-constant table name; values as parameters

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (weight, xid) VALUES (1, pg_current_xact_id()::text::bigint)
    ON CONFLICT (xid) DO NOTHING;
    RETURN NULL;
END
$$
"""  # nosec B608 # module-constant table name; values as parameters
POSTGRES_TRIGGER = (
    "CREATE OR REPLACE TRIGGER {trigger} AFTER INSERT OR {update} OR DELETE OR TRUNCATE "
    "ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {trigger}()"
)
SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS {name} AFTER {operation} ON {table} BEGIN "  # nosec B608 # module-constant table name; values as parameters
    f"INSERT INTO {TABLE} (weight) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {TABLE}); "
    f"UPDATE {TABLE} SET weight = weight + 1 WHERE id = (SELECT MAX(id) FROM {TABLE}); END"
)
COMPACT_SQL = f"""
WITH gone AS (DELETE FROM {TABLE} WHERE id <= %s RETURNING weight)
INSERT INTO {TABLE} (weight) SELECT SUM(weight) FROM gone HAVING COUNT(*) > 0
"""  # noqa: S608  # nosec B608 # module-constant table name; values as parameters
#: Compactions one at a time (two at once could each fold part of the rows).
COMPACT_LOCK = 7_201_453_118
#: Columns whose change alone does not move the version: written at every sign-in, shown on
#: no kept page (a sign-in would otherwise drop every kept page).
IGNORED_COLUMNS = {"auth_user": {"last_login"}}


def tracked_tables() -> list[str]:
    """The tables whose changes move the data version (with many-to-many tables)."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in TRACKED_APPS or meta.label_lower in UNTRACKED_MODELS:
            continue
        if meta.proxy or not meta.managed or meta.model_name.startswith("historical"):
            continue
        if meta.auto_created and meta.auto_created._meta.label_lower in UNTRACKED_MODELS:
            continue
        tables.add(meta.db_table)
    return sorted(tables)


def _update_of(connection: BaseDatabaseWrapper, table: str) -> str:
    """``UPDATE``, or ``UPDATE OF`` every column but the ignored ones of ``table``."""
    ignored = IGNORED_COLUMNS.get(table)
    if not ignored:
        return "UPDATE"
    with connection.cursor() as cursor:
        columns = [column.name for column in
                   connection.introspection.get_table_description(cursor, table)]
    return "UPDATE OF " + ", ".join(
        connection.ops.quote_name(column) for column in columns if column not in ignored)


def triggers_install(connection: BaseDatabaseWrapper) -> int:
    """Create (or replace) the triggers on every tracked table; returns how many tables."""
    tables = [t for t in tracked_tables() if t in connection.introspection.table_names()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            for table in tables:
                cursor.execute(POSTGRES_TRIGGER.format(
                    trigger=TRIGGER, table=connection.ops.quote_name(table),
                    update=_update_of(connection, table)))
        elif connection.vendor == "sqlite":
            for table in tables:
                for operation in ("INSERT", _update_of(connection, table), "DELETE"):
                    name = f"{TRIGGER}_{table}_{operation.split()[0].lower()}"
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(SQLITE_TRIGGER.format(
                        name=name, operation=operation, table=connection.ops.quote_name(table)))
        else:
            return 0
    return len(tables)


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:  # noqa: ANN001
    """``post_migrate`` receiver: once per ``migrate``, after the last app."""
    if sender.label != "readiness":
        return
    triggers_install(connections[using])


def current(connection: BaseDatabaseWrapper) -> str:
    """The data version as ``connection`` sees it now."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        weight, last = cursor.fetchone()
    return f"{weight}:{last}"


def data_changes_compact(using: str = "default") -> int:
    """Fold the change rows into one of the same total weight: the sum stays, the version
    moves once. One compaction at a time (an advisory lock)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [COMPACT_LOCK])
        cursor.execute(f"SELECT MAX(id), COUNT(*) FROM {TABLE}")  # noqa: S608  # nosec B608 # module-constant table name; values as parameters
        last, rows = cursor.fetchone()
        if rows < 2:
            return 0
        cursor.execute(COMPACT_SQL, [last])
    return rows
