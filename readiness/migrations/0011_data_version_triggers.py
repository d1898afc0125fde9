"""The data-version triggers (readiness/data_version.py), as SQL a migration shows: every table
that moves the data version gets them, per database (PostgreSQL: one statement-level trigger
per table and the function it runs; SQLite: one row-level trigger per table and operation).

Before this migration a ``post_migrate`` receiver (re)installed them after every ``migrate``;
this one creates them the same way (``CREATE OR REPLACE`` / ``DROP … IF EXISTS``), so it runs
on a database that has them already. A model added later that should move the data version
needs a migration adding its table's triggers like this one
(tests/readiness/test_caching.py checks that every tracked table has them).
"""

from django.db import migrations

from readiness.migration_operations import VendorRunSQL

TABLE = "readiness_datachange"
TRIGGER = "readiness_data_changed"

#: readiness.data_version.tracked_tables() as of this migration.
TRACKED = (
    "assessments_assessmentcycle", "assessments_assessmentcycle_audiences",
    "assessments_assessmentcycle_teams", "assessments_assessmentsubmission",
    "assessments_cycleparticipation", "assessments_learningplanitem",
    "assessments_personcertification", "assessments_readinesssnapshot",
    "assessments_skillrating", "assessments_transcriptlink", "assessments_transcriptsync",
    "assessments_verifiedcompletion",
    "auth_group", "auth_group_permissions", "auth_user", "auth_user_groups",
    "auth_user_user_permissions",
    "catalog_certification", "catalog_certificationskill", "catalog_provider",
    "catalog_resourceskill", "catalog_skillmappingrule", "catalog_trainingresource",
    "catalog_trainingresource_audiences",
    "readiness_audience", "readiness_audiencerequirement", "readiness_concern",
    "readiness_gapremedy", "readiness_person", "readiness_plangoal", "readiness_planpartner",
    "readiness_readinessplan", "readiness_role", "readiness_rolerequirement", "readiness_skill",
    "readiness_skillcategory", "readiness_team", "readiness_team_managers",
    "readiness_webhookendpoint",
)
#: The update of which columns counts: on ``auth_user``, every column but ``last_login``
#: (written at every sign-in, shown on no kept page).
UPDATE_OF = {
    "auth_user": ("id", "password", "is_superuser", "username", "first_name", "last_name",
                  "email", "is_staff", "is_active", "date_joined"),
}


def _update(table: str) -> str:
    columns = UPDATE_OF.get(table)
    return "UPDATE OF " + ", ".join(f'"{c}"' for c in columns) if columns else "UPDATE"


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (weight, xid) VALUES (1, pg_current_xact_id()::text::bigint)
    ON CONFLICT (xid) DO NOTHING;
    RETURN NULL;
END
$$
"""
POSTGRES = [POSTGRES_FUNCTION] + [
    f'CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR {_update(table)} OR DELETE OR TRUNCATE '
    f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()'
    for table in TRACKED
]
POSTGRES_REVERSE = [f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"' for table in TRACKED] + [
    f"DROP FUNCTION IF EXISTS {TRIGGER}()"
]

# One writer at a time: a row-level trigger adds one to the weight of the last row.
SQLITE_BODY = (
    f"INSERT INTO {TABLE} (weight) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {TABLE}); "
    f"UPDATE {TABLE} SET weight = weight + 1 WHERE id = (SELECT MAX(id) FROM {TABLE}); "
)
SQLITE_TRIGGERS = [
    (f"{TRIGGER}_{table}_{operation.split()[0].lower()}", operation, table)
    for table in TRACKED
    for operation in ("INSERT", _update(table), "DELETE")
]
SQLITE = [
    statement
    for name, operation, table in SQLITE_TRIGGERS
    for statement in (
        f"DROP TRIGGER IF EXISTS {name}",
        f'CREATE TRIGGER {name} AFTER {operation} ON "{table}" BEGIN {SQLITE_BODY}END',
    )
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {name}" for name, _, _ in SQLITE_TRIGGERS]


class Migration(migrations.Migration):

    # Every tracked table exists: the last migration of each tracked app.
    dependencies = [
        ("readiness", "0010_external_ids_scim_right_unknown_start_date"),
        ("assessments", "0011_plan_item_updated_at"),
        ("catalog", "0005_certification_catalog"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        VendorRunSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
    ]
