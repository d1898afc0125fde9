"""Migration operations of the project."""

from __future__ import annotations

from django.db import migrations


class VendorRunSQL(migrations.RunSQL):
    """``RunSQL`` applied (and reversed) on one database vendor only, for SQL that differs
    between PostgreSQL and SQLite (the data-version triggers). ``sqlmigrate`` on that vendor
    prints it; on the other, nothing."""

    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs) -> None:  # noqa: ANN001
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self) -> tuple:
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def describe(self) -> str:
        return f"Raw SQL operation ({self.vendor} only)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)
