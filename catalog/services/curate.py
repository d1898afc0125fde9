"""Writes of the curators' pages (and of the curation API): save, retire and restore a resource
with its skills, map or retire the unmapped queue's items in bulk, save and delete mapping
rules."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.learn.plan import CURATABLE_FIELDS
from catalog.models import LinkOrigin, ResourceSkill, SkillMappingRule, TrainingResource
from readiness.history import history_snapshot
from readiness.models import Audience, Skill

#: The change reason of the audit history that mapping from the unmapped queue leaves.
UNMAPPED_QUEUE_REASON = "via the unmapped queue"


def resource_save(
    *,
    resource: TrainingResource,
    audiences: Iterable[Audience],
    skill_levels: dict[Skill, int] | None,
    touched: Iterable[str] = (),
) -> TrainingResource:
    """Save a resource a curator created or edited, with its audiences and skill mappings.

    On an imported resource, every field the curator ``touched`` becomes curator-owned, so
    the next import leaves it alone. ``skill_levels`` None leaves the mappings as they are;
    otherwise the resource builds exactly those skills, all as the curator's links.
    """
    touched = set(touched) & set(CURATABLE_FIELDS)
    with transaction.atomic():
        if resource.external_uid:
            resource.curated_fields = sorted(set(resource.curated_fields or []) | touched)
        if not resource.is_active and resource.retired_at is None:
            resource.retired_at = timezone.now()
        if resource.is_active:
            resource.retired_at = None
        resource.full_clean()
        resource.save()
        resource.audiences.set(list(audiences))
        if skill_levels is not None:
            _links_replace(resource=resource, skill_levels=skill_levels)
    return resource


def _links_replace(*, resource: TrainingResource, skill_levels: dict[Skill, int]) -> None:
    wanted = {skill.pk: level for skill, level in skill_levels.items()}
    current = {link.skill_id: link for link in resource.skill_links.all()}
    ResourceSkill.objects.filter(resource=resource).exclude(skill_id__in=wanted).delete()
    changed = []
    for skill_id, level in wanted.items():
        link = current.get(skill_id)
        if link is None:
            link = ResourceSkill(
                resource=resource, skill_id=skill_id, level=level, origin=LinkOrigin.CURATOR
            )
            link.full_clean(exclude=["resource", "skill"])
            link.save()
        elif link.level != level or link.origin != LinkOrigin.CURATOR:
            link.level, link.origin = level, LinkOrigin.CURATOR
            changed.append(link)
    ResourceSkill.objects.bulk_update(changed, ["level", "origin"])
    history_snapshot(ResourceSkill, [link.pk for link in changed], history_type="~")


def resource_retire(*, resource: TrainingResource) -> TrainingResource:
    """Hide a resource from the catalog and from recommendations; never delete it (plans may
    point at it). An import will not bring it back: its state is now the curator's."""
    with transaction.atomic():
        resource.is_active = False
        resource.retired_at = timezone.now()
        if resource.external_uid:
            resource.curated_fields = sorted({*resource.curated_fields, "is_active"})
        resource.save(update_fields=["is_active", "retired_at", "curated_fields", "updated_at"])
    return resource


def resource_restore(*, resource: TrainingResource) -> TrainingResource:
    with transaction.atomic():
        resource.is_active = True
        resource.retired_at = None
        if resource.external_uid:
            resource.curated_fields = sorted({*resource.curated_fields, "is_active"})
        resource.save(update_fields=["is_active", "retired_at", "curated_fields", "updated_at"])
    return resource


def resources_map_to_skill(
    *,
    resource_ids: Iterable[int],
    skill: Skill,
    level: int | None = None,
    user: User | None = None,
) -> int:
    """Map resources (typically from the unmapped queue) to ``skill`` as the curator's links.

    ``level`` None means one above each resource's difficulty (the rules' default). Returns
    how many links were created or changed. A constant number of queries.
    """
    if level is not None and not 1 <= level <= 4:
        raise ValidationError({"level": "A level between 1 and 4."})
    with transaction.atomic():
        resources = list(
            TrainingResource.objects.filter(pk__in=list(resource_ids)).only("id", "level")
        )
        existing = {
            link.resource_id: link
            for link in ResourceSkill.objects.filter(resource__in=resources, skill=skill)
        }
        creates, updates = [], []
        for resource in resources:
            target = level or min(4, (resource.level or 1) + 1)
            link = existing.get(resource.pk)
            if link is None:
                creates.append(
                    ResourceSkill(
                        resource=resource, skill=skill, level=target, origin=LinkOrigin.CURATOR
                    )
                )
            elif link.level != target or link.origin != LinkOrigin.CURATOR:
                link.level, link.origin = target, LinkOrigin.CURATOR
                updates.append(link)
        ResourceSkill.objects.bulk_create(creates)
        ResourceSkill.objects.bulk_update(updates, ["level", "origin"])
        # bulk_create and bulk_update skip save(): their audit history, written here.
        history_snapshot(
            ResourceSkill,
            [link.pk for link in creates],
            history_type="+",
            user=user,
            reason=UNMAPPED_QUEUE_REASON,
        )
        history_snapshot(
            ResourceSkill,
            [link.pk for link in updates],
            history_type="~",
            user=user,
            reason=UNMAPPED_QUEUE_REASON,
        )
    return len(creates) + len(updates)


def resources_retire(*, resource_ids: Iterable[int]) -> int:
    """Retire several resources at once (e.g. Learn items no skill of ours is about)."""
    count = 0
    with transaction.atomic():
        for resource in TrainingResource.objects.filter(pk__in=list(resource_ids), is_active=True):
            resource_retire(resource=resource)
            count += 1
    return count


@transaction.atomic
def mapping_rule_save(
    *,
    rule: SkillMappingRule | None = None,
    skill: Skill,
    field: str,
    value: str,
    level_rule: str,
    fixed_level: int | None,
    is_active: bool,
) -> SkillMappingRule:
    """Create (``rule`` None) or change a mapping rule; the model's checks run first (one
    rule per skill, field and value; a fixed level only on a fixed rule). The audit history
    records the version, with who saved it (the signed-in curator), as for a resource. A rule
    applies from the next import, or when a curator applies the rules now."""
    rule = rule if rule is not None else SkillMappingRule()
    rule.skill, rule.field, rule.value = skill, field, value
    rule.level_rule, rule.fixed_level, rule.is_active = level_rule, fixed_level, is_active
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def mapping_rule_delete(*, rule: SkillMappingRule) -> None:
    """Delete a mapping rule (its last version stays in the audit history). The links it made
    stay until the next import or until the rules are applied again."""
    rule.delete()
