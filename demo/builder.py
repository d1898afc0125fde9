"""``DemoBuilder``: reads the skills framework and catalog, then runs every step."""

import itertools
import math
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from catalog.models import ResourceSkill
from demo.certifications import CertificationSteps
from demo.data import PEOPLE_PER_TEAM, PROFILES
from demo.history import HistorySteps
from demo.organization import OrganizationSteps, _team_tree
from demo.plans import PlanSteps
from demo.trend import TrendSteps
from readiness.models import Audience, AudienceRequirement, Role, RoleRequirement, Skill


class DemoBuilder(OrganizationSteps, PlanSteps, HistorySteps, TrendSteps, CertificationSteps):
    """One demo organization: the lookups here, the steps in the modules of each mixin."""

    def __init__(self, *, people: int, seed: int, users: dict, password: str) -> None:
        self.rng = random.Random(seed)  # nosec B311 # demo data, not a secret
        self.people = people
        self.users = users
        self.password_hash = make_password(password)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.roles = Role.objects.select_related("audience").in_bulk(field_name="slug")
        needed = {role for *_, mix in PROFILES.values() for role in mix} | {
            "executive",
            "people-manager",
        }
        self.skills = Skill.objects.filter(is_active=True).in_bulk(field_name="slug")
        everyone = Audience.objects.filter(is_everyone=True).first()
        if needed - set(self.roles) or not everyone or not self.skills:
            raise ValueError(
                "The seeded skills framework is missing (roles, skills or the "
                "Everyone audience): run `manage.py migrate` first."
            )
        self.everyone = everyone
        self.targets = self._role_targets()
        self.optional = {
            role: [s.pk for s in self.skills.values() if s.pk not in targets]
            for role, targets in self.targets.items()
        }
        self.resources = self._resources_by_skill()

    # --- lookups ------------------------------------------------------------------------------
    def _role_targets(self) -> dict[str, dict[int, int]]:
        """T(person, skill) per role: the highest of role, audience and Everyone targets."""
        by_audience: dict[int, dict[int, int]] = {}
        for audience_id, skill_id, target in AudienceRequirement.objects.values_list(
            "audience_id", "skill_id", "target_level"
        ):
            by_audience.setdefault(audience_id, {})[skill_id] = target
        everyone = by_audience.get(self.everyone.pk, {})
        targets = {}
        for slug, role in self.roles.items():
            merged = dict(everyone)
            for skill_id, target in by_audience.get(role.audience_id, {}).items():
                merged[skill_id] = max(merged.get(skill_id, 0), target)
            targets[slug] = merged
        for slug, skill_id, target in RoleRequirement.objects.values_list(
            "role__slug", "skill_id", "target_level"
        ):
            targets[slug][skill_id] = max(targets[slug].get(skill_id, 0), target)
        return targets

    def _resources_by_skill(self) -> dict[int, list[tuple[int, int, set[int]]]]:
        """skill id → [(resource id, level it brings, audience ids)] of active resources."""
        audiences: dict[int, set[int]] = {}
        links = ResourceSkill.objects.filter(resource__is_active=True).values_list(
            "resource_id", "skill_id", "level", "resource__audiences"
        )
        rows = []
        for resource_id, skill_id, level, audience_id in links:
            audiences.setdefault(resource_id, set()).add(audience_id or 0)
            rows.append((resource_id, skill_id, level))
        by_skill: dict[int, list[tuple[int, int, set[int]]]] = {}
        for resource_id, skill_id, level in dict.fromkeys(rows):
            by_skill.setdefault(skill_id, []).append((resource_id, level, audiences[resource_id]))
        return by_skill

    # --- structure ----------------------------------------------------------------------------
    def build(self) -> None:
        leaf_count = (
            max(3, min(8, self.people // 7))
            if self.people < 8 * PEOPLE_PER_TEAM
            else math.ceil(self.people / PEOPLE_PER_TEAM)
        )
        self.tree = _team_tree(leaf_count)
        self._create_teams()
        specs = self._people_specs()
        self._create_people(specs)
        self._create_plan_and_cycles()
        employee = next(s for s in specs if s.username == "employee")
        generated = (s for s in specs if s is not employee)
        self._flush(itertools.chain.from_iterable(self._history(s) for s in generated))
        self._flush(self._employee_history(employee))
        self._create_submissions()
        self._create_concerns(specs)
        self._create_snapshots()
        self._create_certifications()
