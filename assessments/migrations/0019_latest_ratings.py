"""The latest ratings table (assessments/models_latest.py) and the triggers that keep it, per
database, then its backfill from the ratings, set-based (issue 18).

PostgreSQL: one statement-level trigger per operation on ``assessments_skillrating``, each
reading its transition table, so a bulk insert (2 million ratings, bench/scale.py) costs one
grouped upsert, not one per row:

- ``INSERT``: the newest new rating of each (person, skill, source), pivoted to one row per
  (person, skill), upserted; an existing row keeps each side unless the new one is newer
  (``created_at``, then the id). Rows are written in (person, skill) order, so two
  transactions writing the same people's rows (a self-assessment, a manager's grid) lock them
  in the same order and wait for each other rather than deadlock; a concurrent write of the
  same pair waits for the first to commit and then compares with what it wrote.
- ``UPDATE``: the pairs whose rows changed a column the ratings' latest depends on (an
  erasure's blanked note changes none), before and after, are locked (an empty row inserted
  for a pair a rating moves into), then read again from the ratings (the
  ``rating_latest_lookup`` index, a few entries each) by a later statement.
- ``DELETE``: the pairs of the deleted ratings are locked; then a later statement reads again
  those whose stored newest rating was deleted (seeing a concurrent writer's commit).
- ``TRUNCATE``: the table emptied.

Concurrency: every trigger locks its pairs' rows in (person, skill) order before it reads
the ratings, so concurrent writers of the same pair wait for each other (the second reads
after the first commits) and neither overwrites the other. Keep a transaction's rating
writes to one statement (they are written in sorted order): two transactions each writing
two statements could lock the same pairs in different orders and deadlock.

SQLite (the local demo; one writer at a time): row-level triggers doing the same per row.

Backwards: the triggers and functions dropped, the table with them. The ratings' data-version
trigger already moves the data version in the same transaction: the table is not tracked
(readiness/data_version.py).
"""

from django.db import migrations, models

from readiness.migration_operations import VendorRunSQL

TABLE = "assessments_latestrating"
RATINGS = "assessments_skillrating"
PREFIX = "assessments_latest_ratings"
COLUMNS = (
    "person_id, skill_id, self_level, self_at, self_rating_id, interest, "
    "manager_level, manager_at, manager_rating_id"
)
#: One (person, skill)'s newest rating per source (rows ``x``), pivoted into one row.
PIVOT = """x.person_id, x.skill_id,
       MAX(CASE WHEN x.source = 'self' THEN x.level END),
       MAX(CASE WHEN x.source = 'self' THEN x.created_at END),
       MAX(CASE WHEN x.source = 'self' THEN x.id END),
       MAX(CASE WHEN x.source = 'self' THEN x.interest END),
       MAX(CASE WHEN x.source = 'manager' THEN x.level END),
       MAX(CASE WHEN x.source = 'manager' THEN x.created_at END),
       MAX(CASE WHEN x.source = 'manager' THEN x.id END)"""


def newest_sql(rows: str) -> str:
    """One row per (person, skill) of the ratings ``rows`` (a table or a parenthesized query):
    their newest self and manager rating."""
    return f"""SELECT {PIVOT}
  FROM (SELECT DISTINCT ON (r.person_id, r.skill_id, r.source)
               r.person_id, r.skill_id, r.source, r.level, r.created_at, r.interest, r.id
          FROM {rows} r
         ORDER BY r.person_id, r.skill_id, r.source, r.created_at DESC, r.id DESC) x
 GROUP BY x.person_id, x.skill_id
 ORDER BY x.person_id, x.skill_id"""


def _side_newer(side: str) -> str:
    """The incoming (``excluded``) side ``self`` or ``manager`` is newer than the kept one."""
    kept, new = f"{TABLE}.{side}", f"excluded.{side}"
    return (
        f"{new}_rating_id IS NOT NULL AND ({kept}_rating_id IS NULL OR "
        f"({new}_at, {new}_rating_id) > ({kept}_at, {kept}_rating_id))"
    )


def _upsert_set() -> str:
    """``ON CONFLICT … DO UPDATE``: each side replaced only by a newer one."""
    sides = {
        "self": ("self_level", "self_at", "self_rating_id", "interest"),
        "manager": ("manager_level", "manager_at", "manager_rating_id"),
    }
    return ",\n    ".join(
        f"{column} = CASE WHEN {_side_newer(side)} THEN excluded.{column} "
        f"ELSE {TABLE}.{column} END"
        for side, columns in sides.items()
        for column in columns
    )


