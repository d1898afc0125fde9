"""The data-version triggers of ``catalog_certification`` again, on SQLite only.

SQLite cannot add a column with a default in place: ``0006_certification_counts_as_rating``
rebuilt the table (copy, drop, rename), and its row triggers (readiness 0011) went with the
old table, so writes to certifications stopped moving the data version on SQLite (PostgreSQL
keeps triggers across ``ALTER TABLE``). Any later migration that rebuilds a tracked table on
SQLite needs the same step; tests/readiness/test_caching.py finds a table without them.
"""

import importlib

from django.db import migrations

from readiness.migration_operations import VendorRunSQL

TABLE = "catalog_certification"
_triggers = importlib.import_module("readiness.migrations.0011_data_version_triggers")
NAMES = [
    (name, operation) for name, operation, table in _triggers.SQLITE_TRIGGERS if table == TABLE
]
SQLITE = [
    statement
    for name, operation in NAMES
    for statement in (
        f"DROP TRIGGER IF EXISTS {name}",
        f'CREATE TRIGGER {name} AFTER {operation} ON "{TABLE}" BEGIN {_triggers.SQLITE_BODY}END',
    )
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_certification_counts_as_rating"),
        ("readiness", "0011_data_version_triggers"),
    ]

    # Backwards: nothing to undo (0006 going back rebuilds the table again).
    operations = [VendorRunSQL("sqlite", SQLITE, migrations.RunSQL.noop)]
