"""The demo organization: a believable company to explore, demonstrate and load-test Readiness.

``demo_organization_create`` builds departments and teams, people with roles, three closed
assessment cycles with self and manager ratings, learning plans, concerns and an active
readiness plan, plus five known logins. Everything is written with ``bulk_create`` in batches
and ratings are generated person by person, so 10,000 people fit in bounded memory.
"""

import itertools
import math
import random
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Group
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from assessments.models import (
    AssessmentCycle,
    AssessmentSubmission,
    CycleStatus,
    LearningPlanItem,
    PlanItemStatus,
    RatingSource,
    SkillRating,
    SubmissionKind,
)
from catalog.models import ResourceSkill, TrainingResource
from readiness.models import (
    Audience,
    AudienceRequirement,
    Concern,
    Person,
    PlanGoal,
    PlanPartner,
    PlanStatus,
    ReadinessPlan,
    Role,
    RoleRequirement,
    Skill,
    Team,
)
from readiness.permissions import CURATORS_GROUP, LEADERSHIP_GROUP

DEFAULT_PEOPLE = 60
DEFAULT_PASSWORD = "readiness-demo"  # noqa: S105 - a documented demo password
MIN_PEOPLE = 12
PEOPLE_PER_TEAM = 40
TEAMS_PER_DIVISION = 10
BATCH_SIZE = 1000
RATING_BATCH_SIZE = 5000
PLAN_NAME = "Generative AI readiness programme"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    description: str


DEMO_LOGINS = (
    DemoLogin("admin", "Sam", "Okafor", "superuser and staff: every page and the Django admin"),
    DemoLogin("lead", "Leila", "Haddad", "Leadership: owns the readiness plan"),
    DemoLogin("curator", "Chris", "Novak", "Curators: skills framework and training catalog"),
    DemoLogin("manager", "Maria", "Santos", "manages Platform Engineering"),
    DemoLogin("employee", "Ethan", "Kim", "developer in Platform Engineering, with gaps"),
)

# Leaf-team profiles: name, department, and the mix of roles (role slug: weight).
PROFILES: dict[str, tuple[str, str, dict[str, int]]] = {
    "engineering": ("Platform Engineering", "Technology",
                    {"developer": 6, "solution-architect": 2, "data-scientist": 1,
                     "business-user": 1}),
    "executive": ("Executive Office", "Operations", {"executive": 1}),
    "learning": ("People & Learning", "Operations", {"trainer": 5, "business-user": 5}),
    "service": ("Customer Service", "Customer Experience",
                {"customer-service-agent": 8, "trainer": 1, "business-user": 1}),
    "data": ("Data & AI", "Technology",
             {"data-scientist": 5, "developer": 3, "solution-architect": 1, "business-user": 1}),
    "security": ("Security Operations", "Technology",
                 {"security-analyst": 6, "developer": 2, "solution-architect": 1,
                  "business-user": 1}),
    "finance": ("Finance", "Operations", {"business-user": 9, "trainer": 1}),
    "sales": ("Sales", "Customer Experience",
              {"business-user": 7, "solution-architect": 2, "trainer": 1}),
}
# The first teams of any organization (a small one keeps only the first few) ...
PROFILE_PRIORITY = ["engineering", "executive", "learning", "service", "data", "security",
                    "finance", "sales"]
# ... and the mix of the teams a larger organization adds.
EXTRA_PROFILES = ["engineering", "service", "data", "sales", "security", "service", "finance",
                  "engineering", "learning", "sales"]
REGIONS = ["North", "South", "East", "West", "Central", "Nordics", "Benelux", "Iberia", "DACH",
           "UK & Ireland", "France", "Italy", "Americas", "Asia Pacific", "Middle East & Africa"]