UPSERT = f"ON CONFLICT (person_id, skill_id) DO UPDATE SET\n    {_upsert_set()}"

#: PostgreSQL: the pairs of an update's ratings, before and after, when a column the latest
#: depends on changed (an erasure's blanked note changes none).
PG_UPDATED_PAIRS = """
    SELECT o.person_id, o.skill_id FROM old_ratings o FULL JOIN new_ratings n ON n.id = o.id
     WHERE (o.person_id, o.skill_id, o.source, o.level, o.created_at, o.interest)
           IS DISTINCT FROM (n.person_id, n.skill_id, n.source, n.level, n.created_at, n.interest)
       AND o.id IS NOT NULL
    UNION
    SELECT n.person_id, n.skill_id FROM old_ratings o FULL JOIN new_ratings n ON n.id = o.id
     WHERE (o.person_id, o.skill_id, o.source, o.level, o.created_at, o.interest)
           IS DISTINCT FROM (n.person_id, n.skill_id, n.source, n.level, n.created_at, n.interest)
       AND n.id IS NOT NULL"""
#: The pairs of the deleted ratings (all locked), and of those the pairs whose stored newest
#: rating went (read again): decided after the locks, in a later statement, which sees what
#: a concurrent writer of the pair committed (its newest may be a rating deleted here).
PG_DELETED_ALL_PAIRS = "SELECT DISTINCT person_id, skill_id FROM old_ratings"
PG_DELETED_PAIRS = f"""
    SELECT DISTINCT o.person_id, o.skill_id
      FROM old_ratings o JOIN {TABLE} l ON l.person_id = o.person_id AND l.skill_id = o.skill_id
     WHERE o.id = l.self_rating_id OR o.id = l.manager_rating_id"""


def _pg_lock_rows(pairs: str) -> str:
    """Lock the rows of ``pairs``, in (person, skill) order (the insert trigger's order, so
    writers wait for each other rather than deadlock); a concurrent writer's uncommitted
    change of a row is waited for."""
    return f"""
    PERFORM 1 FROM {TABLE} l JOIN ({pairs}) p
        ON l.person_id = p.person_id AND l.skill_id = p.skill_id
     ORDER BY l.person_id, l.skill_id FOR UPDATE OF l;"""


def _pg_lock_or_hold_rows(pairs: str) -> str:
    """Lock the rows of ``pairs`` in one ordered pass, inserting an empty row for a pair with
    none (the recompute fills or deletes it): a pair a rating moves into has a row to lock,
    and a concurrent first insert of that pair is waited for (its uncommitted row conflicts)
    instead of being overwritten. ``DO UPDATE … WHERE false`` locks the existing rows without
    writing them."""
    return f"""
    INSERT INTO {TABLE} (person_id, skill_id)
    SELECT p.person_id, p.skill_id FROM ({pairs}) p ORDER BY p.person_id, p.skill_id
    ON CONFLICT (person_id, skill_id) DO UPDATE SET person_id = excluded.person_id WHERE false;"""


