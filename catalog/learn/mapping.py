"""Skill mapping rules, compiled once and matched against Learn items by their values.

A rule matches an item on a word of its title, or on one of its products, subjects or roles;
it brings a fixed level or one above the item's difficulty. A learning path also builds what
its modules build.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.learn.parse import DIFFICULTY_LEVELS, LearnItem
from catalog.models import LevelRule, MappingField, ResourceKind, SkillMappingRule


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
        values: list[str] = getattr(item, _RULE_VALUES[self.field])
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
_RULE_VALUES: dict[str, str] = {
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
    keyword_rules = [
        (i, rule) for i, rule in enumerate(rules) if rule.field == MappingField.KEYWORD
    ]
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
