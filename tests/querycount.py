"""Query-count pins of the pages kept by ``readiness.caching``.

On PostgreSQL such a page first reads the data version: one query more. Inside a test's
transaction (which has written its fixtures) nothing is served from the cache, so the rest
of the page is built as on SQLite.
"""

from django.db import connection


def cached_page(queries: int) -> int:
    """``queries`` of a cached page built from scratch, plus the version read on PostgreSQL."""
    return queries + (connection.vendor == "postgresql")