JOB_TITLES = {
    "developer": ["Software Engineer", "Senior Software Engineer", "Staff Engineer"],
    "data-scientist": ["Data Scientist", "Senior Data Scientist", "ML Engineer"],
    "security-analyst": ["Security Analyst", "Senior Security Analyst", "SOC Engineer"],
    "solution-architect": ["Solution Architect", "Cloud Architect", "Enterprise Architect"],
    "trainer": ["Trainer", "Learning Designer", "Enablement Specialist"],
    "business-user": ["Analyst", "Specialist", "Coordinator", "Business Partner"],
    "customer-service-agent": ["Customer Service Agent", "Senior Support Agent"],
    "executive": ["Chief of Staff"],
    "people-manager": ["Team Lead"],
}
FIRST_NAMES = (
    "Aisha", "Akira", "Alejandro", "Amara", "Ana", "Anders", "Anika", "Arjun", "Beatriz", "Ben",
    "Bilal", "Camille", "Carlos", "Chen", "Chloe", "Daniel", "Dmitri", "Elena", "Emeka", "Emma",
    "Fatima", "Felix", "Femi", "Grace", "Hana", "Hassan", "Ines", "Isabel", "Ivan", "Jack",
    "James", "Jana", "Javier", "Jin", "Joao", "Jonas", "Julia", "Kai", "Karin", "Kenji", "Lara",
    "Leo", "Liam", "Lina", "Lucas", "Maya", "Mei", "Mohammed", "Nadia", "Naomi", "Nikhil", "Noah",
    "Nora", "Olga", "Omar", "Pablo", "Priya", "Rafael", "Ravi", "Rosa", "Ruth", "Sara", "Sofia",
    "Tariq", "Thomas", "Tomas", "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zainab", "Zoe"
)
LAST_NAMES = (
    "Abbott", "Adeyemi", "Alvarez", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Chen",
    "Costa", "Dubois", "Eriksson", "Fernandez", "Fischer", "Garcia", "Gupta", "Hansen",
    "Hernandez", "Hoffmann", "Ibrahim", "Ito", "Jansen", "Johansson", "Khan", "Kowalski", "Kumar",
    "Larsen", "Laurent", "Lee", "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nakamura",
    "Nguyen", "Nielsen", "Novak", "O'Brien", "Okafor", "Olsen", "Park", "Patel", "Perez", "Petrov",
    "Quinn", "Rahman", "Rossi", "Said", "Sato", "Schmidt", "Silva", "Singh", "Smith", "Sorensen",
    "Suzuki", "Tanaka", "Taylor", "Torres", "Varga", "Wagner", "Walsh", "Wang", "Weber",
    "Williams", "Wilson", "Wojcik", "Yamamoto", "Yilmaz", "Zhang"
)
# Self-assessment bias: most people rate themselves right, a few far off (calibration flags).
SELF_BIAS, SELF_BIAS_WEIGHTS = (0, 1, -1, 2, -2), (60, 24, 10, 4, 2)
CYCLE_OFFSETS_DAYS = (265, 160, 55)  # opening days before today of the three closed cycles
CYCLE_LENGTH_DAYS = 21
PARTICIPATION = (0.85, 0.8, 0.72)  # share of people who self-assess in each cycle
MANAGER_REVIEW = (0.85, 0.8, 0.65)  # share of those whom their manager rates too
CALIBRATION_NOTES = (
    "Discussed in our one-to-one: let's agree on evidence for this level next cycle.",
    "I have not yet seen this applied on a project; happy to revisit after the next release.",
    "You underrate yourself here: you led the team's session on this.",
)
CONCERNS = (
    ("job_impact", "Will AI assistants replace part of the customer service team?",
     "Anxiety and attrition among agents.", "hr"),
    ("ethics", "Who checks the AI's answers before they reach a customer?",
     "Wrong or biased answers damage customer trust.", "leadership"),
    ("data_privacy", "Can I paste customer emails into Copilot?",
     "Personal data shared with a tool that is not approved for it.", "it"),
    ("skills", "I have no time in my week for the learning paths.",
     "The plan's learning goals slip.", "managers"),
    ("tooling", "Only half of the team has a Copilot licence.",
     "Uneven adoption and frustration.", "it"),
    ("ethics", "Our hiring team wants to screen CVs with AI: is that allowed?",
     "Legal exposure and unfair treatment of candidates.", "legal"),
    ("skills", "The Azure OpenAI path assumes Python; most of us write C#.",
     "Developers drop the training half-way.", "learning"),
    ("data_privacy", "Where are prompts and answers stored, and for how long?",
     "Retention breaks our data protection commitments.", "legal"),
    ("job_impact", "Will my performance review count how much I use AI?",
     "People game usage metrics instead of improving work.", "hr"),
    ("tooling", "The security team cannot test agents without a sandbox tenant.",
     "Agent projects stall or go live untested.", "it"),
    ("other", "We need a place to share prompts that work.",
     "Everyone reinvents the same prompts.", "learning"),
    ("skills", "Managers are asked to rate skills they do not understand themselves.",
     "Manager ratings are unreliable.", "learning"),
)


