"""Serializers of the organization: the skills framework, teams, people, plans and concerns
(the HR upsert's: ``readiness.api.hr``)."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from readiness.api.exceptions import validation_detail
from readiness.api.people import PersonNameField, PersonRefField, person_id_of, person_name_of
from readiness.api.strict import StrictModelSerializer, StrictSerializer
from readiness.concerns import concern_shows_raiser
from readiness.models import (
    ApiToken,
    Audience,
    AudienceRequirement,
    Concern,
    ConcernArea,
    ConcernCategory,
    Person,
    PlanGoal,
    PlanPartner,
    ReadinessPlan,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
    Team,
)
from readiness.tokens import DEFAULT_EXPIRY_DAYS, PERSONAL_EXPIRY_CHOICES


class FullCleanModelSerializer(StrictModelSerializer):
    """Runs the model's own ``full_clean()`` (field validators, ``clean()``, uniqueness and
    constraints) on the would-be instance, so the API refuses what the admin forms refuse."""

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        model: type[models.Model] = self.Meta.model
        instance = (
            model() if self.instance is None else model._default_manager.get(pk=self.instance.pk)
        )
        many_to_many = {f.name for f in model._meta.many_to_many}
        for field, value in attrs.items():
            if field not in many_to_many:
                setattr(instance, field, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(validation_detail(error)) from error
        return attrs


# --- The skills framework ---------------------------------------------------------------------


class AudienceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Audience
        fields = ["id", "name", "slug", "focus", "is_everyone", "order"]
        read_only_fields = fields


class SkillCategorySerializer(FullCleanModelSerializer):
    class Meta:
        model = SkillCategory
        fields = ["id", "name", "slug", "description", "order"]


class SkillSerializer(FullCleanModelSerializer):
    category_slug: "serializers.SlugRelatedField[SkillCategory]" = serializers.SlugRelatedField(
        source="category", slug_field="slug", read_only=True
    )

    class Meta:
        model = Skill
        fields = [
            "id",
            "name",
            "slug",
            "category",
            "category_slug",
            "description",
            "descriptor_0",
            "descriptor_1",
            "descriptor_2",
            "descriptor_3",
            "descriptor_4",
            "is_active",
            "reassessment_interval_days",
            "order",
        ]


class RoleRequirementSerializer(FullCleanModelSerializer):
    class Meta:
        model = RoleRequirement
        fields = ["id", "role", "skill", "target_level", "importance"]


class RoleRequirementBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoleRequirement
        fields = ["id", "skill", "target_level", "importance"]
        read_only_fields = fields


class RoleSerializer(FullCleanModelSerializer):
    requirements = RoleRequirementBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Role
        fields = ["id", "name", "slug", "audience", "description", "requirements"]


class AudienceRequirementSerializer(FullCleanModelSerializer):
    class Meta:
        model = AudienceRequirement
        fields = ["id", "audience", "skill", "target_level"]


# --- Teams and people -------------------------------------------------------------------------


class ManagerBriefSerializer(serializers.Serializer):
    """A team's manager: an account, which may have no person record."""

    person = PersonRefField(source="*", what="the manager")
    username = serializers.CharField()
    display_name = PersonNameField(source="*", what="the manager")


class TeamSerializer(serializers.ModelSerializer):
    managers = ManagerBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "parent",
            "path",
            "depth",
            "description",
            "managers",
            "external_id",
            "updated_at",
        ]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    display_name = serializers.CharField(read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True, allow_null=True)
    role_slug = serializers.CharField(source="role.slug", read_only=True, allow_null=True)
    audience = serializers.IntegerField(source="role.audience_id", read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "job_title",
            "team",
            "team_name",
            "role",
            "role_slug",
            "audience",
            "is_active",
            "start_date",
            "external_id",
            "updated_at",
        ]
        read_only_fields = fields


# --- Plans and concerns -----------------------------------------------------------------------


class PlanGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanGoal
        fields = ["id", "audience", "skill", "target_share", "due_date"]
        read_only_fields = fields


class PlanPartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanPartner
        fields = ["id", "name", "team", "contribution", "due_date"]
        read_only_fields = fields


class ReadinessPlanSerializer(serializers.ModelSerializer):
    goals = PlanGoalSerializer(many=True, read_only=True)
    partners = PlanPartnerSerializer(many=True, read_only=True)
    owner = PersonRefField(what="the owner")
    owner_name = PersonNameField(source="owner", what="the owner")

    class Meta:
        model = ReadinessPlan
        fields = [
            "id",
            "name",
            "business_scenario",
            "owner",
            "owner_name",
            "start_date",
            "target_date",
            "status",
            "goals",
            "partners",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ConcernSerializer(serializers.ModelSerializer):
    # Declared: a read-only model field loses ``allow_blank``, and the schema the blank value.
    addressable_by = serializers.ChoiceField(
        choices=ConcernArea.choices, allow_blank=True, read_only=True
    )
    raised_by_me = serializers.SerializerMethodField()
    raised_by = serializers.SerializerMethodField(
        help_text="Person id of who raised it; null when the reader may not see it (a concern "
        'raised with "hide my name from my manager", read by a manager of the raiser) or when '
        "that account has no person record (then `raised_by_name` says who it was)."
    )
    raised_by_name = serializers.SerializerMethodField(
        help_text="Display name of who raised it, ending in “(no person record)” when that "
        "account has none; null when the reader may not see who raised it."
    )

    class Meta:
        model = Concern
        fields = [
            "id",
            "plan",
            "team",
            "category",
            "text",
            "impact",
            "anonymous_to_manager",
            "addressable_by",
            "status",
            "response",
            "raised_by",
            "raised_by_name",
            "raised_by_me",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _shown_raiser(self, concern: Concern) -> User | None:
        request = self.context.get("request")
        if request is not None and concern_shows_raiser(user=request.user, concern=concern):
            return concern.raised_by
        return None

    def get_raised_by(self, concern: Concern) -> int | None:
        return person_id_of(self._shown_raiser(concern))

    def get_raised_by_name(self, concern: Concern) -> str | None:
        return person_name_of(self._shown_raiser(concern))

    def get_raised_by_me(self, concern: Concern) -> bool:
        request = self.context.get("request")
        return bool(request and concern.raised_by_id == request.user.pk)


class ConcernRaiseSerializer(StrictSerializer):
    """The fields of the "raise a concern" form (``readiness.forms.concerns.ConcernForm``), which
    validates them."""

    category = serializers.ChoiceField(choices=ConcernCategory.choices)
    text = serializers.CharField(max_length=4000)
    impact = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    addressable_by = serializers.ChoiceField(
        choices=ConcernArea.choices, required=False, allow_blank=True
    )
    anonymous_to_manager = serializers.BooleanField(required=False, default=False)


# --- API tokens -------------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="user.get_username", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "token_key",
            "name",
            "account",
            "created",
            "expiry",
            "is_service",
            "can_hr_upsert",
            "can_scim",
        ]
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The secret: shown this once, never again."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class ApiTokenInput(StrictSerializer):
    name = serializers.CharField(allow_blank=True, help_text="What the token is for.")
    expires_in_days = serializers.ChoiceField(
        choices=[days for days, _label in PERSONAL_EXPIRY_CHOICES], default=DEFAULT_EXPIRY_DAYS
    )


class ServiceTokenInput(StrictSerializer):
    account = serializers.CharField(
        allow_blank=True, help_text="Username of the service account (created when missing)."
    )
    name = serializers.CharField(allow_blank=True)
    can_hr_upsert = serializers.BooleanField(default=False)
    can_scim = serializers.BooleanField(
        default=False, help_text="May provision people at /scim/v2/ (a directory)."
    )
    expires_in_days = serializers.IntegerField(allow_null=True, default=365)
