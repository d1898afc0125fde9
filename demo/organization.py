"""The demo's teams and people: the team tree, user accounts, person records, managers."""

import itertools
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.data import (
    BATCH_SIZE,
    EXTRA_PROFILES,
    FIRST_NAMES,
    JOB_TITLES,
    LAST_NAMES,
    PROFILE_PRIORITY,
    PROFILES,
    REGIONS,
    TEAMS_PER_DIVISION,
)
from demo.state import DemoState
from readiness.models import Person, Team


@dataclass(eq=False)
class _TeamSpec:
    name: str
    parent: "_TeamSpec | None"
    profile: str | None = None  # None for departments and divisions
    title: str = ""  # job title of the team's manager
    team: Team | None = None
    manager_user_id: int | None = None

    @property
    def above(self) -> "_TeamSpec":
        """The parent of a team that has one (every team but the departments)."""
        if self.parent is None:
            raise ValueError(f"{self.name} is a department: nothing is above it.")
        return self.parent

    @property
    def created(self) -> Team:
        """The team, once ``_create_teams`` has made it."""
        if self.team is None:
            raise ValueError(f"The team {self.name} is not created yet.")
        return self.team

    @property
    def leaf_profile(self) -> str:
        """The profile of a leaf team (``PROFILES``' key)."""
        if self.profile is None:
            raise ValueError(f"{self.name} is no leaf team.")
        return self.profile


@dataclass(eq=False)
class _PersonSpec:
    team: _TeamSpec
    role: str
    title: str
    username: str = ""
    first_name: str = ""
    last_name: str = ""
    start_date: date = date.min  # set by _create_people
    manages: list[_TeamSpec] = field(default_factory=list)
    user_id: int = 0  # 0 until the user exists
    person_id: int = 0  # 0 until the person exists


def _team_tree(leaf_count: int) -> list[_TeamSpec]:
    """Departments, divisions when there are many teams, and leaf teams, parents first."""
    profiles = PROFILE_PRIORITY[:leaf_count] + [
        EXTRA_PROFILES[i % len(EXTRA_PROFILES)] for i in range(leaf_count - len(PROFILE_PRIORITY))
    ]
    by_department: dict[str, list[str]] = {}
    for profile in profiles:
        by_department.setdefault(PROFILES[profile][1], []).append(profile)
    three_levels = leaf_count > 12
    tree: list[_TeamSpec] = []
    for department_name, department_profiles in by_department.items():
        department = _TeamSpec(department_name, None, title=f"VP {department_name}")
        tree.append(department)
        chunk = TEAMS_PER_DIVISION if three_levels else len(department_profiles)
        for index in range(0, len(department_profiles), chunk):
            parent = department
            if three_levels:
                number = index // chunk
                region = REGIONS[number % len(REGIONS)]
                if number >= len(REGIONS):
                    region = f"{region} {number // len(REGIONS) + 1}"
                parent = _TeamSpec(
                    f"{department_name} {region}",
                    department,
                    title=f"Director, {department_name} {region}",
                )
                tree.append(parent)
            used: dict[str, int] = {}
            for profile in department_profiles[index : index + chunk]:
                base = PROFILES[profile][0]
                used[base] = used.get(base, 0) + 1
                name = base if used[base] == 1 else f"{base} {used[base]}"
                tree.append(_TeamSpec(name, parent, profile, title=f"Team Lead, {name}"))
    return tree


def _aware(day: date, seconds: float = 0) -> datetime:
    start = datetime(day.year, day.month, day.day, 9)  # noqa: DTZ001 - made aware below
    return timezone.make_aware(start) + timedelta(seconds=seconds)


