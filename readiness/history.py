"""Audit history for writes that bypass ``save()`` (imports, upserts, rules applied).

django-simple-history records a version of a tracked object on every ``save()``; bulk writes
skip the signal, so they call ``history_snapshot`` after writing: it copies the rows as they
now are into the history table in one INSERT … SELECT, however many they are, with who did
it and why — the same rows a form edit leaves, shown per object on ``/audit/``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from readiness.typed import column_name


def history_snapshot(
    model: type[models.Model],
    ids: Sequence[int],
    *,
    history_type: str,
    user: Any = None,
    reason: str = "",
    when: dt.datetime | None = None,
) -> None:
    """Record the current state of ``model``'s rows ``ids`` as one history version each.

    ``history_type`` is simple-history's: "+" created, "~" changed, "-" deleted (call it
    before the delete). ``user`` None: the signed-in user of the current request, as on a
    form edit. Does nothing when the model is not tracked or ``ids`` is empty.
    """
    history = getattr(model, "history", None)
    if not ids or history is None:
        return
    history_model = history.model
    quote = connection.ops.quote_name
    tracked = history_model.tracked_fields
    target = [quote(history_model._meta.get_field(f.name).column) for f in tracked]
    source = [f"b.{quote(f.column)}" for f in tracked]
    pk = f"b.{quote(model._meta.pk.column)}"
    ids = [int(i) for i in ids]
    id_param: list[int] | str | None
    if connection.vendor == "postgresql":
        where, id_param = f"{pk} = ANY(%s)", ids  # nosec B608 # quoted model table/column names; values as parameters
    elif connection.vendor == "sqlite":
        where, id_param = f"{pk} IN (SELECT value FROM json_each(%s))", json.dumps(ids)  # nosec B608 # quoted primary key column; ids as a parameter
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite
        where, id_param = f"{pk} IN ({', '.join(str(i) for i in ids)})", None
    if user is None:
        # As simple-history does on save(): the signed-in user of the request, if any.
        request = getattr(HistoricalRecords.context, "request", None)
        user = getattr(request, "user", None)
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    moment = connection.ops.adapt_datetimefield_value(when or timezone.now())
    meta = [
        quote(history_model._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join([*target, *meta])}) "  # noqa: S608  # nosec B608 # quoted model table/column names; values as parameters
        f"SELECT {', '.join(source)}, %s, %s, %s, %s "
        f"FROM {quote(model._meta.db_table)} b WHERE {where}"
    )
    params = [moment, reason[:100] or None, history_type, user_id]
    if id_param is not None:
        params.append(id_param)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def change_log_record(
    model: type[models.Model],
    entries: Sequence[tuple[int, str]],
    *,
    user: Any,
    reason: str,
    action_flag: int,
    when: dt.datetime | None = None,
) -> None:
    """Record bulk writes of a model that keeps no history table (people, teams, ratings) in
    Django's change log, one entry per object — ``entries`` are (id, how the object reads) —
    in one INSERT, however many. ``/audit/`` lists them with ``reason`` as their detail.

    The change log needs a user: without one (a command, a task) nothing is recorded.
    """
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    if not entries or user is None or not getattr(user, "is_authenticated", False):
        return
    content_type = ContentType.objects.get_for_model(model)  # cached after the first call
    quote = connection.ops.quote_name
    meta = LogEntry._meta
    columns = ", ".join(
        quote(column_name(LogEntry, name))
        for name in (
            "action_time",
            "user",
            "content_type",
            "action_flag",
            "change_message",
            "object_id",
            "object_repr",
        )
    )
    repr_max = meta.get_field("object_repr").max_length
    payload = json.dumps([[str(pk), str(text)[:repr_max]] for pk, text in entries])
    if connection.vendor == "postgresql":
        values, source = "r.e->>0, r.e->>1", "jsonb_array_elements(%s::jsonb) AS r(e)"
    else:
        values = "json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]')"
        source = "json_each(%s) AS j"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608 # quoted model table/column names; values as parameters
        f"SELECT %s, %s, %s, %s, %s, {values} FROM {source}"
    )
    moment = connection.ops.adapt_datetimefield_value(when or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [moment, user.pk, content_type.pk, action_flag, reason, payload])
