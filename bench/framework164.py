"""The bench set of a large skills framework: the size of the peer DIRECT's (164 skills in
categories), with plausible names and behavioural descriptors, generated deterministically, and
one person whose role requires every skill. Used by ``bench.selfassess`` (inside a rolled-back
transaction of the bench database) and by the self-assessment size test.

Imports no bench settings: safe to use from the test suite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Twelve areas of an AI-and-data skills framework; each gives its skills their topics.
AREAS = (
    ("Data governance", ("data ownership", "retention rules", "data lineage", "metadata")),
    ("Data engineering", ("pipelines", "data modelling", "batch processing", "streaming")),
    ("Machine learning", ("feature design", "model training", "evaluation", "tuning")),
    ("Generative AI", ("prompt design", "retrieval augmentation", "fine-tuning", "agents")),
    ("Responsible AI", ("bias testing", "explainability", "impact assessment", "oversight")),
    ("Security", ("threat modelling", "secrets handling", "access control", "red teaming")),
    ("Software delivery", ("code review", "testing", "release management", "observability")),
    ("Research computing", ("reproducibility", "workflow tools", "HPC scheduling", "packaging")),
    ("Product", ("discovery", "user research", "roadmapping", "measuring outcomes")),
    ("Leadership", ("coaching", "delegation", "stakeholder management", "change")),
    ("Communication", ("technical writing", "presenting", "teaching", "documentation")),
    ("Operations", ("incident response", "capacity planning", "cost control", "vendor review")),
)
ASPECTS = ("Foundations of", "Practice of", "Tooling for", "Quality in")

DESCRIPTORS = (
    "Has not yet worked with {topic}.",
    "Knows what {topic} is for and where the team relies on it.",
    "Applies {topic} in routine work without help.",
    "Leads {topic} work and reviews how others apply it.",
    "Sets the approach to {topic}; others learn it from them.",
)


@dataclass(frozen=True)
class SkillSpec:
    name: str
    slug: str
    category: str
    descriptors: tuple[str, ...]
    target: int


def framework_specs(skills: int = 164) -> list[SkillSpec]:
    """``skills`` skills spread over the twelve areas, in a stable order."""
    specs = []
    n = 0
    while len(specs) < skills:
        area, topics = AREAS[n % len(AREAS)]
        topic = topics[(n // len(AREAS)) % len(topics)]
        aspect = ASPECTS[(n // (len(AREAS) * len(topics))) % len(ASPECTS)]
        round_ = n // (len(AREAS) * len(topics) * len(ASPECTS))
        name = f"{aspect} {topic}" + (f" {round_ + 1}" if round_ else "")
        slug = f"bench164-{n:03d}"
        specs.append(
            SkillSpec(
                name=name[0].upper() + name[1:],
                slug=slug,
                category=area,
                descriptors=tuple(d.format(topic=topic) for d in DESCRIPTORS),
                target=1 + n % 3,
            )
        )
        n += 1
    return specs


def build_framework(*, skills: int = 164, username: str = "bench164"):
    """Create the framework (the only active skills: call inside a transaction that is rolled
    back, or in a test database) and a person whose role requires every skill, with a self
    rating on every other skill and a manager rating on every fourth. Returns the user."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.models import RatingSource, SkillRating
    from readiness.models import Audience, Person, Role, RoleRequirement, Skill, SkillCategory

    specs = framework_specs(skills)
    Skill.objects.filter(is_active=True).update(is_active=False)
    categories = {}
    for order, (area, _topics) in enumerate(AREAS):
        categories[area], _ = SkillCategory.objects.get_or_create(
            slug=f"bench164-{order}", defaults={"name": f"{area} (framework 164)", "order": order}
        )
    created = Skill.objects.bulk_create(
        Skill(
            name=spec.name,
            slug=spec.slug,
            category=categories[spec.category],
            order=index,
            **{f"descriptor_{level}": text for level, text in enumerate(spec.descriptors)},
        )
        for index, spec in enumerate(specs)
    )
    audience, _ = Audience.objects.get_or_create(
        slug="bench164-audience", defaults={"name": "Framework 164 audience"}
    )
    role = Role.objects.create(name="Framework 164 role", slug="bench164-role", audience=audience)
    RoleRequirement.objects.bulk_create(
        RoleRequirement(role=role, skill=skill, target_level=spec.target)
        for skill, spec in zip(created, specs, strict=True)
    )
    user = get_user_model().objects.create_user(username=username, password=None)
    manager = get_user_model().objects.create_user(username=f"{username}-manager", password=None)
    person = Person.objects.create(user=user, role=role)
    when = timezone.now() - dt.timedelta(days=40)
    ratings = []
    for index, skill in enumerate(created):
        if index % 2 == 0:
            ratings.append(
                SkillRating(
                    person=person,
                    skill=skill,
                    level=1,
                    source=RatingSource.SELF,
                    rated_by=user,
                    created_at=when,
                )
            )
        if index % 4 == 0:
            ratings.append(
                SkillRating(
                    person=person,
                    skill=skill,
                    level=2,
                    source=RatingSource.MANAGER,
                    rated_by=manager,
                    created_at=when + dt.timedelta(days=2),
                )
            )
    SkillRating.objects.bulk_create(ratings)
    return user
