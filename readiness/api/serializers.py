"""Serializers of the organization: the skills framework, teams, people, plans and concerns."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from readiness.api.exceptions import validation_detail
from readiness.models import (
    Audience,
    AudienceRequirement,
    Concern,
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


class FullCleanModelSerializer(serializers.ModelSerializer):
    """Runs the model's own ``full_clean()`` (field validators, ``clean()``, uniqueness and
    constraints) on the would-be instance, so the API refuses what the admin forms refuse."""

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = model() if self.instance is None else model.objects.get(pk=self.instance.pk)
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
    category_slug = serializers.SlugRelatedField(source="category", slug_field="slug", read_only=True)

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


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.SerializerMethodField()

    def get_display_name(self, user: models.Model) -> str:
        return user.get_full_name() or user.get_username()


class TeamSerializer(serializers.ModelSerializer):
    managers = UserBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "parent", "path", "depth", "description", "managers"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
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
            "user_id",
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

    class Meta:
        model = ReadinessPlan
        fields = [
            "id",
            "name",
            "business_scenario",
            "owner",
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
    raised_by = serializers.SerializerMethodField()
    raised_by_me = serializers.SerializerMethodField()

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
            "raised_by_me",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_raised_by(self, concern: Concern) -> int | None:
        """Who raised it, unless they asked to stay anonymous."""
        return None if concern.anonymous_to_manager else concern.raised_by_id

    def get_raised_by_me(self, concern: Concern) -> bool:
        request = self.context.get("request")
        return bool(request and concern.raised_by_id == request.user.pk)


class ConcernRaiseSerializer(serializers.Serializer):
    category = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    impact = serializers.CharField(required=False, allow_blank=True, default="")
    anonymous_to_manager = serializers.BooleanField(required=False, default=False)
