"""(6) the Learn import, first and again unchanged, against a bare ``executemany`` of the same
rows."""

from __future__ import annotations

import json
import statistics
import time

from bench.common import _Rollback, counted_queries, median_of, row, vacuum

CATALOG_TABLES = (
    "catalog_provider",
    "catalog_trainingresource",
    "catalog_trainingresource_audiences",
    "catalog_resourceskill",
)


def import_rows(runs: int, size: int = 5000) -> list[dict]:
    from django.db import connection, transaction

    from catalog.learn.importer import learn_items_import
    from catalog.learn.parse import legacy_collections, load_json, parse_items
    from catalog.learn.plan import IMPORTED_FIELDS
    from catalog.models import ResourceSource
    from tests.catalog.learn.test_importer import generated_catalog

    data = generated_catalog(size)
    parsed = parse_items(list(legacy_collections(load_json(data))))

    def once() -> dict:
        outcome: dict = {}
        try:
            with transaction.atomic():
                started = time.perf_counter()
                first = learn_items_import(parsed=parsed, source=ResourceSource.LEARN_CATALOG)
                outcome["first_ms"] = (time.perf_counter() - started) * 1000
                outcome["created"] = first.created
                started = time.perf_counter()
                with counted_queries() as queries:
                    again = learn_items_import(parsed=parsed, source=ResourceSource.LEARN_CATALOG)
                outcome["again_ms"] = (time.perf_counter() - started) * 1000
                outcome["again_unchanged"] = again.unchanged
                outcome["again_writes"] = sum(
                    1
                    for sql in queries
                    if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                )
                outcome["queries"] = len(queries)
                raise _Rollback
        except _Rollback:
            pass
        vacuum(*CATALOG_TABLES)
        return outcome

    columns = list(IMPORTED_FIELDS)

    def floor() -> None:
        rows = []
        for item in parsed.items:
            values = []
            for name in columns:
                value = getattr(item, name)
                values.append(json.dumps(value) if isinstance(value, list) else value)
            rows.append((item.uid, *values))
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE bench_scratch ON COMMIT DROP AS SELECT external_uid, "
                    + ", ".join(columns)
                    + " FROM catalog_trainingresource WITH NO DATA"
                )
                cursor.executemany(
                    "INSERT INTO bench_scratch VALUES (" + ", ".join(["%s"] * len(rows[0])) + ")",
                    rows,
                )
                raise _Rollback
        except _Rollback:
            pass

    floor_ms, _ = median_of(runs, floor)
    outcomes = [once() for _ in range(runs)]
    first_ms = statistics.median(o["first_ms"] for o in outcomes)
    again_ms = statistics.median(o["again_ms"] for o in outcomes)
    last = outcomes[-1]
    return [
        row(
            f"(6) Learn import, {len(parsed.items)} items",
            first_ms,
            floor_ms,
            3.0,
            created=last["created"],
        ),
        row(
            "(6) re-import unchanged",
            again_ms,
            floor_ms,
            3.0,
            unchanged=last["again_unchanged"],
            writes=last["again_writes"],
            queries=last["queries"],
        ),
    ]
