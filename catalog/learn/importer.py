"""Import Learn items in a constant number of statements: plan (``catalog.learn.plan``), then apply.

The rules (issue 5, DESIGN "Microsoft Learn"):
- upsert by uid (an existing resource with the same canonical URL and no uid is adopted);
- an item missing upstream is retired — hidden from recommendations, never deleted — but
  only among the kinds the input covered, and never when a curator decided its state;
- a curator's edits survive: fields listed in ``curated_fields`` are never overwritten,
  audiences and notes are never written, links a curator made are never touched, and a
  resource whose skills a curator edited gets no rule links at all;
- mapping rules attach skills; a learning path also builds what its modules build;
- importing the same input twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog.learn import bulk
from catalog.learn.mapping import compiled_rules, rule_links
from catalog.learn.parse import LearnItem, ParsedCatalog
from catalog.learn.plan import (
    BOOKKEEPING_FIELDS,
    IMPORTED_FIELDS,
    LINK_FIELDS,
    ImportPlan,
    ImportSummary,
    link_changes,
    links_by_resource,
    plan_import,
)
from catalog.models import OUTCOME_LIMIT, LinkOrigin, Provider, ResourceSkill, TrainingResource
from readiness.history import history_snapshot

LEARN_PROVIDER_SLUG = "microsoft-learn"


def learn_items_import(
    *,
    parsed: ParsedCatalog,
    source: str,
    retire_missing: bool = True,
    retire_only: Collection[int] | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    user: Any = None,
) -> ImportSummary:
    """Upsert ``parsed`` into the catalog in one transaction and return what happened.

    ``dry_run`` computes the very same summary and writes nothing. ``retire_only`` limits
    the retirements to these resource ids (the ones a curator confirmed after a dry run).
    Every write leaves audit history "via Learn import" by ``user``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        provider = _learn_provider(dry_run=dry_run)
        plan, summary = plan_import(
            parsed=parsed,
            source=source,
            provider=provider,
            retire_missing=retire_missing,
            retire_only=retire_only,
            now=now,
        )
        summary.dry_run = dry_run
        new_ids: dict[str, int] = {}
        if not dry_run:
            new_ids = _apply(plan, now=now, user=user, reason=LEARN_IMPORT_REASON)
        summary.outcomes = _outcomes(plan, new_ids)
    return summary


#: The change reason of the audit history an import writes.
LEARN_IMPORT_REASON = "via Learn import"
RULES_REASON = "via mapping rules"


def _outcomes(plan: ImportPlan, new_ids: dict[str, int]) -> dict[str, Any]:
    """The plan's items by title, each list cut at ``OUTCOME_LIMIT``; every id to retire."""

    def entries(rows: list[tuple[str | int, str, str]]) -> list[dict[str, Any]]:
        return [
            {"id": new_ids.get(key) if isinstance(key, str) else key, "title": title, "url": url}
            for key, title, url in rows[:OUTCOME_LIMIT]
        ]

    return {
        "created": entries(plan.created),
        "updated": entries(plan.updated),
        "retired": entries(plan.retired),
        "unmapped": entries(plan.unmapped),
        "retire_ids": list(plan.retire_ids),
    }


def _learn_provider(*, dry_run: bool) -> Provider:
    provider = Provider.objects.filter(slug=LEARN_PROVIDER_SLUG).first()
    if provider is None:
        provider = Provider(
            name="Microsoft Learn",
            slug=LEARN_PROVIDER_SLUG,
            url="https://learn.microsoft.com",
            preference=20,
        )
        if not dry_run:
            provider.full_clean()
            provider.save()
    return provider


def _apply(plan: ImportPlan, *, now: dt.datetime, user: Any = None, reason: str) -> dict[str, int]:
    """Write the plan and its audit history: a fixed number of statements, however many
    items. Returns the ids of the created resources by uid."""
    create_fields = [
        *IMPORTED_FIELDS,
        "provider",
        "external_uid",
        "source",
        "is_active",
        "retired_at",
        "curator_notes",
        "curated_fields",
        "created_at",
        "updated_at",
    ]
    new_ids: dict[str, int] = dict(
        bulk.insert_rows(
            TrainingResource, create_fields, plan.creates, returning=["external_uid", "id"]
        )
    )
    bulk.update_rows(TrainingResource, [*IMPORTED_FIELDS, *BOOKKEEPING_FIELDS], plan.updates)
    if plan.retire_ids:
        TrainingResource.objects.filter(pk__in=plan.retire_ids).update(
            is_active=False, retired_at=now, updated_at=now
        )
    history = {"user": user, "reason": reason, "when": now}
    history_snapshot(TrainingResource, list(new_ids.values()), history_type="+", **history)
    history_snapshot(
        TrainingResource,
        [row["id"] for row in plan.updates] + plan.retire_ids,
        history_type="~",
        **history,
    )
    if plan.link_delete_ids:
        # The deleted links' last state, before they go.
        history_snapshot(ResourceSkill, plan.link_delete_ids, history_type="-", **history)
        ResourceSkill.objects.filter(pk__in=plan.link_delete_ids).delete()
    bulk.update_rows(ResourceSkill, ["level"], plan.link_updates)
    history_snapshot(
        ResourceSkill, [row["id"] for row in plan.link_updates], history_type="~", **history
    )
    created_links = bulk.insert_rows(
        ResourceSkill,
        ["resource", "skill", "level", "origin"],
        [
            {
                "resource_id": new_ids[key] if isinstance(key, str) else key,
                "skill_id": skill_id,
                "level": level,
                "origin": LinkOrigin.RULE,
            }
            for key, skill_id, level in plan.link_creates
        ],
        returning=["id"],
    )
    history_snapshot(ResourceSkill, [row[0] for row in created_links], history_type="+", **history)
    return new_ids


def rules_apply_to_catalog(
    *, resources: Iterable[TrainingResource] | None = None, user: Any = None
) -> int:
    """Re-run the mapping rules over imported resources already in the catalog (no fetch).

    Returns how many resources gained or lost rule links. Used after a curator adds a rule.
    """
    queryset = TrainingResource.objects.filter(external_uid__isnull=False, is_active=True)
    resources = list(resources if resources is not None else queryset)
    items = [_as_item(resource) for resource in resources]
    wanted = rule_links(items, compiled_rules())
    plan = ImportPlan()
    links = links_by_resource(
        ResourceSkill.objects.filter(resource__in=queryset).order_by().values_list(*LINK_FIELDS)
    )
    touched = 0
    for resource, item in zip(resources, items, strict=True):
        changed, _ = link_changes(
            resource, wanted.get(item.uid, {}), links.get(resource.pk, []), plan
        )
        touched += changed
    with transaction.atomic():
        _apply(plan, now=timezone.now(), user=user, reason=RULES_REASON)
    return touched


def _as_item(resource: TrainingResource) -> LearnItem:
    return LearnItem(
        uid=resource.external_uid or f"#{resource.pk}",
        kind=resource.kind,
        title=resource.title,
        url=resource.url,
        level=resource.level,
        learn_levels=resource.learn_levels,
        learn_roles=resource.learn_roles,
        learn_products=resource.learn_products,
        learn_subjects=resource.learn_subjects,
        children_uids=resource.children_uids,
    )