def _pg_recompute(pairs: str) -> str:
    """Read the rows of ``pairs`` again from the ratings (index lookups): rewritten, or deleted
    when the pair has no rating left. Their rows are locked by an earlier statement of the
    function, so this one (a fresh snapshot) sees every committed rating of the pairs and no
    other writer changes them before this transaction ends. One statement: the pairs are read
    once, before either change, and the two changes touch different rows."""
    return f"""
    WITH pairs AS ({pairs}),
    fresh AS (
        SELECT p.person_id, p.skill_id,
               MAX(CASE WHEN x.source = 'self' THEN x.level END) AS self_level,
               MAX(CASE WHEN x.source = 'self' THEN x.created_at END) AS self_at,
               MAX(CASE WHEN x.source = 'self' THEN x.id END) AS self_rating_id,
               MAX(CASE WHEN x.source = 'self' THEN x.interest END) AS interest,
               MAX(CASE WHEN x.source = 'manager' THEN x.level END) AS manager_level,
               MAX(CASE WHEN x.source = 'manager' THEN x.created_at END) AS manager_at,
               MAX(CASE WHEN x.source = 'manager' THEN x.id END) AS manager_rating_id
          FROM pairs p LEFT JOIN LATERAL (
            SELECT DISTINCT ON (r.source) r.source, r.level, r.created_at, r.interest, r.id
              FROM {RATINGS} r
             WHERE r.person_id = p.person_id AND r.skill_id = p.skill_id
             ORDER BY r.source, r.created_at DESC, r.id DESC) x ON TRUE
         GROUP BY p.person_id, p.skill_id
    ),
    gone AS (
        DELETE FROM {TABLE} l USING fresh f
         WHERE l.person_id = f.person_id AND l.skill_id = f.skill_id
           AND f.self_rating_id IS NULL AND f.manager_rating_id IS NULL
    )
    INSERT INTO {TABLE} ({COLUMNS})
    SELECT {COLUMNS} FROM fresh
     WHERE self_rating_id IS NOT NULL OR manager_rating_id IS NOT NULL
     ORDER BY person_id, skill_id
    ON CONFLICT (person_id, skill_id) DO UPDATE SET
        {", ".join(f"{c} = excluded.{c}" for c in COLUMNS.split(", ")[2:])};"""


POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION {PREFIX}_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} ({COLUMNS})
    {newest_sql("new_ratings")}
    {UPSERT};
    RETURN NULL;
END
$$""",
    f"""CREATE OR REPLACE FUNCTION {PREFIX}_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_pg_lock_or_hold_rows(PG_UPDATED_PAIRS)}
    {_pg_recompute(PG_UPDATED_PAIRS)}
    RETURN NULL;
END
$$""",
    f"""CREATE OR REPLACE FUNCTION {PREFIX}_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_pg_lock_rows(PG_DELETED_ALL_PAIRS)}
    {_pg_recompute(PG_DELETED_PAIRS)}
    RETURN NULL;
END
$$""",
    f"""CREATE OR REPLACE FUNCTION {PREFIX}_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE};
    RETURN NULL;
END
$$""",
    f"CREATE OR REPLACE TRIGGER {PREFIX}_inserted AFTER INSERT ON {RATINGS} "
    f"REFERENCING NEW TABLE AS new_ratings FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}_inserted()",
    f"CREATE OR REPLACE TRIGGER {PREFIX}_updated AFTER UPDATE ON {RATINGS} "
    "REFERENCING OLD TABLE AS old_ratings NEW TABLE AS new_ratings "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}_updated()",
    f"CREATE OR REPLACE TRIGGER {PREFIX}_deleted AFTER DELETE ON {RATINGS} "
    f"REFERENCING OLD TABLE AS old_ratings FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}_deleted()",
    f"CREATE OR REPLACE TRIGGER {PREFIX}_truncated AFTER TRUNCATE ON {RATINGS} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}_truncated()",
]
OPERATIONS = ("inserted", "updated", "deleted", "truncated")
POSTGRES_REVERSE = [
    f"DROP TRIGGER IF EXISTS {PREFIX}_{operation} ON {RATINGS}" for operation in OPERATIONS
] + [f"DROP FUNCTION IF EXISTS {PREFIX}_{operation}()" for operation in OPERATIONS]
#: Room on each page for the rows' next versions: a rating rewrites its pair's row, and with
#: the pages full every update moved the row to another page and added an index entry. At
#: 70 % the update stays on the page (HOT): the 164-rating insert of a self-assessment's
#: ``bulk_create`` cost 6.0 ms more with the trigger than without, 1.4 ms at 70 % (bench copy,
#: alternated phases); the table takes 62 MB instead of 48 at 400,000 pairs.
FILLFACTOR = f"ALTER TABLE {TABLE} SET (fillfactor = 70)"
#: Every (person, skill) of the ratings, read in the order of the ``rating_latest_lookup``
#: index (an index-only scan, no sort). bench/multiply.py runs it for the people it copies.
POSTGRES_BACKFILL = f"INSERT INTO {TABLE} ({COLUMNS})\n{newest_sql(RATINGS)}"


def _sqlite_recompute(key: str) -> str:
    """SQLite: the row of ``key``'s (person, skill) (``OLD`` or ``NEW``) read again."""
    return f"""
    DELETE FROM {TABLE} WHERE person_id = {key}.person_id AND skill_id = {key}.skill_id;
    INSERT INTO {TABLE} ({COLUMNS})
    SELECT {PIVOT}
      FROM (SELECT r.*, ROW_NUMBER() OVER (
                PARTITION BY r.source ORDER BY r.created_at DESC, r.id DESC) AS rn
              FROM {RATINGS} r
             WHERE r.person_id = {key}.person_id AND r.skill_id = {key}.skill_id) x
     WHERE x.rn = 1
     GROUP BY x.person_id, x.skill_id;"""


