"""The whole skills framework, the catalog and the mappings as one versioned JSON document.

Rows are identified by natural keys (slugs, canonical URLs), never database ids, so a file
exported from one instance imports into another (a restore, a staging copy, a new tenant).
Import is an upsert in one transaction: nothing is deleted, and a failure leaves nothing half
written.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from catalog.models import Provider, ResourceSkill, SkillMappingRule, TrainingResource
from readiness.models import (
    Audience,
    AudienceRequirement,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
)
from readiness.typed import related_model

FORMAT = "readiness-framework"
VERSION = 1


@dataclass(frozen=True)
class Section:
    name: str
    model: type[models.Model]
    key: tuple[str, ...]
    many: tuple[str, ...] = field(default=())


# In dependency order: a section refers only to sections above it.
SECTIONS = (
    Section("audiences", Audience, ("slug",)),
    Section("skill_categories", SkillCategory, ("slug",)),
    Section("skills", Skill, ("slug",)),
    Section("roles", Role, ("slug",)),
    Section("role_requirements", RoleRequirement, ("role", "skill")),
    Section("audience_requirements", AudienceRequirement, ("audience", "skill")),
    Section("providers", Provider, ("slug",)),
    Section("resources", TrainingResource, ("url",), many=("audiences",)),
    Section("resource_skills", ResourceSkill, ("resource", "skill")),
    Section("mapping_rules", SkillMappingRule, ("skill", "field", "value")),
)
# How a row of each model is named from elsewhere in the file.
NATURAL_KEY = {
    Audience: "slug",
    SkillCategory: "slug",
    Skill: "slug",
    Role: "slug",
    Provider: "slug",
    TrainingResource: "url",
}


def _fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a file carries: not the id, not the timestamps the database sets itself."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


def _dump_value(obj: models.Model, f: models.Field) -> Any:
    if f.is_relation:
        related = getattr(obj, f.name)
        return None if related is None else getattr(related, NATURAL_KEY[related_model(f)])
    value = f.value_from_object(obj)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def framework_export() -> dict[str, Any]:
    """The framework, catalog and mappings as a JSON-ready dict, in a stable order."""
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for section in SECTIONS:
        fields = _fields(section.model)
        related = [f.name for f in fields if f.is_relation]
        queryset = section.model._default_manager.select_related(*related)
        if section.many:
            queryset = queryset.prefetch_related(*section.many)
        rows = []
        for obj in queryset:
            row = {f.name: _dump_value(obj, f) for f in fields}
            for name in section.many:
                target = related_model(section.model._meta.get_field(name))
                row[name] = sorted(
                    getattr(o, NATURAL_KEY[target]) for o in getattr(obj, name).all()
                )
            rows.append(row)
        rows.sort(key=lambda row: [str(row[k]) for k in section.key])
        document[section.name] = rows
    return document


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)


class _Resolver:
    """Natural key → instance, one query per model."""

    def __init__(self) -> None:
        self._cache: dict[type[models.Model], dict[str, models.Model]] = {}

    def get(self, model: type[models.Model], key: str) -> models.Model:
        if model not in self._cache:
            attribute = NATURAL_KEY[model]
            self._cache[model] = {getattr(o, attribute): o for o in model._default_manager.all()}
        try:
            return self._cache[model][key]
        except KeyError:
            raise ValidationError(
                f"{model._meta.verbose_name} {key!r} is not in the file or the database."
            ) from None

    def add(self, obj: models.Model) -> None:
        model = type(obj)
        if model in NATURAL_KEY and model in self._cache:
            self._cache[model][getattr(obj, NATURAL_KEY[model])] = obj


def _check_header(document: dict[str, Any]) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(f'Not a framework file: "format" must be "{FORMAT}".')
    if document.get("version") != VERSION:
        raise ValidationError(
            f"Unsupported framework file version {document.get('version')!r} (this instance reads {VERSION})."
        )


@transaction.atomic
def framework_import(*, document: dict[str, Any]) -> ImportResult:
    """Upsert every row of an exported framework document; all or nothing."""
    _check_header(document)
    resolver = _Resolver()
    result = ImportResult()
    for section in SECTIONS:
        fields = {f.name: f for f in _fields(section.model)}
        created = updated = 0
        for row in document.get(section.name, []):
            values: dict[str, Any] = {}
            for name, value in row.items():
                if name in section.many:
                    continue
                f = fields.get(name)
                if f is None:
                    raise ValidationError(f"{section.name}: unknown field {name!r}.")
                if f.is_relation:
                    values[name] = None if value is None else resolver.get(related_model(f), value)
                else:
                    values[name] = f.to_python(value)
            lookup = {k: values.pop(k) for k in section.key}
            obj = section.model._default_manager.filter(**lookup).first()
            if obj is None:
                obj = section.model(**lookup)
                created += 1
            else:
                updated += 1
            for name, value in values.items():
                setattr(obj, name, value)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            resolver.add(obj)
            for name in section.many:
                target = related_model(section.model._meta.get_field(name))
                getattr(obj, name).set([resolver.get(target, key) for key in row.get(name, [])])
        result.created[section.name] = created
        result.updated[section.name] = updated
    return result
