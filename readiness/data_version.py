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
sign-in time. ``TRUNCATE`` counts too (PostgreSQL). The triggers are created by a migration
(``readiness/migrations/0011_data_version_triggers.py``, per database: ``sqlmigrate`` shows
them). A new model of a tracked app needs a migration giving its table the same triggers, and
on SQLite a migration that rebuilds a tracked table (most ``AlterField``) drops them, so it
must create them again: ``tables_without_triggers`` lists the tables that lack them, and
tests/readiness/test_caching.py fails while any does.
"""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TRACKED_APPS = ("readiness", "assessments", "catalog", "auth")
#: Written all the time and shown on no kept page (reminders sent, import progress, tokens).
UNTRACKED_MODELS = {
    "readiness.datachange",
    "readiness.apitoken",
    "assessments.reminder",
    "catalog.importrun",
    "auth.permission",
    "readiness.webhookdelivery",
    # SCIM groups are the directory's bookkeeping, shown on no page; their effects (a person
    # moved, a role group changed) write tracked tables.
    "readiness.scimgroup",
    # A queued HR upsert's bookkeeping; applying it writes the tracked people and teams.
    "readiness.hrupsertjob",
    # The dashboard's kept figures: rewritten every few minutes by the worker and read by no
    # kept page (the dashboard is built at each visit from them and says as of when).
    "assessments.dashboardfigureset",
    "assessments.dashboardfigure",
    # The chunked sweeps' bookkeeping (assessments.sweeps): written by the worker every night,
    # shown on no page; the snapshot rows they end in are tracked.
    "assessments.sweep",
    "assessments.sweepbatch",
    "assessments.snapshotpart",
    # The latest ratings, derived from the ratings by triggers in the same statement as every
    # write of them (assessments/models_latest.py): the ratings' own trigger already moves the
    # version, in the same transaction.
    "assessments.latestrating",
}
TABLE = "readiness_datachange"
TRIGGER = "readiness_data_changed"

VERSION_SQL = f"SELECT COALESCE(SUM(weight), 0), MAX(id) FROM {TABLE}"  # noqa: S608  # nosec B608 # module-constant table name; values as parameters

COMPACT_SQL = f"""
WITH gone AS (DELETE FROM {TABLE} WHERE id <= %s RETURNING weight)
INSERT INTO {TABLE} (weight) SELECT SUM(weight) FROM gone HAVING COUNT(*) > 0
"""  # noqa: S608  # nosec B608 # module-constant table name; values as parameters
#: Compactions one at a time (two at once could each fold part of the rows).
COMPACT_LOCK = 7_201_453_118


def tracked_tables() -> list[str]:
    """The tables whose changes move the data version (with many-to-many tables)."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in TRACKED_APPS or meta.label_lower in UNTRACKED_MODELS:
            continue
        if meta.proxy or not meta.managed or (meta.model_name or "").startswith("historical"):
            continue
        # An auto-created (many-to-many) table: ``auto_created`` is the model that made it.
        made_by = meta.auto_created
        if isinstance(made_by, type) and made_by._meta.label_lower in UNTRACKED_MODELS:
            continue
        tables.add(meta.db_table)
    return sorted(tables)


def tables_without_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """The tracked tables that lack their triggers (none once the migrations are applied):
    on PostgreSQL the statement trigger, on SQLite its three row triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE t.tgname = %s",
                [TRIGGER],
            )
            complete = {table for (table,) in cursor.fetchall()}
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{TRIGGER}_%"],
            )
            counts = Counter(table for (table,) in cursor.fetchall())
            complete = {table for table, count in counts.items() if count == 3}
        else:
            return []
    return [table for table in tracked_tables() if table not in complete]


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
