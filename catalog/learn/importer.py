"""Plan and apply a Learn import in a constant number of statements.

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
from collections import namedtuple
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.learn import bulk
from catalog.learn.parse import DIFFICULTY_LEVELS, LearnItem, ParsedCatalog, Rejection
from catalog.models import (
    OUTCOME_LIMIT,
    LevelRule,
    LinkOrigin,
    MappingField,
    Provider,
    ResourceKind,
    ResourceSkill,
    ResourceSource,
    SkillMappingRule,
    TrainingResource,
)
from readiness.history import history_snapshot

LEARN_PROVIDER_SLUG = "microsoft-learn"
LEARN_SOURCES = (ResourceSource.LEARN_CATALOG, ResourceSource.LEARN_PLATFORM)

#: The fields an import writes (unless a curator owns them).
IMPORTED_FIELDS = [
    "title",
    "url",
    "kind",
    "summary",
    "duration_minutes",
    "level",
    "is_free",
    "locale",
    "upstream_modified_at",
    "learn_levels",
    "learn_roles",
    "learn_products",
    "learn_subjects",
    "children_uids",
]
#: What a curator can own on top: never written by an import once owned.
CURATABLE_FIELDS = [*IMPORTED_FIELDS, "audiences", "skills", "is_active", "curator_notes"]
#: Written on every change (bookkeeping, not content).
BOOKKEEPING_FIELDS = ["source", "external_uid", "is_active", "retired_at", "updated_at"]


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    unmapped: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    dry_run: bool = False
    #: By title: see ``ImportRun.outcomes``.
    outcomes: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def counts(self) -> dict[str, Any]:
        """What ``ImportRun.summary`` keeps: the counts and whether it was a dry run."""
        return {k: v for k, v in self.as_dict().items() if k not in ("rejected", "outcomes")}


# --- Skill mapping -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    skill_id: int
    field: str
    value: str
    level_rule: str
    fixed_level: int | None

    def matches(self, item: LearnItem) -> bool:
        if self.field == MappingField.KEYWORD:
            return self.value in item.title.lower()
        values = {
            MappingField.PRODUCT: item.learn_products,
            MappingField.SUBJECT: item.learn_subjects,
            MappingField.ROLE: item.learn_roles,
        }[self.field]
        return any(v.lower() == self.value for v in values)

    def level_for(self, item: LearnItem) -> int:
        if self.level_rule == LevelRule.FIXED and self.fixed_level:
            return self.fixed_level
        # One above the difficulty: a beginner item brings a learner to Practitioner.
        return min(4, (item.level or DIFFICULTY_LEVELS["beginner"]) + 1)


def compiled_rules() -> list[CompiledRule]:
    """The active mapping rules, ready to match (one query)."""
    return [
        CompiledRule(r.skill_id, r.field, r.value.strip().lower(), r.level_rule, r.fixed_level)
        for r in SkillMappingRule.objects.filter(is_active=True, skill__is_active=True)
    ]


#: The item attribute each non-keyword rule field matches against.
_RULE_VALUES = {
    MappingField.PRODUCT: "learn_products",
    MappingField.SUBJECT: "learn_subjects",
    MappingField.ROLE: "learn_roles",
}


def rule_links(items: Iterable[LearnItem], rules: list[CompiledRule]) -> dict[str, dict[int, int]]:
    """uid → {skill id: level} that the rules attach; a path adds its modules' skills.

    Matches exactly as ``CompiledRule.matches``, but an item's values are lowered once and
    looked up among the rules, rather than each rule scanning every item.
    """
    # (position, rule): matches are applied in the rules' order, as a scan of them would.
    keyword_rules = [(i, rule) for i, rule in enumerate(rules)
                     if rule.field == MappingField.KEYWORD]
    by_value: dict[str, dict[str, list[tuple[int, CompiledRule]]]] = {}
    for i, rule in enumerate(rules):
        if rule.field != MappingField.KEYWORD:
            by_value.setdefault(rule.field, {}).setdefault(rule.value, []).append((i, rule))
    links: dict[str, dict[int, int]] = {}
    items = list(items)
    for item in items:
        matched: list[tuple[int, CompiledRule]] = []
        if keyword_rules:
            title = item.title.lower()
            matched += [pair for pair in keyword_rules if pair[1].value in title]
        for rule_field, rules_by_value in by_value.items():
            for value in {v.lower() for v in getattr(item, _RULE_VALUES[rule_field])}:
                matched += rules_by_value.get(value, ())
        matched.sort(key=lambda pair: pair[0])
        found: dict[int, int] = {}
        for _, rule in matched:
            found[rule.skill_id] = max(found.get(rule.skill_id, 0), rule.level_for(item))
        links[item.uid] = found
    for item in items:
        if item.kind == ResourceKind.LEARNING_PATH:
            for child in item.children_uids:
                for skill_id, level in links.get(child, {}).items():
                    mine = links[item.uid]
                    mine[skill_id] = max(mine.get(skill_id, 0), level)
    return links


# --- The import ---------------------------------------------------------------------------------


@dataclass
class _Plan:
    creates: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    retire_ids: list[int] = field(default_factory=list)
    link_creates: list[tuple[str | int, int, int]] = field(default_factory=list)  # key, skill, lvl
    link_updates: list[dict] = field(default_factory=list)
    link_delete_ids: list[int] = field(default_factory=list)
    # (resource id, or the uid of a resource to create; title; upstream URL) per outcome.
    created: list[tuple[str | int, str, str]] = field(default_factory=list)
    updated: list[tuple[str | int, str, str]] = field(default_factory=list)
    retired: list[tuple[str | int, str, str]] = field(default_factory=list)
    unmapped: list[tuple[str | int, str, str]] = field(default_factory=list)


def _values(item: LearnItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in IMPORTED_FIELDS}


#: What the plan reads of an existing resource: plain rows, not model instances (building
#: thousands of instances costs more than the query that reads them).
_EXISTING_FIELDS = ["id", "external_uid", "source", "is_active", "retired_at", "curated_fields",
                    *IMPORTED_FIELDS]
_Existing = namedtuple("_Existing", ["pk", *_EXISTING_FIELDS[1:]])  # noqa: PYI024
_LINK_FIELDS = ["id", "resource_id", "skill_id", "level", "origin"]
_Link = namedtuple("_Link", ["pk", *_LINK_FIELDS[1:]])  # noqa: PYI024


def _links_by_resource(links: Iterable[tuple]) -> dict[int, list[_Link]]:
    """The rule and curator links of resources, by resource id (rows of ``_LINK_FIELDS``)."""
    by_resource: dict[int, list[_Link]] = {}
    for row in links:
        link = _Link._make(row)
        by_resource.setdefault(link.resource_id, []).append(link)
    return by_resource


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
        plan, summary = _plan(
            parsed=parsed, source=source, provider=provider, retire_missing=retire_missing,
            retire_only=retire_only, now=now,
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


def _outcomes(plan: _Plan, new_ids: dict[str, int]) -> dict[str, Any]:
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
        provider = Provider(name="Microsoft Learn", slug=LEARN_PROVIDER_SLUG,
                            url="https://learn.microsoft.com", preference=20)
        if not dry_run:
            provider.full_clean()
            provider.save()
    return provider


def _plan(
    *,
    parsed: ParsedCatalog,
    source: str,
    provider: Provider,
    retire_missing: bool,
    retire_only: Collection[int] | None = None,
    now: dt.datetime,
) -> tuple[_Plan, ImportSummary]:
    plan = _Plan()
    summary = ImportSummary(rejected=[r.as_dict() for r in parsed.rejections])
    items = parsed.items
    urls = [item.url for item in items]

    existing = [
        _Existing._make(row)
        for row in bulk.values_rows(
            TrainingResource.objects.filter(
                Q(external_uid__isnull=False) | Q(bulk.among("url", urls))
            ).order_by(),
            _EXISTING_FIELDS,
        )
    ]
    by_uid = {r.external_uid: r for r in existing if r.external_uid}
    by_url = {r.url: r for r in existing}
    links_by_resource: dict[int, list[_Link]] = {}
    if existing:
        links_by_resource = _links_by_resource(
            ResourceSkill.objects.filter(
                bulk.among("resource_id", [r.pk for r in existing])
            ).order_by().values_list(*_LINK_FIELDS)
        )

    wanted = rule_links(items, compiled_rules())
    kept: list[LearnItem] = []
    for item in items:
        resource = by_uid.get(item.uid)
        url_owner = by_url.get(item.url)
        if resource is None and url_owner is not None:
            if url_owner.external_uid and url_owner.external_uid != item.uid:
                summary.rejected.append(Rejection(
                    f"Rejected: its URL belongs to another resource (uid "
                    f"{url_owner.external_uid}).", item.uid, item.title).as_dict())
                continue
            resource = url_owner  # a resource entered by hand: adopt it
        elif resource is not None and url_owner is not None and url_owner.pk != resource.pk:
            summary.rejected.append(Rejection(
                f"Rejected: its new URL belongs to another resource (“{url_owner.title}”).",
                item.uid, item.title).as_dict())
            continue
        kept.append(item)
        skills = wanted.get(item.uid, {})
        if resource is None:
            plan.creates.append(
                {
                    **_values(item),
                    "provider_id": provider.pk,
                    "external_uid": item.uid,
                    "source": source,
                    "is_active": True,
                    "retired_at": None,
                    "curator_notes": "",
                    "curated_fields": [],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            plan.link_creates += [(item.uid, s, lv) for s, lv in skills.items()]
            summary.created += 1
            plan.created.append((item.uid, item.title, item.url))
            if not skills:
                summary.unmapped += 1
                plan.unmapped.append((item.uid, item.title, item.url))
            continue

        changed = _resource_changes(resource, item, source=source, plan=plan, now=now)
        links_changed, has_skills = _link_changes(
            resource, skills, links_by_resource.get(resource.pk, []), plan
        )
        title = resource.title if "title" in (resource.curated_fields or []) else item.title
        if changed or links_changed:
            summary.updated += 1
            plan.updated.append((resource.pk, title, item.url))
        else:
            summary.unchanged += 1
        if not has_skills:
            summary.unmapped += 1
            plan.unmapped.append((resource.pk, title, item.url))

    if retire_missing:
        confirmed = None if retire_only is None else set(retire_only)
        for resource in existing:
            if (
                resource.external_uid
                and resource.is_active
                and resource.source in LEARN_SOURCES
                and resource.kind in parsed.kinds
                and resource.external_uid not in parsed.seen_uids
                and "is_active" not in resource.curated_fields
                and (confirmed is None or resource.pk in confirmed)
            ):
                plan.retire_ids.append(resource.pk)
                plan.retired.append((resource.pk, resource.title, resource.url))
        summary.retired = len(plan.retire_ids)
    return plan, summary


def _resource_changes(
    resource: _Existing, item: LearnItem, *, source: str, plan: _Plan, now: dt.datetime
) -> bool:
    owned = set(resource.curated_fields or [])
    row = {name: getattr(resource, name) for name in IMPORTED_FIELDS}
    changed = False
    for name, value in _values(item).items():
        if name not in owned and row[name] != value:
            row[name] = value
            changed = True
    row.update(
        id=resource.pk,
        external_uid=item.uid,
        source=resource.source if resource.source in LEARN_SOURCES else source,
        is_active=resource.is_active,
        retired_at=resource.retired_at,
        updated_at=now,
    )
    if resource.external_uid != item.uid:
        changed = True  # adopted by URL
    if not resource.is_active and "is_active" not in owned:
        row.update(is_active=True, retired_at=None)  # back upstream: back in the catalog
        changed = True
    if changed:
        if resource.source not in LEARN_SOURCES:
            row["source"] = source
        plan.updates.append(row)
    return changed


def _link_changes(
    resource: TrainingResource | _Existing,
    skills: dict[int, int],
    links: list[_Link],
    plan: _Plan,
) -> tuple[bool, bool]:
    """Plan the rule links of one resource; (whether they change, whether it has any skill)."""
    if "skills" in (resource.curated_fields or []):
        return False, bool(links)
    changed = False
    curator_skills = {link.skill_id for link in links if link.origin == LinkOrigin.CURATOR}
    rule_links_now = {link.skill_id: link for link in links if link.origin == LinkOrigin.RULE}
    for skill_id, link in rule_links_now.items():
        if skill_id not in skills:
            plan.link_delete_ids.append(link.pk)
            changed = True
        elif link.level != skills[skill_id]:
            plan.link_updates.append({"id": link.pk, "level": skills[skill_id]})
            changed = True
    for skill_id, level in skills.items():
        if skill_id not in rule_links_now and skill_id not in curator_skills:
            plan.link_creates.append((resource.pk, skill_id, level))
            changed = True
    has_skills = bool(curator_skills) or bool(skills)
    return changed, has_skills


def _apply(plan: _Plan, *, now: dt.datetime, user: Any = None, reason: str) -> dict[str, int]:
    """Write the plan and its audit history: a fixed number of statements, however many
    items. Returns the ids of the created resources by uid."""
    create_fields = [*IMPORTED_FIELDS, "provider", "external_uid", "source", "is_active",
                     "retired_at", "curator_notes", "curated_fields", "created_at", "updated_at"]
    new_ids: dict[str, int] = dict(
        bulk.insert_rows(TrainingResource, create_fields, plan.creates,
                         returning=["external_uid", "id"])
    )
    bulk.update_rows(TrainingResource, [*IMPORTED_FIELDS, *BOOKKEEPING_FIELDS], plan.updates)
    if plan.retire_ids:
        TrainingResource.objects.filter(pk__in=plan.retire_ids).update(
            is_active=False, retired_at=now, updated_at=now
        )
    history = {"user": user, "reason": reason, "when": now}
    history_snapshot(TrainingResource, list(new_ids.values()), history_type="+", **history)
    history_snapshot(TrainingResource, [row["id"] for row in plan.updates] + plan.retire_ids,
                     history_type="~", **history)
    if plan.link_delete_ids:
        # The deleted links' last state, before they go.
        history_snapshot(ResourceSkill, plan.link_delete_ids, history_type="-", **history)
        ResourceSkill.objects.filter(pk__in=plan.link_delete_ids).delete()
    bulk.update_rows(ResourceSkill, ["level"], plan.link_updates)
    history_snapshot(ResourceSkill, [row["id"] for row in plan.link_updates],
                     history_type="~", **history)
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
    history_snapshot(ResourceSkill, [row[0] for row in created_links], history_type="+",
                     **history)
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
    plan = _Plan()
    links_by_resource = _links_by_resource(
        ResourceSkill.objects.filter(resource__in=queryset).order_by().values_list(*_LINK_FIELDS)
    )
    touched = 0
    for resource, item in zip(resources, items, strict=True):
        changed, _ = _link_changes(
            resource, wanted.get(item.uid, {}), links_by_resource.get(resource.pk, []), plan
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

