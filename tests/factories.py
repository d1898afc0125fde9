"""factory_boy factories for every model the tests build by hand."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import AssessmentCycle, LearningPlanItem, SkillRating
from catalog.models import Provider, ResourceSkill, TrainingResource
from readiness.models import (
    Audience,
    AudienceRequirement,
    Concern,
    Person,
    ReadinessPlan,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
    Team,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Audience {n}")
    slug = factory.Sequence(lambda n: f"audience-{n}")


class SkillCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
    category = factory.SubFactory(SkillCategoryFactory)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")
    audience = factory.SubFactory(AudienceFactory)


class RoleRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleRequirement

    role = factory.SubFactory(RoleFactory)
    skill = factory.SubFactory(SkillFactory)
    target_level = 2


class AudienceRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudienceRequirement

    audience = factory.SubFactory(AudienceFactory)
    skill = factory.SubFactory(SkillFactory)
    target_level = 1


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = factory.SubFactory(RoleFactory)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Provider {n}")
    slug = factory.Sequence(lambda n: f"provider-{n}")


class TrainingResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingResource

    title = factory.Sequence(lambda n: f"Resource {n}")
    url = factory.Sequence(lambda n: f"https://learn.example.com/r/{n}/")
    kind = "module"
    provider = factory.SubFactory(ProviderFactory)
    duration_minutes = 60
    level = 1


class ResourceSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceSkill

    resource = factory.SubFactory(TrainingResourceFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 2


class SkillRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillRating

    person = factory.SubFactory(PersonFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 2
    source = "self"
    created_at = factory.LazyFunction(timezone.now)


class ReadinessPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadinessPlan

    name = factory.Sequence(lambda n: f"Plan {n}")
    business_scenario = "Use generative AI to answer customer questions faster."
    owner = factory.SubFactory(UserFactory)
    start_date = factory.LazyFunction(timezone.localdate)
    target_date = factory.LazyFunction(timezone.localdate)
    status = "active"


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    category = "ethics"
    text = "Will the model's answers be checked by a person?"


class AssessmentCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentCycle

    name = factory.Sequence(lambda n: f"Cycle {n}")
    opens_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyFunction(timezone.localdate)
    status = "open"


class LearningPlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPlanItem

    person = factory.SubFactory(PersonFactory)
    resource = factory.SubFactory(TrainingResourceFactory)
    status = "planned"


def certification_counted_as_rating(
    *, person, skill, checked_by, earned_on, expires_on, level: int = 3, name: str = "Agent Builder"
):  # noqa: ANN001, ANN201
    """``person`` holds a certification entered by hand (``earned_on`` to ``expires_on``), its
    proof checked by ``checked_by`` (their manager), that the curator made count as a level
    ``level`` rating of ``skill``: the person's row."""
    from assessments.learning_records.services import (
        person_certification_add,
        person_certification_verify,
    )
    from catalog.certifications.models import Certification, CertificationSkill

    curated = Certification.objects.create(
        name=name, provider=ProviderFactory(), counts_as_rating=True
    )
    CertificationSkill.objects.create(certification=curated, skill=skill, level=level)
    row = person_certification_add(
        person=person,
        name=name,
        number="AB-1",
        proof_url="",
        earned_on=earned_on,
        expires_on=expires_on,
    )
    person_certification_verify(certification=row, user=checked_by)
    return row
