"""The test suite's PostgreSQL backend (readiness.settings.test): Django's, except that the
flush ending each transactional test (live server, Celery worker, SCIM compliance run)
empties the tables with ``DELETE`` in one transaction instead of one ``TRUNCATE``.

``TRUNCATE`` gives each of the ~75 tables and their indexes new files: 2-5 s a flush here,
against 0.2 s for deleting the few rows a test wrote. The result is the same: every table
empty, sequences not reset (as the flush does unless a test asks), the foreign keys checked
at commit (Django makes them ``DEFERRABLE INITIALLY DEFERRED``), and the data version's
statement triggers fired (on ``DELETE`` as on ``TRUNCATE``): its table is emptied first, so it
ends with the one row of the flush's transaction, as after a ``TRUNCATE``. A flush that resets
sequences or cascades is Django's own."""

from __future__ import annotations

from django.db.backends.postgresql import base
from django.db.backends.postgresql.operations import DatabaseOperations as Operations

from readiness.data_version import TABLE as DATA_CHANGES


class DatabaseOperations(Operations):
    def sql_flush(  # type: ignore[no-untyped-def]
        self, style, tables, *, reset_sequences=False, allow_cascade=False
    ) -> list[str]:
        if reset_sequences or allow_cascade or not tables:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        ordered = sorted(tables, key=lambda table: table != DATA_CHANGES)
        return [
            "SET CONSTRAINTS ALL DEFERRED",
            *(
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}"
                for table in ordered
            ),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