SQLITE_INSERT_VALUES = ", ".join(
    (
        "NEW.person_id",
        "NEW.skill_id",
        *(
            f"CASE WHEN NEW.source = 'self' THEN NEW.{column} END"
            for column in ("level", "created_at", "id", "interest")
        ),
        *(
            f"CASE WHEN NEW.source = 'manager' THEN NEW.{column} END"
            for column in ("level", "created_at", "id")
        ),
    )
)
SQLITE_CHANGED = (
    "OLD.id IS NOT NEW.id OR OLD.person_id IS NOT NEW.person_id "
    "OR OLD.skill_id IS NOT NEW.skill_id OR OLD.source IS NOT NEW.source "
    "OR OLD.level IS NOT NEW.level OR OLD.created_at IS NOT NEW.created_at "
    "OR OLD.interest IS NOT NEW.interest"
)
SQLITE_WAS_NEWEST = (
    f"EXISTS (SELECT 1 FROM {TABLE} WHERE person_id = OLD.person_id AND skill_id = OLD.skill_id "
    "AND OLD.id IN (self_rating_id, manager_rating_id))"
)
SQLITE_TRIGGERS = {
    f"{PREFIX}_inserted": f"AFTER INSERT ON {RATINGS} BEGIN "
    f"INSERT INTO {TABLE} ({COLUMNS}) VALUES ({SQLITE_INSERT_VALUES}) {UPSERT}; END",
    f"{PREFIX}_updated": f"AFTER UPDATE ON {RATINGS} WHEN {SQLITE_CHANGED} BEGIN "
    f"{_sqlite_recompute('OLD')} {_sqlite_recompute('NEW')} END",
    f"{PREFIX}_deleted": f"AFTER DELETE ON {RATINGS} WHEN {SQLITE_WAS_NEWEST} BEGIN "
    f"{_sqlite_recompute('OLD')} END",
}
SQLITE = [
    statement
    for name, body in SQLITE_TRIGGERS.items()
    for statement in (f"DROP TRIGGER IF EXISTS {name}", f"CREATE TRIGGER {name} {body}")
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
SQLITE_BACKFILL = f"""INSERT INTO {TABLE} ({COLUMNS})
SELECT {PIVOT}
  FROM (SELECT r.*, ROW_NUMBER() OVER (
            PARTITION BY r.person_id, r.skill_id, r.source ORDER BY r.created_at DESC, r.id DESC
        ) AS rn
          FROM {RATINGS} r) x
 WHERE x.rn = 1
 GROUP BY x.person_id, x.skill_id"""


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0018_reminder_claims_index_hot_updates"),
        ("readiness", "0014_certification_expiring_event_label"),
    ]

    operations = [
        migrations.CreateModel(
            name="LatestRating",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "person",
                        "skill",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("self_level", models.PositiveSmallIntegerField(null=True)),
                ("self_at", models.DateTimeField(null=True)),
                ("self_rating_id", models.BigIntegerField(null=True)),
                ("interest", models.PositiveSmallIntegerField(null=True)),
                ("manager_level", models.PositiveSmallIntegerField(null=True)),
                ("manager_at", models.DateTimeField(null=True)),
                ("manager_rating_id", models.BigIntegerField(null=True)),
                (
                    "person",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="readiness.person",
                    ),
                ),
                (
                    "skill",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="readiness.skill",
                    ),
                ),
            ],
            options={
                "default_permissions": (),
            },
        ),
        # Triggers first, then the backfill, in the migration's transaction: a rating written
        # meanwhile waits for it (or is seen by it), and none is missed.
        VendorRunSQL(
            "postgresql",
            [*POSTGRES, FILLFACTOR, POSTGRES_BACKFILL, f"ANALYZE {TABLE}"],
            POSTGRES_REVERSE,
        ),
        VendorRunSQL("sqlite", [*SQLITE, SQLITE_BACKFILL], SQLITE_REVERSE),
    ]
