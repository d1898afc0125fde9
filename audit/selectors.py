"""Reads of the audit trail: the history tables of the tracked models and the admin's log."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from simple_history.utils import get_history_model_for_model

from audit.models import TRACKED

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
ADMIN_LOG = "admin-log"
_ADMIN_ACTIONS = {ADDITION: "+", CHANGE: "~", DELETION: "-"}


@dataclass(frozen=True)
class AuditEntry:
    when: dt.datetime
    who: str
    kind: str
    action: str
    what: str
    detail: str = ""


def audit_kinds() -> dict[str, type[Model]]:
    """Filter value → tracked model, in the order the filter lists them."""
    models: list[type[Model]] = [*TRACKED, Group, get_user_model()]
    return {m._meta.label_lower: m for m in models}


def _label(row: Model, model: type[Model]) -> str:
    for name in ("name", "title", "username"):
        if hasattr(row, name):
            return str(getattr(row, name))
    # Rows named by what they join (a requirement, a link, a rule): the related objects'
    # names were fetched with the row.
    related = [
        str(getattr(row, f.name))
        for f in get_history_model_for_model(model)._meta.fields
        if f.is_relation and f.name != "history_user" and getattr(row, f.name + "_id", None)
    ]
    return " · ".join(related) or f"#{row.pk}"


def _filtered(
    rows: QuerySet,
    *,
    user: str,
    moment: str,
    username: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> QuerySet:
    if username:
        rows = rows.filter(**{f"{user}__username__icontains": username})
    if since:
        rows = rows.filter(**{f"{moment}__date__gte": since})
    if until:
        rows = rows.filter(**{f"{moment}__date__lte": until})
    return rows


def audit_entries(
    *,
    kind: str | None = None,
    username: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    action: str | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The latest ``limit`` changes matching the filters, newest first; one query per
    tracked model (and one for the admin log)."""
    entries: list[AuditEntry] = []
    for label, model in audit_kinds().items():
        if not kind or kind == label:
            entries += _history_entries(
                model, username=username, since=since, until=until, action=action, limit=limit
            )
    if not kind or kind == ADMIN_LOG:
        entries += _admin_log_entries(
            username=username, since=since, until=until, action=action, limit=limit
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _history_entries(
    model: type[Model],
    *,
    username: str | None,
    since: dt.date | None,
    until: dt.date | None,
    action: str | None,
    limit: int,
) -> list[AuditEntry]:
    """The latest ``limit`` matching changes of one tracked model (one query)."""
    entries: list[AuditEntry] = []
    history = get_history_model_for_model(model)
    relations = [f.name for f in history._meta.fields if f.is_relation and f.name != "history_user"]
    rows = _filtered(
        history.objects.select_related("history_user", *relations).order_by("-history_date"),
        user="history_user",
        moment="history_date",
        username=username,
        since=since,
        until=until,
    )
    if action in ACTIONS:
        rows = rows.filter(history_type=action)
    for row in rows[:limit]:
        entries.append(
            AuditEntry(
                when=row.history_date,
                who=row.history_user.get_username() if row.history_user else "system",
                kind=str(model._meta.verbose_name),
                action=ACTIONS.get(row.history_type, row.history_type),
                what=_label(row, model),
                detail=row.history_change_reason or "",
            )
        )
    return entries


def _admin_log_entries(
    *,
    username: str | None,
    since: dt.date | None,
    until: dt.date | None,
    action: str | None,
    limit: int,
) -> list[AuditEntry]:
    """The latest ``limit`` matching entries of the admin log (one query)."""
    entries: list[AuditEntry] = []
    log = _filtered(
        LogEntry.objects.select_related("user", "content_type").order_by("-action_time"),
        user="user",
        moment="action_time",
        username=username,
        since=since,
        until=until,
    )
    if action in ACTIONS:
        log = log.filter(action_flag={v: k for k, v in _ADMIN_ACTIONS.items()}[action])
    for row in log[:limit]:
        name = row.content_type.name if row.content_type else "—"
        entries.append(
            AuditEntry(
                when=row.action_time,
                who=row.user.get_username(),
                # A bulk write (an upsert, an import) says "via …"; the rest is the admin's.
                kind=name if row.change_message.startswith("via ") else f"admin: {name}",
                action=ACTIONS[_ADMIN_ACTIONS.get(row.action_flag, "~")],
                what=row.object_repr,
                detail=row.get_change_message(),
            )
        )
    return entries
