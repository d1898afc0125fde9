"""Serializers of the training catalog."""

from rest_framework import serializers

from catalog.certifications.models import Certification, CertificationSkill
from catalog.models import Provider, ResourceKind, ResourceSkill, TrainingResource
from readiness.api.serializers import FullCleanModelSerializer
from readiness.api.strict import StrictSerializer


class ProviderSerializer(FullCleanModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "name", "slug", "url", "preference"]


class ResourceSkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResourceSkill
        fields = ["skill", "level"]
        read_only_fields = fields


class TrainingResourceSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    skills = ResourceSkillSerializer(source="skill_links", many=True, read_only=True)

    class Meta:
        model = TrainingResource
        fields = [
            "id",
            "title",
            "url",
            "kind",
            "provider",
            "provider_name",
            "summary",
            "duration_minutes",
            "level",
            "is_free",
            "audiences",
            "skills",
            "external_uid",
            "source",
            "locale",
            "is_active",
            "retired_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CertificationSkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificationSkill
        fields = ["skill", "level"]
        read_only_fields = fields


class CertificationSerializer(FullCleanModelSerializer):
    """A curated certification and the skills it evidences. Over the API a curator switches
    ``counts_as_rating`` only; the rest is curated on the certification page."""

    provider_name = serializers.CharField(source="provider.name", read_only=True)
    skills = CertificationSkillSerializer(source="skill_links", many=True, read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "name",
            "provider",
            "provider_name",
            "exam_codes",
            "validity_months",
            "renewal_url",
            "is_active",
            "counts_as_rating",
            "skills",
        ]
        read_only_fields = [field for field in fields if field != "counts_as_rating"]


# The columns' bounds: a number past them is a 400 at its field, never a database error.
MAX_ID = 2**31 - 1
MAX_SMALL = 2**15 - 1


class SkillLevelInput(StrictSerializer):
    skill = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Skill id.")
    level = serializers.IntegerField(
        min_value=0,
        max_value=MAX_SMALL,
        help_text="The level (1–4) the resource brings a learner to.",
    )


class TrainingResourceInput(StrictSerializer):
    """What a curator sets on a resource. On an update every field is optional; ``skills``
    given replaces the resource's skill mappings, omitted leaves them as they are."""

    title = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Provider id.")
    summary = serializers.CharField(required=False, allow_blank=True)
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ID
    )
    level = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_SMALL
    )
    is_free = serializers.BooleanField(required=False)
    audiences = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    skills = SkillLevelInput(many=True, required=False)
    locale = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    curator_notes = serializers.CharField(required=False, allow_blank=True)
