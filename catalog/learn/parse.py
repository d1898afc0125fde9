"""Both Learn shapes → one ``LearnItem``; whatever is malformed becomes a ``Rejection``.

Each field has its normaliser in ``fields``; this module puts an item together from them,
reads the documents, and keeps the first of duplicate uids and URLs.

Tolerant by design (``shared/data/learn/README.md``): unknown fields are ignored, optional ones
default, ``uid`` or ``id``, snake_case or camelCase, taxonomy values as strings or
``{id, name}`` objects. Only a document that is not a catalog at all raises.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from catalog.learn.errors import LearnFormatError
from catalog.learn.fields import (
    TITLE_MAX,
    UID_MAX,
    RejectedItem,
    canonical_url,
    child_uids,
    minutes,
    pick,
    plain_text,
    taxonomy_ids,
    utc_datetime,
)
from catalog.models import ResourceKind

#: Learn difficulty → the level a learner should have to start (DESIGN: Microsoft Learn).
DIFFICULTY_LEVELS = {"beginner": 1, "intermediate": 2, "advanced": 3}

#: Legacy top-level keys (both spellings) → our kind. Units, exams and the taxonomies are
#: not resources of their own and are ignored.
LEGACY_COLLECTIONS = {
    "modules": ResourceKind.MODULE,
    "learningPaths": ResourceKind.LEARNING_PATH,
    "learning_paths": ResourceKind.LEARNING_PATH,
    "appliedSkills": ResourceKind.APPLIED_SKILL,
    "applied_skills": ResourceKind.APPLIED_SKILL,
    "certifications": ResourceKind.CERTIFICATION,
    "mergedCertifications": ResourceKind.CERTIFICATION,
    "merged_certifications": ResourceKind.CERTIFICATION,
    "courses": ResourceKind.COURSE,
}
IGNORED_KEYS = {"units", "exams", "levels", "products", "roles", "subjects"}

#: The ``type`` values seen in either API.
TYPE_KINDS = {
    "module": ResourceKind.MODULE,
    "learningpath": ResourceKind.LEARNING_PATH,
    "learning-path": ResourceKind.LEARNING_PATH,
    "learning_path": ResourceKind.LEARNING_PATH,
    "path": ResourceKind.LEARNING_PATH,
    "appliedskill": ResourceKind.APPLIED_SKILL,
    "applied-skill": ResourceKind.APPLIED_SKILL,
    "applied_skill": ResourceKind.APPLIED_SKILL,
    "cert": ResourceKind.CERTIFICATION,
    "certification": ResourceKind.CERTIFICATION,
    "mergedcertification": ResourceKind.CERTIFICATION,
    "course": ResourceKind.COURSE,
}

#: Kinds that cost money (an exam fee, an instructor-led class); the rest of Learn is free.
PAID_KINDS = {ResourceKind.CERTIFICATION, ResourceKind.COURSE}


@dataclass(frozen=True)
class LearnItem:
    """One catalog item, normalised: what the importer compares and writes."""

    uid: str
    kind: str
    title: str
    url: str
    summary: str = ""
    duration_minutes: int | None = None
    level: int | None = None
    is_free: bool = True
    locale: str = ""
    upstream_modified_at: dt.datetime | None = None
    learn_levels: list[str] = field(default_factory=list)
    learn_roles: list[str] = field(default_factory=list)
    learn_products: list[str] = field(default_factory=list)
    learn_subjects: list[str] = field(default_factory=list)
    children_uids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rejection:
    """An item left out of an otherwise valid import, and why."""

    reason: str
    uid: str = ""
    title: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"uid": self.uid, "title": self.title, "reason": self.reason}


@dataclass
class ParsedCatalog:
    items: list[LearnItem]
    rejections: list[Rejection]
    #: The kinds the input covered: only resources of these kinds can go missing.
    kinds: set[str]
    #: Uids present upstream even if their item was rejected (never retire those).
    seen_uids: set[str]


# --- Items --------------------------------------------------------------------------------------


def _kind(raw: dict, hint: str | None) -> str:
    declared = raw.get("type")
    if isinstance(declared, str):
        kind = TYPE_KINDS.get(declared.strip().lower().replace(" ", ""))
        if kind:
            return kind
    if hint:
        return hint
    raise RejectedItem(f"its type is unknown: {str(declared)[:40]!r}")


def normalize_item(raw: Any, *, hint: str | None = None) -> LearnItem:
    """One raw item of either API → a ``LearnItem``; raises ``RejectedItem`` with the reason."""
    if not isinstance(raw, dict):
        raise RejectedItem(f"it is a {type(raw).__name__}, not an object")
    uid = pick(raw, "uid", "id")
    if not isinstance(uid, str | int) or isinstance(uid, bool) or not str(uid).strip():
        raise RejectedItem("it has no uid")
    uid = str(uid).strip()
    if len(uid) > UID_MAX:
        raise RejectedItem(f"its uid is longer than {UID_MAX} characters")
    title = plain_text(pick(raw, "title", "name")).replace("\n", " ")
    if not title:
        raise RejectedItem("it has no title")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    url = canonical_url(pick(raw, "url"))
    kind = _kind(raw, hint)
    levels = taxonomy_ids(pick(raw, "levels"))
    known = [DIFFICULTY_LEVELS[lv.lower()] for lv in levels if lv.lower() in DIFFICULTY_LEVELS]
    summary = pick(raw, "summary", "description") or pick(raw, "subtitle")
    if kind == ResourceKind.LEARNING_PATH:
        children = child_uids(pick(raw, "modules"))
    elif kind == ResourceKind.CERTIFICATION:
        children = child_uids(pick(raw, "study_guide"))
    else:
        children = child_uids(pick(raw, "units"))
    locale = pick(raw, "locale")
    return LearnItem(
        uid=uid,
        kind=kind,
        title=title,
        url=url,
        summary=plain_text(summary),
        duration_minutes=minutes(pick(raw, "duration_in_minutes", "duration_minutes")),
        level=min(known) if known else None,
        is_free=kind not in PAID_KINDS,
        locale=locale.strip()[:20] if isinstance(locale, str) else "",
        upstream_modified_at=utc_datetime(pick(raw, "last_modified", "updated_at")),
        learn_levels=levels,
        learn_roles=taxonomy_ids(pick(raw, "roles")),
        learn_products=taxonomy_ids(pick(raw, "products")),
        learn_subjects=taxonomy_ids(pick(raw, "subjects")),
        children_uids=children,
    )


# --- Documents ----------------------------------------------------------------------------------


def load_json(data: bytes | str) -> Any:
    """Decode a catalog file; a file that is not JSON is a clear error."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LearnFormatError(f"The file is not UTF-8 text ({exc.reason}).") from None
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise LearnFormatError(
            f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except RecursionError:
        raise LearnFormatError("The file is not a catalog: it is nested too deeply.") from None


def legacy_collections(document: Any) -> Iterator[tuple[str, str, list]]:
    """(key, kind, items) of a legacy Catalog API document (or a saved Platform page)."""
    if not isinstance(document, dict):
        raise LearnFormatError(
            'The file must hold one JSON object with keys such as "modules" and '
            f'"learningPaths" (the Catalog API shape); it holds a {_json_type(document)}.'
        )
    found = [key for key in document if key in LEGACY_COLLECTIONS]
    if not found and isinstance(document.get("value"), list):
        # One saved page of the Platform API: the kind comes from each item's type.
        yield "value", "", document["value"]
        return
    if not found:
        keys = ", ".join(sorted(document)[:8]) or "none"
        raise LearnFormatError(
            "The file is not a Learn catalog: it has none of the keys modules, learningPaths, "
            f"appliedSkills, certifications, courses (its keys: {keys})."
        )
    for key in found:
        if not isinstance(document[key], list):
            raise LearnFormatError(
                f'"{key}" must be a list of items; it is a {_json_type(document[key])}.'
            )
    # Certifications before their merged list, so the older shape never overrides the newer.
    for key in sorted(found, key=lambda k: k.lower().startswith("merged")):
        yield key, LEGACY_COLLECTIONS[key], document[key]


def _json_type(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def parse_items(
    batches: Iterable[tuple[str, str, list]],
    *,
    progress: Any = None,
) -> ParsedCatalog:
    """Normalise every item of ``batches`` ((key, kind hint, items)); reject, never raise.

    ``progress(done)`` is called as items are read (the caller throttles its writes).
    """
    found = _Found()
    done = 0
    for key, hint, raw_items in batches:
        if hint:
            found.kinds.add(hint)
        merged = key.lower().startswith("merged")
        for raw in raw_items:
            done += 1
            try:
                item = normalize_item(raw, hint=hint or None)
            except RejectedItem as exc:
                found.reject(raw, exc)
            else:
                found.add(item, merged=merged)
            if progress is not None:
                progress(done)
    return ParsedCatalog(
        items=_path_durations(found.items),
        rejections=found.rejections,
        kinds=found.kinds,
        seen_uids=found.seen_uids,
    )


@dataclass
class _Found:
    """What ``parse_items`` has read so far: the items kept, the rejections, what it saw."""

    items: list[LearnItem] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    seen_uids: set[str] = field(default_factory=set)
    by_uid: dict[str, LearnItem] = field(default_factory=dict)
    #: URL → the uid of the item kept with it.
    urls: dict[str, str] = field(default_factory=dict)

    def reject(self, raw: Any, exc: RejectedItem) -> None:
        """A malformed item: its uid still counts as seen upstream (never retired)."""
        raw_uid = pick(raw, "uid", "id") if isinstance(raw, dict) else None
        raw_title = pick(raw, "title") if isinstance(raw, dict) else None
        uid = str(raw_uid).strip() if isinstance(raw_uid, str | int) else ""
        if uid:
            self.seen_uids.add(uid)
        self.rejections.append(
            Rejection(
                reason=f"Rejected: {exc}.",
                uid=uid[:UID_MAX],
                title=plain_text(raw_title)[:TITLE_MAX] if raw_title else "",
            )
        )

    def add(self, item: LearnItem, *, merged: bool) -> None:
        """Keep a well-formed item, unless its uid or its URL came already (a merged list
        repeats certifications on purpose: no rejection for those)."""
        self.kinds.add(item.kind)
        self.seen_uids.add(item.uid)
        if item.uid in self.by_uid:
            if not merged:
                self.rejections.append(
                    Rejection("Rejected: its uid appears twice in the input.", item.uid, item.title)
                )
        elif item.url in self.urls:
            self.rejections.append(
                Rejection(
                    f"Rejected: its URL is also the URL of {self.urls[item.url]}.",
                    item.uid,
                    item.title,
                )
            )
        else:
            self.by_uid[item.uid] = item
            self.urls[item.url] = item.uid
            self.items.append(item)


def _path_durations(items: list[LearnItem]) -> list[LearnItem]:
    """A learning path without a duration lasts as long as its modules, when all are known."""
    minutes = {item.uid: item.duration_minutes for item in items}
    result = []
    for item in items:
        if item.kind == ResourceKind.LEARNING_PATH and item.duration_minutes is None:
            parts = [minutes.get(uid) for uid in item.children_uids]
            known = [part for part in parts if part is not None]
            if parts and len(known) == len(parts):
                item = replace(item, duration_minutes=sum(known))
        result.append(item)
    return result


def parse_catalog_document(data: bytes | str, *, progress: Any = None) -> ParsedCatalog:
    """A legacy Catalog API file (bytes or text) → items, rejections and covered kinds."""
    return parse_items(legacy_collections(load_json(data)), progress=progress)


def count_items(data: Any) -> int:
    """How many items a decoded document holds (for the progress bar's total)."""
    return sum(len(items) for _, _, items in legacy_collections(data))
