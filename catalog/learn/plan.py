"""Plan a Learn import: compare the parsed items with the catalog, write nothing.

The plan lists the rows to insert and update, the resources to retire and the rule links to
create, update or delete (``catalog.learn.importer`` applies it); the summary counts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from django.db.models import Q

from catalog.learn import bulk
from catalog.learn.mapping import compiled_rules, rule_links
from catalog.learn.parse import LearnItem, ParsedCatalog, Rejection
from catalog.models import LinkOrigin, Provider, ResourceSkill, ResourceSource, TrainingResource

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


@dataclass
class ImportPlan:
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


class _Existing(NamedTuple):
    """What the plan reads of an existing resource: a plain row, not a model instance (building
    thousands of instances costs more than the query that reads them). The fields after
    ``pk`` are the columns read, in order, ``IMPORTED_FIELDS`` among them."""

    pk: int
    external_uid: str | None
    source: str
    is_active: bool
    retired_at: dt.datetime | None
    curated_fields: list[str]
    title: str
    url: str
    kind: str
    summary: str
    duration_minutes: int | None
    level: int | None
    is_free: bool
    locale: str
    upstream_modified_at: dt.datetime | None
    learn_levels: list[str]
    learn_roles: list[str]
    learn_products: list[str]
    learn_subjects: list[str]
    children_uids: list[str]


_EXISTING_FIELDS = ["id", *_Existing._fields[1:]]


class _Link(NamedTuple):
    """A resource's link to a skill, as a plain row of ``LINK_FIELDS``."""

    pk: int
    resource_id: int
    skill_id: int
    level: int
    origin: str


LINK_FIELDS = ["id", *_Link._fields[1:]]


def links_by_resource(links: Iterable[tuple]) -> dict[int, list[_Link]]:
    """The rule and curator links of resources, by resource id (rows of ``LINK_FIELDS``)."""
    by_resource: dict[int, list[_Link]] = {}
    for row in links:
        link = _Link._make(row)
        by_resource.setdefault(link.resource_id, []).append(link)
    return by_resource


@dataclass
class _Known:
    """What the plan reads of the catalog: every imported resource and any resource at one
    of the input's URLs, indexed, with their links."""

    rows: list[_Existing]
    by_uid: dict[str, _Existing]
    by_url: dict[str, _Existing]
    links: dict[int, list[_Link]]


def _known(urls: list[str]) -> _Known:
    rows = [
        _Existing._make(row)
        for row in bulk.values_rows(
            TrainingResource.objects.filter(
                Q(external_uid__isnull=False) | Q(bulk.among("url", urls))
            ).order_by(),
            _EXISTING_FIELDS,
        )
    ]
    links: dict[int, list[_Link]] = {}
    if rows:
        links = links_by_resource(
            ResourceSkill.objects.filter(bulk.among("resource_id", [r.pk for r in rows]))
            .order_by()
            .values_list(*LINK_FIELDS)
        )
    return _Known(
        rows=rows,
        by_uid={r.external_uid: r for r in rows if r.external_uid},
        by_url={r.url: r for r in rows},
        links=links,
    )


def plan_import(
    *,
    parsed: ParsedCatalog,
    source: str,
    provider: Provider,
    retire_missing: bool,
    retire_only: Collection[int] | None = None,
    now: dt.datetime,
) -> tuple[ImportPlan, ImportSummary]:
    """What importing ``parsed`` would write, and the summary of it (three queries)."""
    plan = ImportPlan()
    summary = ImportSummary(rejected=[r.as_dict() for r in parsed.rejections])
    known = _known([item.url for item in parsed.items])
    wanted = rule_links(parsed.items, compiled_rules())
    for item in parsed.items:
        resource, rejection = _match(item, known)
        if rejection is not None:
            summary.rejected.append(rejection.as_dict())
            continue
        skills = wanted.get(item.uid, {})
        if resource is None:
            _plan_create(
                item, skills, source=source, provider=provider, now=now, plan=plan, summary=summary
            )
        else:
            _plan_update(
                resource,
                item,
                skills,
                known.links.get(resource.pk, []),
                source=source,
                now=now,
                plan=plan,
                summary=summary,
            )
    if retire_missing:
        _plan_retirements(known.rows, parsed, retire_only=retire_only, plan=plan)
        summary.retired = len(plan.retire_ids)
    return plan, summary


def _match(item: LearnItem, known: _Known) -> tuple[_Existing | None, Rejection | None]:
    """The resource ``item`` updates (by uid, else a hand-entered one at its URL; None: a new
    one), or why it is rejected (its URL is another resource's)."""
    resource = known.by_uid.get(item.uid)
    url_owner = known.by_url.get(item.url)
    if resource is None and url_owner is not None:
        if url_owner.external_uid and url_owner.external_uid != item.uid:
            return None, Rejection(
                f"Rejected: its URL belongs to another resource (uid {url_owner.external_uid}).",
                item.uid,
                item.title,
            )
        return url_owner, None  # a resource entered by hand: adopt it
    if resource is not None and url_owner is not None and url_owner.pk != resource.pk:
        return None, Rejection(
            f"Rejected: its new URL belongs to another resource (“{url_owner.title}”).",
            item.uid,
            item.title,
        )
    return resource, None


def _plan_create(
    item: LearnItem,
    skills: dict[int, int],
    *,
    source: str,
    provider: Provider,
    now: dt.datetime,
    plan: ImportPlan,
    summary: ImportSummary,
) -> None:
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


def _plan_update(
    resource: _Existing,
    item: LearnItem,
    skills: dict[int, int],
    links: list[_Link],
    *,
    source: str,
    now: dt.datetime,
    plan: ImportPlan,
    summary: ImportSummary,
) -> None:
    changed = _resource_changes(resource, item, source=source, plan=plan, now=now)
    links_changed, has_skills = link_changes(resource, skills, links, plan)
    title = resource.title if "title" in (resource.curated_fields or []) else item.title
    if changed or links_changed:
        summary.updated += 1
        plan.updated.append((resource.pk, title, item.url))
    else:
        summary.unchanged += 1
    if not has_skills:
        summary.unmapped += 1
        plan.unmapped.append((resource.pk, title, item.url))


def _plan_retirements(
    rows: list[_Existing],
    parsed: ParsedCatalog,
    *,
    retire_only: Collection[int] | None,
    plan: ImportPlan,
) -> None:
    """Retire the Learn resources of the kinds the input covered that it lacks, unless a
    curator decided their state (and, after a dry run, only those the curator confirmed)."""
    confirmed = None if retire_only is None else set(retire_only)
    for resource in rows:
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


def _resource_changes(
    resource: _Existing, item: LearnItem, *, source: str, plan: ImportPlan, now: dt.datetime
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


def link_changes(
    resource: TrainingResource | _Existing,
    skills: dict[int, int],
    links: list[_Link],
    plan: ImportPlan,
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