@dataclass
class DemoSummary:
    created: bool
    people: int
    teams: int
    cycles: int
    ratings: int
    self_ratings: int
    manager_ratings: int
    plan_items: int
    concerns: int
    seconds: float = 0.0
    logins: tuple[DemoLogin, ...] = DEMO_LOGINS


@dataclass(eq=False)
class _TeamSpec:
    name: str
    parent: "_TeamSpec | None"
    profile: str | None = None  # None for departments and divisions
    title: str = ""  # job title of the team's manager
    team: Team | None = None
    manager_user_id: int | None = None


@dataclass(eq=False)
class _PersonSpec:
    team: _TeamSpec
    role: str
    title: str
    username: str = ""
    first_name: str = ""
    last_name: str = ""
    start_date: date | None = None
    manages: list[_TeamSpec] = field(default_factory=list)
    user_id: int | None = None
    person_id: int | None = None


def demo_organization_exists() -> bool:
    """Whether ``seed_demo`` already ran here (the demo employee has a person record)."""
    return Person.objects.filter(user__username="employee").exists()


def demo_logins_ensure(*, password: str) -> dict[str, AbstractUser]:
    """Create or reset the five demo logins: names, emails, flags, groups and password."""
    User = get_user_model()
    password_hash = make_password(password)
    groups = {name: Group.objects.get_or_create(name=name)[0]
              for name in (LEADERSHIP_GROUP, CURATORS_GROUP)}
    users = {}
    for login in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=login.username)
        user.first_name, user.last_name = login.first_name, login.last_name
        user.email = f"{login.username}@example.com"
        user.password = password_hash
        user.is_active = True
        user.is_superuser = login.username == "admin"
        user.is_staff = login.username in ("admin", "curator")  # curators work in the admin
        user.save()
        users[login.username] = user
    users["lead"].groups.add(groups[LEADERSHIP_GROUP])
    users["curator"].groups.add(groups[CURATORS_GROUP])
    return users


def demo_organization_summary(*, created: bool, seconds: float = 0.0) -> DemoSummary:
    """Counts of what the database holds now (the demo plus anything else)."""
    ratings = SkillRating.objects.all()
    self_count = ratings.filter(source=RatingSource.SELF).count()
    manager_count = ratings.filter(source=RatingSource.MANAGER).count()
    return DemoSummary(
        created=created,
        people=Person.objects.count(),
        teams=Team.objects.count(),
        cycles=AssessmentCycle.objects.count(),
        ratings=self_count + manager_count,
        self_ratings=self_count,
        manager_ratings=manager_count,
        plan_items=LearningPlanItem.objects.count(),
        concerns=Concern.objects.count(),
        seconds=seconds,
    )


def demo_organization_create(
    *, people: int = DEFAULT_PEOPLE, password: str = DEFAULT_PASSWORD, seed: int = 1
) -> DemoSummary:
    """Build the demo organization once; later calls only reset the five logins.

    Needs the seeded skills framework and catalog (the 0002 data migrations).
    """
    if people < MIN_PEOPLE:
        raise ValueError(f"The demo organization needs at least {MIN_PEOPLE} people.")
    started = time.monotonic()
    with transaction.atomic():
        users = demo_logins_ensure(password=password)
        if demo_organization_exists():
            return demo_organization_summary(created=False, seconds=time.monotonic() - started)
        _DemoBuilder(people=people, seed=seed, users=users, password=password).build()
    if connection.vendor == "postgresql":
        # Without statistics on the fresh rows the planner hash-joins every rating into each
        # reminder batch (bench: a sweep over 10,000 people 19.5 s before ANALYZE, 9.4 s after).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return demo_organization_summary(created=True, seconds=time.monotonic() - started)


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
                parent = _TeamSpec(f"{department_name} {region}", department,
                                   title=f"Director, {department_name} {region}")
                tree.append(parent)
            used: dict[str, int] = {}
            for profile in department_profiles[index:index + chunk]:
                base = PROFILES[profile][0]
                used[base] = used.get(base, 0) + 1
                name = base if used[base] == 1 else f"{base} {used[base]}"
                tree.append(_TeamSpec(name, parent, profile, title=f"Team Lead, {name}"))
    return tree


