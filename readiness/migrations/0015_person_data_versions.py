"""Person data versions (readiness/data_version.py): the tables of a person's own rows move
that person's version (``readiness_personchange``) instead of the global one, so that a rating
saved rebuilds its person's pages and their team's map, not everyone's.

PostgreSQL: per table three statement-level triggers (insert, update, delete), each reading its
transition tables for the people written, one row per (person, transaction) (``ON CONFLICT DO
NOTHING``: writers never wait on each other); the global trigger stays for ``TRUNCATE`` only.
SQLite: the global row triggers are replaced by row triggers counting in each person's row.
Reversed, the global triggers come back as migration 0011 made them.
"""

import importlib

from django.db import migrations, models

from readiness.migration_operations import VendorRunSQL

_triggers = importlib.import_module("readiness.migrations.0011_data_version_triggers")
TRIGGER = _triggers.TRIGGER
PERSON_TABLE = "readiness_personchange"
PERSON_TRIGGER = "readiness_person_changed"
#: readiness.data_version.person_tables() as of this migration.
PERSON_TABLES = (
    "assessments_assessmentsubmission", "assessments_badgeaward",
    "assessments_cycleparticipation", "assessments_learningplanitem",
    "assessments_personcertification", "assessments_skillrating",
    "assessments_transcriptlink", "assessments_verifiedcompletion",
)
_XID = "pg_current_xact_id()::text::bigint"
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {PERSON_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {PERSON_TABLE} (person_id, weight, xid)
        SELECT DISTINCT person_id, 1, {_XID} FROM new_rows ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {PERSON_TABLE} (person_id, weight, xid)
        SELECT DISTINCT person_id, 1, {_XID} FROM old_rows ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO {PERSON_TABLE} (person_id, weight, xid)
        SELECT person_id, 1, {_XID} FROM old_rows
        UNION SELECT person_id, 1, {_XID} FROM new_rows ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$
"""
_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}
POSTGRES = [POSTGRES_FUNCTION] + [
    statement
    for table in PERSON_TABLES
    for statement in (
        f'CREATE OR REPLACE TRIGGER {TRIGGER} AFTER TRUNCATE ON "{table}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
        *(
            f'CREATE OR REPLACE TRIGGER {PERSON_TRIGGER}_{op} AFTER {op.upper()} ON "{table}" '
            f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION {PERSON_TRIGGER}()"
            for op, referencing in _REFERENCING.items()
        ),
    )
]
POSTGRES_REVERSE = [
    statement
    for table in PERSON_TABLES
    for statement in (
        *(f'DROP TRIGGER IF EXISTS {PERSON_TRIGGER}_{op} ON "{table}"' for op in _REFERENCING),
        f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()',
    )
] + [f"DROP FUNCTION IF EXISTS {PERSON_TRIGGER}()"]


def _sqlite_count(row: str) -> str:
    # One writer at a time: one counting row per person (xid 0).
    return (
        f"INSERT INTO {PERSON_TABLE} (person_id, weight, xid) VALUES ({row}.person_id, 1, 0) "
        "ON CONFLICT (person_id, xid) DO UPDATE SET weight = weight + 1; "
    )


_SQLITE_ROWS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}
SQLITE = [
    statement
    for table in PERSON_TABLES
    for op, rows in _SQLITE_ROWS.items()
    for statement in (
        f"DROP TRIGGER IF EXISTS {TRIGGER}_{table}_{op}",
        f"DROP TRIGGER IF EXISTS {PERSON_TRIGGER}_{table}_{op}",
        f'CREATE TRIGGER {PERSON_TRIGGER}_{table}_{op} AFTER {op.upper()} ON "{table}" BEGIN '
        + "".join(_sqlite_count(row) for row in rows)
        + "END",
    )
]
SQLITE_REVERSE = [
    statement
    for table in PERSON_TABLES
    for op in _SQLITE_ROWS
    for statement in (
        f"DROP TRIGGER IF EXISTS {PERSON_TRIGGER}_{table}_{op}",
        f'CREATE TRIGGER {TRIGGER}_{table}_{op} AFTER {op.upper()} ON "{table}" '
        f"BEGIN {_triggers.SQLITE_BODY}END",
    )
]


class Migration(migrations.Migration):

    dependencies = [
        ('readiness', '0014_certification_expiring_event_label'),
        # Every person table exists with its global triggers.
        ('assessments', '0018_reminder_claims_index_hot_updates'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('person_id', models.BigIntegerField()),
                ('weight', models.PositiveBigIntegerField(default=1)),
                ('xid', models.BigIntegerField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'person data change',
                'default_permissions': (),
                'constraints': [models.UniqueConstraint(fields=('person_id', 'xid'), name='readiness_personchange_person_xid')],
            },
        ),
        VendorRunSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
    ]
