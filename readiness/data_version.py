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

**Scoped to a person.** A write of a person's own rows — their ratings (self or manager),
submissions, plan items, certifications, completions, badges, cycle participation, transcript
link — changes only that person's pages and their team's map. Those tables
(``PERSON_SCOPED_MODELS``) move the *person's* version instead (``readiness_personchange``:
one row per person and writing transaction, the same sum-and-largest-id scheme; SQLite: one
counting row per person), so the other people's kept pages stay kept. Their ``TRUNCATE``
still moves the global version. A kept page's key carries the global version and the versions
of the people it shows (``scoped_version``: a person, or a team's members).

Tracked: every table of the ``readiness``, ``assessments`` and ``catalog`` apps and the user
and group tables, except those that do not change what pages show and are written all the
time (reminders sent, import progress, API tokens), the audit history, and the users' last
sign-in time. ``TRUNCATE`` counts too (PostgreSQL). The triggers are created by a migration
(``readiness/migrations/0011_data_version_triggers.py``, per database: ``sqlmigrate`` shows
them). A new model of a tracked app needs a migration giving its table the same triggers, and
on SQLite a migration that rebuilds a tracked table (most ``AlterField``) drops them, so it
must create them again: ``tables_without_triggers`` lists the tables that lack them, and
tests/readiness/test_caching.py fails while any does (with the person triggers for the person
tables: ``readiness/migrations/0015_person_data_versions.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from readiness.sql import Fragment, any_of, fetch_prepared

TRACKED_APPS = ("readiness", "assessments", "catalog", "auth")
#: Written all the time and shown on no kept page (reminders sent, import progress, tokens).
UNTRACKED_MODELS = {
    "readiness.datachange",
    "readiness.personchange",
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
#: A person's own rows, each with a ``person_id``: shown on that person's pages and their team's
#: map only, so a write moves that person's version, not the global one.
PERSON_SCOPED_MODELS = {
    "assessments.skillrating",
    "assessments.assessmentsubmission",
    "assessments.learningplanitem",
    "assessments.cycleparticipation",
    "assessments.verifiedcompletion",
    "assessments.personcertification",
    "assessments.badgeaward",
    "assessments.transcriptlink",
}
TABLE = "readiness_datachange"
TRIGGER = "readiness_data_changed"
PERSON_TABLE = "readiness_personchange"
PERSON_TRIGGER = "readiness_person_changed"
#: The person triggers, one per operation (PostgreSQL: statement-level, each reading its own
#: transition tables; SQLite: row-level).
PERSON_OPERATIONS = ("insert", "update", "delete")

VERSION_SQL = f"SELECT COALESCE(SUM(weight), 0), MAX(id) FROM {TABLE}"  # noqa: S608  # nosec B608 # module-constant table name; values as parameters

COMPACT_SQL = f"""
WITH gone AS (DELETE FROM {TABLE} WHERE id <= %s RETURNING weight)
INSERT INTO {TABLE} (weight) SELECT SUM(weight) FROM gone HAVING COUNT(*) > 0
"""  # noqa: S608  # nosec B608 # module-constant table name; values as parameters
#: Each person's rows folded into one (only people with several: the others' versions stay).
PERSON_COMPACT_SQL = f"""
WITH gone AS (
    DELETE FROM {PERSON_TABLE} WHERE id <= %s AND person_id IN (
        SELECT person_id FROM {PERSON_TABLE} WHERE id <= %s
        GROUP BY person_id HAVING COUNT(*) > 1
    ) RETURNING person_id, weight
)
INSERT INTO {PERSON_TABLE} (person_id, weight) SELECT person_id, SUM(weight) FROM gone
GROUP BY person_id
"""  # noqa: S608  # nosec B608 # module-constant table name; values as parameters
#: The versions of the people a kept page shows, by what it shows (``readiness.caching.Shows``).
SCOPED_VERSION_SQL = {
    "person": (
        f"SELECT COALESCE(SUM(weight), 0), MAX(id) FROM {PERSON_TABLE} "  # noqa: S608  # nosec B608 # module-constant table name
        "WHERE person_id = %s"
    ),
    "team": (
        f"SELECT COALESCE(SUM(c.weight), 0), MAX(c.id) FROM {PERSON_TABLE} c WHERE c.person_id "  # noqa: S608  # nosec B608 # module-constant table name
        "IN (SELECT p.id FROM readiness_person p WHERE p.team_id = %s)"
    ),
}
#: PostgreSQL: the team's members as an array, so that their rows are found by the index, one
#: descent a member. Asked with ``IN (SELECT …)``, the planner hashed the members and read
#: the whole table (a row per person and writing transaction since the last compaction:
#: 19,647 rows, 2.3 ms, where the index takes 0.45 ms for a 50-person team) — on every visit
#: of a kept team map.
SCOPED_VERSION_POSTGRES_SQL = {
    **SCOPED_VERSION_SQL,
    "team": (
        f"SELECT COALESCE(SUM(c.weight), 0), MAX(c.id) FROM {PERSON_TABLE} c WHERE c.person_id "  # noqa: S608  # nosec B608 # module-constant table name
        "= ANY(ARRAY(SELECT p.id FROM readiness_person p WHERE p.team_id = %s))"
    ),
}
#: Each of some people's versions (``person_versions``): ``{people}`` is ``any_of``'s test of
#: ``c.person_id``; a person without a row has none.
PERSON_VERSIONS_SQL = (
    f"SELECT c.person_id, COALESCE(SUM(c.weight), 0), MAX(c.id) FROM {PERSON_TABLE} c "  # noqa: S608  # nosec B608 # module-constant table name
    "WHERE {people} GROUP BY c.person_id"
)
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


def person_tables() -> list[str]:
    """The tracked tables of a person's own rows: they move that person's version."""
    return sorted(apps.get_model(label)._meta.db_table for label in PERSON_SCOPED_MODELS)


def tables_without_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """The tracked tables that lack their triggers (none once the migrations are applied):
    on PostgreSQL the statement trigger (for a person table: its ``TRUNCATE``) and a person
    table's three person triggers; on SQLite three row triggers, global or person."""
    person = set(person_tables())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE t.tgname = %s OR t.tgname LIKE %s",
                [TRIGGER, f"{PERSON_TRIGGER}_%"],
            )
            found: dict[str, set[str]] = {}
            for table, name in cursor.fetchall():
                found.setdefault(table, set()).add(name)
            scoped = {TRIGGER} | {f"{PERSON_TRIGGER}_{op}" for op in PERSON_OPERATIONS}
            complete = {
                table
                for table, names in found.items()
                if names >= (scoped if table in person else {TRIGGER})
            }
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' "
                "AND (name LIKE %s OR name LIKE %s)",
                [f"{TRIGGER}_%", f"{PERSON_TRIGGER}_%"],
            )
            counts = Counter(
                (table, name.startswith(PERSON_TRIGGER)) for table, name in cursor.fetchall()
            )
            complete = {
                table
                for (table, scoped), n in counts.items()
                if n == 3 and scoped == (table in person)
            }
        else:
            return []
    return [table for table in tracked_tables() if table not in complete]


def current(connection: BaseDatabaseWrapper) -> str:
    """The data version as ``connection`` sees it now."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        weight, last = cursor.fetchone()
    return f"{weight}:{last}"


def scoped_version_sql(vendor: str, kind: str) -> str:
    """The statement of ``kind``'s version (``scoped_version``) on a database of ``vendor``."""
    return (SCOPED_VERSION_POSTGRES_SQL if vendor == "postgresql" else SCOPED_VERSION_SQL)[kind]


def scoped_version(connection: BaseDatabaseWrapper, kind: str, pk: int) -> str:
    """The version of the people a page shows: ``kind`` "person" (one person) or "team" (its
    members), as ``connection`` sees it now. Read at every visit of a kept page with the same
    text, so prepared on the default connection (``readiness.sql.fetch_prepared``; SQLite:
    an ordinary cursor)."""
    statement = scoped_version_sql(connection.vendor, kind)
    if connection.alias == DEFAULT_DB_ALIAS:
        ((weight, last),) = fetch_prepared(Fragment(statement, (pk,)))
    else:
        with connection.cursor() as cursor:
            cursor.execute(statement, [pk])
            weight, last = cursor.fetchone()
    return f"{weight}:{last}"


def person_versions(connection: BaseDatabaseWrapper, people: Sequence[int]) -> dict[int, str]:
    """Each of ``people``'s own version (``scoped_version``'s "person", each), as ``connection``
    sees it now: one statement for them all (prepared on PostgreSQL, the ids as one array)."""
    statement = Fragment(PERSON_VERSIONS_SQL).fill(people=any_of("c.person_id", list(people)))
    if connection.alias == DEFAULT_DB_ALIAS:
        rows = fetch_prepared(statement)
    else:
        with connection.cursor() as cursor:
            cursor.execute(*statement.execute_args())
            rows = cursor.fetchall()
    found = {pk: f"{weight}:{last}" for pk, weight, last in rows}
    return {pk: found.get(pk, "0:None") for pk in people}


def data_changes_compact(using: str = "default") -> int:
    """Fold the change rows into one of the same total weight: the sum stays, the version
    moves once (and each person's rows into one per person). One compaction at a time (an
    advisory lock). Returns the global rows folded."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [COMPACT_LOCK])
        cursor.execute(f"SELECT MAX(id) FROM {PERSON_TABLE}")  # noqa: S608  # nosec B608 # module-constant table name
        (person_last,) = cursor.fetchone()
        if person_last is not None:
            cursor.execute(PERSON_COMPACT_SQL, [person_last, person_last])
        cursor.execute(f"SELECT MAX(id), COUNT(*) FROM {TABLE}")  # noqa: S608  # nosec B608 # module-constant table name; values as parameters
        last, rows = cursor.fetchone()
        if rows < 2:
            return 0
        cursor.execute(COMPACT_SQL, [last])
    return rows
