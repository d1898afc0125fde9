"""The gap register of a readiness plan: per skill of its goals, who is short of the target and
by how much, per role."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.selectors import EMPTY_READINESS, Readiness, ReadinessCube
from readiness.models import (
    GapRemedy,
    ReadinessPlan,
    Role,
    Skill,
)
from readiness.privacy_floor import aggregate_hidden


@dataclass(frozen=True)
class RoleShortfall:
    role: str
    short: int
    hidden: bool


@dataclass(frozen=True)
class GapRow:
    """One skill on which people across the organization are below target."""

    skill: Skill
    figures: Readiness
    roles: list[RoleShortfall]
    remedy: GapRemedy | None

    @property
    def short(self) -> int:
        return self.figures.required - self.figures.at_target

    @property
    def hidden(self) -> bool:
        return self.short > 0 and aggregate_hidden(self.short)

    @property
    def not_assessed(self) -> int:
        return self.figures.not_assessed

    @property
    def counted_roles(self) -> list[RoleShortfall]:
        return [role for role in self.roles if not role.hidden]

    @property
    def small_roles(self) -> list[RoleShortfall]:
        """Roles where fewer people than the privacy threshold are short: named, not counted."""
        return [role for role in self.roles if role.hidden]


def gap_register(*, plan: ReadinessPlan, cube: ReadinessCube) -> list[GapRow]:
    """Every skill someone is short on (below target or not assessed), most people short
    first, with the roles concerned and the remedy the plan chose; plus skills with a remedy
    that nobody is short on any more."""
    per_role = cube.skills_by(lambda role: role)
    per_skill = cube.skills_by(lambda role: "all")
    role_names = dict(Role.objects.values_list("pk", "name"))
    remedies = {r.skill_id: r for r in GapRemedy.objects.filter(plan=plan).select_related("owner")}
    short_ids = {skill for (_, skill), f in per_skill.items() if f.required > f.at_target}
    skills = Skill.objects.select_related("category").in_bulk(short_ids | set(remedies))
    rows = []
    for skill_id, skill in skills.items():
        figures = per_skill.get(("all", skill_id), EMPTY_READINESS)
        roles = sorted(
            (
                RoleShortfall(
                    role_names.get(role_id, "No role"),
                    f.required - f.at_target,
                    aggregate_hidden(f.required - f.at_target),
                )
                for (role_id, sid), f in per_role.items()
                if sid == skill_id and f.required > f.at_target
            ),
            key=lambda r: (r.hidden, -r.short, r.role),
        )
        rows.append(GapRow(skill, figures, roles, remedies.get(skill_id)))
    rows.sort(key=lambda r: (r.short == 0, r.hidden, -r.short, r.skill.name))
    return rows