class OrganizationSteps(DemoState):
    """The organization steps of ``DemoBuilder``: teams, then people."""

    def _create_teams(self) -> None:
        for depth in (0, 1, 2):
            level = [t for t in self.tree if self._depth(t) == depth]
            teams = []
            for spec in level:
                team = Team(name=spec.name, parent=spec.parent.team if spec.parent else None)
                spec.team = team
                teams.append(team)
            Team.objects.bulk_create(teams, batch_size=BATCH_SIZE)
        Team.rebuild_paths()

    @staticmethod
    def _depth(spec: _TeamSpec) -> int:
        return 0 if spec.parent is None else 1 + OrganizationSteps._depth(spec.parent)

    def _people_specs(self) -> list[_PersonSpec]:
        leaves = [t for t in self.tree if t.profile]
        inner = [t for t in self.tree if not t.profile]
        platform = next(t for t in leaves if t.profile == "engineering")
        office = next(t for t in leaves if t.profile == "executive")
        learning = next(t for t in leaves if t.profile == "learning")
        division = office.above
        operations = division if division.parent is None else division.above
        specs = [
            _PersonSpec(
                operations, "executive", "Chief Operating Officer", "lead", manages=[office]
            ),
            _PersonSpec(learning, "trainer", "Learning & Development Lead", "curator"),
            _PersonSpec(
                platform.above,
                "people-manager",
                "Engineering Manager",
                "manager",
                manages=[platform],
            ),
            _PersonSpec(platform, "developer", "Software Engineer", "employee"),
        ]
        for spec in inner:  # department heads sit in the Executive Office
            head_team, role = (
                (office, "executive") if spec.parent is None else (spec.parent, "people-manager")
            )
            specs.append(_PersonSpec(head_team, role, spec.title, manages=[spec]))
        for spec in leaves:
            if spec not in (platform, office):
                specs.append(_PersonSpec(spec.above, "people-manager", spec.title, manages=[spec]))
        remaining = self.people - len(specs)
        if remaining < 5:
            raise ValueError(
                f"Too few people for {len(leaves)} teams; use at least "
                f"{self.people - remaining + 5}."
            )
        members = [platform] * 5 + list(
            itertools.islice(itertools.cycle([t for t in leaves if t is not office]), remaining - 5)
        )
        for team in members:
            roles, weights = zip(*PROFILES[team.leaf_profile][2].items(), strict=True)
            role = self.rng.choices(roles, weights)[0]
            specs.append(_PersonSpec(team, role, self.rng.choice(JOB_TITLES[role])))
        return specs

    # Over 60 lines: a straight-line recipe (users, people, memberships, managers) in bulk-write
    # order; the steps share the same maps, so splitting would only pass them around.
    def _create_people(self, specs: list[_PersonSpec]) -> None:
        User = get_user_model()
        taken = set(User.objects.values_list("username", flat=True))
        new_users = []
        for spec in specs:
            if spec.username:
                spec.user_id = self.users[spec.username].pk
                spec.start_date = self.today - timedelta(days=self.rng.randint(700, 3000))
                continue
            spec.first_name = self.rng.choice(FIRST_NAMES)
            spec.last_name = self.rng.choice(LAST_NAMES)
            base = (
                unicodedata.normalize("NFKD", f"{spec.first_name}.{spec.last_name}")
                .encode("ascii", "ignore")
                .decode()
                .lower()
                .replace("'", "")
            )
            spec.username = next(
                name
                for name in itertools.chain([base], (f"{base}{n}" for n in itertools.count(2)))
                if name not in taken
            )
            taken.add(spec.username)
            recent = self.rng.random() < 0.12  # joined during the programme
            spec.start_date = self.today - timedelta(
                days=self.rng.randint(10, 260) if recent else self.rng.randint(280, 4000)
            )
            new_users.append(
                User(
                    username=spec.username,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    email=f"{spec.username}@example.com",
                    password=self.password_hash,
                    date_joined=_aware(spec.start_date),
                )
            )
        User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
        user_ids = (
            dict(
                User.objects.filter(username__in=[u.username for u in new_users]).values_list(
                    "username", "id"
                )
            )
            if new_users
            else {}
        )
        for spec in specs:
            spec.user_id = spec.user_id or user_ids[spec.username]
            for team in spec.manages:
                team.manager_user_id = spec.user_id
        persons = [
            Person(
                user_id=s.user_id,
                team=s.team.team,
                role=self.roles[s.role],
                job_title=s.title,
                start_date=s.start_date,
            )
            for s in specs
        ]
        Person.objects.bulk_create(persons, batch_size=BATCH_SIZE)
        person_ids = dict(
            Person.objects.filter(user_id__in=[s.user_id for s in specs]).values_list(
                "user_id", "id"
            )
        )
        for spec in specs:
            spec.person_id = person_ids[spec.user_id]
        Through = Team.managers.through
        Through.objects.bulk_create(
            [Through(team_id=t.created.pk, user_id=t.manager_user_id) for t in self.tree],
            batch_size=BATCH_SIZE,
        )
