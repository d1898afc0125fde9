"""Walking a large queryset in batches, one query per batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Any

from django.db.models import QuerySet


def in_batches(
    queryset: QuerySet, *, size: int, pk_of: Callable[[Any], int] = attrgetter("pk")
) -> Iterator[list]:
    """The rows of ``queryset`` (which must be ordered by primary key) in lists of ``size``.

    Keyset paging (``pk > last``, no OFFSET): each batch costs one indexed query, and rows
    added while walking never shift a batch."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:size])
        if batch:
            yield batch
        if len(batch) < size:
            return
        last = pk_of(batch[-1])