def _aware(day: date, seconds: float = 0) -> datetime:
    start = datetime(day.year, day.month, day.day, 9)  # noqa: DTZ001 - made aware below
    return timezone.make_aware(start) + timedelta(seconds=seconds)


class _DemoBuilder:
    def __init__(self, *, people: int, seed: int, users: dict, password: str) -> None:
        self.rng = random.Random(seed)
        self.people = people
        self.users = users
        self.password_hash = make_password(password)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.roles = Role.objects.select_related("audience").in_bulk(field_name="slug")
        needed = {role for *_, mix in PROFILES.values() for role in mix} | {
            "executive", "people-manager"}
        self.skills = Skill.objects.filter(is_active=True).in_bulk(field_name="slug")
        self.everyone = Audience.objects.filter(is_everyone=True).first()
        if needed - set(self.roles) or not self.everyone or not self.skills:
            raise ValueError("The seeded skills framework is missing (roles, skills or the "
                             "Everyone audience): run `manage.py migrate` first.")
        self.targets = self._role_targets()
        self.optional = {role: [s.pk for s in self.skills.values() if s.pk not in targets]
                         for role, targets in self.targets.items()}
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
        leaf_count = (max(3, min(8, self.people // 7)) if self.people < 8 * PEOPLE_PER_TEAM
                      else math.ceil(self.people / PEOPLE_PER_TEAM))
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

    def _create_submissions(self) -> None:
        """One submission per person and cycle they self-assessed in, at their last self rating
        of that cycle: what the self-assessment form would have recorded."""
        per_cycle = (
            SkillRating.objects.filter(source=RatingSource.SELF, cycle__isnull=False)
            .order_by()
            .values_list("person_id", "cycle_id")
            .annotate(at=Max("created_at"), changed=Count("id"))
        )
        batch: list[AssessmentSubmission] = []
        for person_id, cycle_id, at, changed in per_cycle.iterator(chunk_size=BATCH_SIZE):
            batch.append(AssessmentSubmission(
                person_id=person_id, cycle_id=cycle_id, kind=SubmissionKind.FULL,
                changed_skills=min(changed, 32767), submitted_at=at,
            ))
            if len(batch) >= BATCH_SIZE:
                AssessmentSubmission.objects.bulk_create(batch)
                batch = []
        AssessmentSubmission.objects.bulk_create(batch)

    def _create_teams(self) -> None:
        for depth in (0, 1, 2):
            level = [t for t in self.tree if self._depth(t) == depth]
            for spec in level:
                spec.team = Team(name=spec.name, parent=spec.parent.team if spec.parent else None)
            Team.objects.bulk_create([t.team for t in level], batch_size=BATCH_SIZE)
        Team.rebuild_paths()

    @staticmethod
    def _depth(spec: _TeamSpec) -> int:
        return 0 if spec.parent is None else 1 + _DemoBuilder._depth(spec.parent)

    def _people_specs(self) -> list[_PersonSpec]:
        leaves = [t for t in self.tree if t.profile]
        inner = [t for t in self.tree if not t.profile]
        platform = next(t for t in leaves if t.profile == "engineering")
        office = next(t for t in leaves if t.profile == "executive")
        learning = next(t for t in leaves if t.profile == "learning")
        operations = office.parent if office.parent.parent is None else office.parent.parent
        specs = [
            _PersonSpec(operations, "executive", "Chief Operating Officer", "lead",
                        manages=[office]),
            _PersonSpec(learning, "trainer", "Learning & Development Lead", "curator"),
            _PersonSpec(platform.parent, "people-manager", "Engineering Manager", "manager",
                        manages=[platform]),
            _PersonSpec(platform, "developer", "Software Engineer", "employee"),
        ]
        for spec in inner:  # department heads sit in the Executive Office
            head_team, role = (office, "executive") if spec.parent is None else (
                spec.parent, "people-manager")
            specs.append(_PersonSpec(head_team, role, spec.title, manages=[spec]))
        for spec in leaves:
            if spec not in (platform, office):
                specs.append(_PersonSpec(spec.parent, "people-manager", spec.title, manages=[spec]))
        remaining = self.people - len(specs)
        if remaining < 5:
            raise ValueError(f"Too few people for {len(leaves)} teams; use at least "
                             f"{self.people - remaining + 5}.")
        members = [platform] * 5 + list(itertools.islice(
            itertools.cycle([t for t in leaves if t is not office]), remaining - 5))
        for team in members:
            roles, weights = zip(*PROFILES[team.profile][2].items(), strict=True)
            role = self.rng.choices(roles, weights)[0]
            specs.append(_PersonSpec(team, role, self.rng.choice(JOB_TITLES[role])))
        return specs

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
            base = unicodedata.normalize("NFKD", f"{spec.first_name}.{spec.last_name}").encode(
                "ascii", "ignore").decode().lower().replace("'", "")
            spec.username = next(name for name in itertools.chain(
                [base], (f"{base}{n}" for n in itertools.count(2))) if name not in taken)
            taken.add(spec.username)
            recent = self.rng.random() < 0.12  # joined during the programme
            spec.start_date = self.today - timedelta(
                days=self.rng.randint(10, 260) if recent else self.rng.randint(280, 4000))
            new_users.append(User(
                username=spec.username, first_name=spec.first_name, last_name=spec.last_name,
                email=f"{spec.username}@example.com", password=self.password_hash,
                date_joined=_aware(spec.start_date),
            ))
        User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
        user_ids = dict(User.objects.filter(username__in=[u.username for u in new_users])
                        .values_list("username", "id")) if new_users else {}
        for spec in specs:
            spec.user_id = spec.user_id or user_ids[spec.username]
            for team in spec.manages:
                team.manager_user_id = spec.user_id
        persons = [Person(user_id=s.user_id, team=s.team.team, role=self.roles[s.role],
                          job_title=s.title, start_date=s.start_date) for s in specs]
        Person.objects.bulk_create(persons, batch_size=BATCH_SIZE)
        person_ids = dict(Person.objects.filter(user_id__in=[s.user_id for s in specs])
                          .values_list("user_id", "id"))
        for spec in specs:
            spec.person_id = person_ids[spec.user_id]
        Through = Team.managers.through
        Through.objects.bulk_create(
            [Through(team_id=t.team.pk, user_id=t.manager_user_id) for t in self.tree],
            batch_size=BATCH_SIZE,
        )

    def _create_plan_and_cycles(self) -> None:
        lead = self.users["lead"]
        start = self.today - timedelta(days=CYCLE_OFFSETS_DAYS[0] + 14)
        self.plan = ReadinessPlan.objects.create(
            name=PLAN_NAME,
            business_scenario="Answer customers faster and free people from routine work with "
            "generative AI: Copilot for every knowledge worker, an AI assistant for the customer "
            "service team, and AI features built on Azure OpenAI in our products, responsibly.",
            owner=lead, start_date=start, target_date=self.today + timedelta(days=180),
            status=PlanStatus.ACTIVE,
        )
        tech = Audience.objects.filter(slug="tech-specialists").first()
        goals = [PlanGoal(plan=self.plan, audience=self.everyone, skill=self.skills.get(
            "responsible-ai"), target_share=90, due_date=self.today + timedelta(days=90))]
        if tech:
            goals.append(PlanGoal(plan=self.plan, audience=tech, target_share=70,
                                  due_date=self.plan.target_date))
        PlanGoal.objects.bulk_create(goals)
        learning = next(t for t in self.tree if t.profile == "learning")
        security = next((t for t in self.tree if t.profile == "security"), None)
        partners = [
            PlanPartner(plan=self.plan, name=learning.name, team=learning.team,
                        contribution="Runs the learning sessions and Copilot clinics, and "
                        "curates the training catalog.", due_date=self.today + timedelta(days=60)),
            PlanPartner(plan=self.plan, name="Microsoft account team",
                        contribution="Funds an adoption workshop and Azure OpenAI "
                        "proof-of-concept credits.", due_date=self.today + timedelta(days=30)),
        ]
        if security:
            partners.append(PlanPartner(
                plan=self.plan, name=security.name, team=security.team,
                contribution="Sets the rules for data use with AI tools and reviews new AI use "
                "cases."))
        PlanPartner.objects.bulk_create(partners)
        self.cycles = []
        for index, offset in enumerate(CYCLE_OFFSETS_DAYS):
            opens = self.today - timedelta(days=offset)
            label = "Baseline skills assessment" if index == 0 else "Skills check-in"
            due = opens + timedelta(days=CYCLE_LENGTH_DAYS)
            cycle = AssessmentCycle.objects.create(
                name=f"{label} ({opens:%B %Y})", plan=self.plan, opens_on=opens, due_on=due,
                status=CycleStatus.CLOSED, closed_at=_aware(due + timedelta(days=1)),
            )
            cycle.audiences.set(Audience.objects.all())
            self.cycles.append(cycle)

    # --- history --------------------------------------------------------------------------
    def _flush(self, rows: Iterator[SkillRating | LearningPlanItem]) -> None:
        """Write generated ratings and plan items in batches, never holding them all."""
        ratings: list[SkillRating] = []
        items: list[LearningPlanItem] = []
        for row in rows:
            (ratings if isinstance(row, SkillRating) else items).append(row)
            if len(ratings) >= RATING_BATCH_SIZE:
                SkillRating.objects.bulk_create(ratings, batch_size=RATING_BATCH_SIZE)
                ratings.clear()
        SkillRating.objects.bulk_create(ratings, batch_size=RATING_BATCH_SIZE)
        LearningPlanItem.objects.bulk_create(items, batch_size=BATCH_SIZE)

    def _at(self, cycle: AssessmentCycle, low_days: float, high_days: float) -> datetime:
        moment = _aware(cycle.opens_on, self.rng.uniform(low_days, high_days) * 86400)
        return min(moment, self.now - timedelta(hours=1))

    def _history(self, spec: _PersonSpec) -> Iterator[SkillRating | LearningPlanItem]:
        """One person's ratings over the three cycles, and the learning they did in between."""
        rng = self.rng
        targets, optional = self.targets[spec.role], self.optional[spec.role]
        rated = list(targets) + rng.sample(optional, k=min(len(optional), rng.choice((0, 1, 2))))
        aptitude = rng.gauss(0, 0.7)
        level = {s: max(0, min(4, round(targets.get(s, 1) - 1 + aptitude + rng.gauss(0, 0.8))))
                 for s in rated}
        never = {s for s in rated if rng.random() < 0.08}  # some skills stay unassessed
        disengaged = rng.random() < 0.04
        leads_by_example = spec.username in ("lead", "manager", "curator")
        if leads_by_example:
            # The demo logins take part in every cycle and mostly meet their targets.
            disengaged = False
            level = {s: max(v, targets.get(s, 1) - (i % 4 == 0)) for i, (s, v) in
                     enumerate(level.items())}
        manager = spec.team.manager_user_id
        boosts: dict[int, tuple[datetime, int]] = {}  # skill → (training completed, level)
        for index, cycle in enumerate(self.cycles):
            if index:
                for skill in level:
                    if rng.random() < 0.2:
                        level[skill] = min(4, level[skill] + 1)
                for skill, (done, brings) in list(boosts.items()):
                    if done < _aware(cycle.opens_on):
                        level[skill] = max(level[skill], min(brings, level[skill] + 1))
                        del boosts[skill]
            skips = rng.random() > PARTICIPATION[index]
            if disengaged or spec.start_date > cycle.opens_on or (skips and not leads_by_example):
                continue
            reviewed = manager and rng.random() < MANAGER_REVIEW[index]
            for skill in rated:
                if skill in never:
                    continue
                self_level = max(0, min(4, level[skill] + rng.choices(
                    SELF_BIAS, SELF_BIAS_WEIGHTS)[0]))
                self_at = self._at(cycle, 0, CYCLE_LENGTH_DAYS - 3)
                yield SkillRating(person_id=spec.person_id, skill_id=skill, level=self_level,
                                  source=RatingSource.SELF, rated_by_id=spec.user_id,
                                  cycle_id=cycle.pk, interest=rng.choices((0, 1, 2), (3, 4, 3))[0],
                                  created_at=self_at)
                if not reviewed:
                    continue
                manager_level = level[skill]
                manager_at = min(self_at + timedelta(days=rng.uniform(1, 8)),
                                 self.now - timedelta(minutes=30))
                far_apart = abs(self_level - manager_level) >= 2
                yield SkillRating(person_id=spec.person_id, skill_id=skill, level=manager_level,
                                  source=RatingSource.MANAGER, rated_by_id=manager, cycle_id=cycle.pk,
                                  note=rng.choice(CALIBRATION_NOTES) if far_apart else "",
                                  created_at=manager_at)
                if index == len(self.cycles) - 1 and rng.random() < 0.08:
                    # Updated after the review: awaits the manager again.
                    yield SkillRating(person_id=spec.person_id, skill_id=skill,
                                      level=min(4, level[skill] + 1), source=RatingSource.SELF,
                                      rated_by_id=spec.user_id, cycle=None, interest=2,
                                      created_at=min(manager_at + timedelta(
                                          days=rng.uniform(2, 20)), self.now))
            if index == 0:
                yield from self._learning(spec, targets, level, manager, boosts)

    def _learning(self, spec: _PersonSpec, targets: dict[int, int], level: dict[int, int],
                  manager: int | None, boosts: dict) -> Iterator[LearningPlanItem]:
        """Learning picked after the baseline for up to two gaps; some of it done by now."""
        rng = self.rng
        gaps = [s for s, t in targets.items() if level.get(s, 0) < t]
        if not gaps or rng.random() > 0.45:
            return
        audiences = {self.roles[spec.role].audience_id, self.everyone.pk}
        chosen: set[int] = set()
        after = _aware(self.cycles[0].due_on)
        for skill in rng.sample(gaps, k=min(2, len(gaps))):
            options = [(r, lv) for r, lv, aud in self.resources.get(skill, [])
                       if lv > level.get(skill, 0) and aud & audiences and r not in chosen]
            if not options:
                continue
            resource, brings = rng.choice(options)
            chosen.add(resource)
            status = rng.choices(
                [PlanItemStatus.COMPLETED, PlanItemStatus.IN_PROGRESS, PlanItemStatus.PLANNED,
                 PlanItemStatus.DROPPED, PlanItemStatus.SUGGESTED], (40, 25, 25, 5, 5))[0]
            created = after + timedelta(days=rng.uniform(0, 20))
            item = LearningPlanItem(
                person_id=spec.person_id, resource_id=resource, skill_id=skill, status=status,
                created_at=created,
                assigned_by_id=manager if status != PlanItemStatus.SUGGESTED
                and rng.random() < 0.5 else None,
            )
            if status == PlanItemStatus.COMPLETED:
                item.started_at = created + timedelta(days=rng.uniform(0, 10))
                item.completed_at = item.started_at + timedelta(days=rng.uniform(5, 40))
                item.due_date = (item.completed_at + timedelta(days=rng.randint(0, 20))).date()
                boosts[skill] = (item.completed_at, brings)
            elif status in (PlanItemStatus.IN_PROGRESS, PlanItemStatus.DROPPED):
                item.started_at = self._at(self.cycles[-1], -30, 20)
                item.due_date = self.today + timedelta(days=rng.randint(-10, 60))
            else:
                item.due_date = self.today + timedelta(days=rng.randint(20, 90))
            yield item

    def _employee_history(self, spec: _PersonSpec) -> Iterator[SkillRating | LearningPlanItem]:
        """A scripted history so the demo employee shows every state the product knows."""
        manager = spec.team.manager_user_id
        script = [  # skill, cycle, source, level, day in the cycle, note
            ("ai-literacy", 0, "self", 2, 2, ""), ("ai-literacy", 0, "manager", 2, 6, ""),
            ("ai-literacy", 2, "self", 3, 3, ""), ("ai-literacy", 2, "manager", 3, 8, ""),
            # Training between the first two cycles moved responsible AI from 1 to 2.
            ("responsible-ai", 0, "self", 1, 2, ""), ("responsible-ai", 0, "manager", 1, 6, ""),
            ("responsible-ai", 1, "self", 2, 4, ""), ("responsible-ai", 1, "manager", 2, 9, ""),
            ("data-privacy-ai", 0, "self", 1, 2, ""), ("data-privacy-ai", 0, "manager", 1, 6, ""),
            # Raised after the manager's review: awaiting review.
            ("prompt-engineering", 0, "self", 2, 2, ""),
            ("prompt-engineering", 2, "manager", 2, 8, ""),
            ("prompt-engineering", 2, "self", 3, 16, ""),
            # Self and manager two levels apart: a calibration flag, and a gap of 2.
            ("llm-apis", 1, "self", 2, 4, ""), ("llm-apis", 1, "manager", 1, 9, ""),
            ("llm-apis", 2, "self", 3, 3, ""),
            ("llm-apis", 2, "manager", 1, 8, "Let's get a feature on the API shipped end to "
             "end first; pairing with Data & AI on the summarization service."),
            ("rag", 1, "self", 1, 4, ""), ("rag", 1, "manager", 1, 9, ""),
            ("llmops", 2, "self", 2, 3, ""), ("llmops", 2, "manager", 2, 8, ""),
            ("securing-ai-apps", 0, "self", 1, 2, ""), ("securing-ai-apps", 2, "self", 1, 3, ""),
            ("securing-ai-apps", 2, "manager", 1, 8, ""),
            ("evaluating-ai-output", 0, "self", 2, 2, ""),
            ("evaluating-ai-output", 2, "manager", 3, 8, ""),
            ("copilots-daily-work", 2, "self", 3, 3, ""),
            # ai-agents is required (desirable) and never assessed.
        ]
        for slug, index, source, level, day, note in script:
            if slug not in self.skills:  # a curator retired it
                continue
            cycle = self.cycles[index]
            is_self = source == "self"
            yield SkillRating(
                person_id=spec.person_id, skill=self.skills[slug], level=level, source=source,
                rated_by_id=spec.user_id if is_self else manager, cycle=cycle, note=note,
                interest=(2 if slug in ("llm-apis", "rag", "copilots-daily-work") else 1)
                if is_self else None, created_at=_aware(cycle.opens_on, day * 86400 + 3600),
            )
        plan = [  # skill, resource url fragment, status
            ("responsible-ai", "embrace-responsible-ai", PlanItemStatus.COMPLETED),
            ("llm-apis", "develop-ai-solutions-azure-openai", PlanItemStatus.IN_PROGRESS),
            ("securing-ai-apps", "generative-ai-for-beginners", PlanItemStatus.PLANNED),
        ]
        links = dict(TrainingResource.objects.filter(is_active=True).values_list("url", "id"))
        first_due = _aware(self.cycles[0].due_on)
        for slug, fragment, status in plan:
            resource = next((r for url, r in links.items() if fragment in url), None)
            if resource is None or slug not in self.skills:
                continue
            item = LearningPlanItem(person_id=spec.person_id, resource_id=resource,
                                    skill=self.skills[slug], status=status,
                                    assigned_by_id=manager, created_at=first_due)
            if status == PlanItemStatus.COMPLETED:
                item.started_at = first_due + timedelta(days=3)
                item.completed_at = first_due + timedelta(days=24)
                item.due_date = (first_due + timedelta(days=30)).date()
            elif status == PlanItemStatus.IN_PROGRESS:
                item.created_at = _aware(self.cycles[2].due_on)
                item.started_at = self.now - timedelta(days=20)
                item.due_date = self.today + timedelta(days=30)
            else:
                item.created_at = _aware(self.cycles[2].due_on)
                item.due_date = self.today + timedelta(days=60)
            yield item

    def _create_concerns(self, specs: list[_PersonSpec]) -> None:
        rng, lead = self.rng, self.users["lead"]
        count = max(len(CONCERNS), min(200, self.people // 50))
        statuses = ["open", "open", "in_review", "addressed", "closed"]
        concerns = []
        for index in range(count):
            category, text, impact, area = CONCERNS[index % len(CONCERNS)]
            author = rng.choice(specs)
            status = statuses[index % len(statuses)] if index else "open"
            answered = status in ("addressed", "closed")
            concerns.append(Concern(
                plan=self.plan if index % 6 else None, raised_by_id=author.user_id,
                team=author.team.team, anonymous_to_manager=index % 4 == 3, category=category,
                text=text, impact=impact, addressable_by=area, status=status,
                owner=lead if status != "open" else None,
                response="Answered at the all-hands; the FAQ on the intranet has the details."
                if answered else "",
                created_at=self.now - timedelta(days=rng.uniform(5, 250)),
            ))
        Concern.objects.bulk_create(concerns, batch_size=BATCH_SIZE)
