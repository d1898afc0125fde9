"""API of Open Badges: my badges (list, and upload one: a JSON body with the ``credential``,
or a baked image base64-encoded in ``file``: the API takes JSON only), the curators' queue of badges waiting for a rule, and their rules
(list, create: applied at once to every waiting badge).

The same functions as the pages: ``learning_records.badges.services`` (``badge_upload``,
``badge_rule_create``) and ``learning_records.badges.selectors``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.fields import get_error_detail
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.views import _own_person
from assessments.learning_records.badges.limits import badge_size_check
from assessments.learning_records.badges.selectors import (
    WaitingBadge,
    badge_rules,
    badges_waiting,
    person_badges,
)
from assessments.learning_records.badges.services import badge_rule_create, badge_upload
from assessments.learning_records.models import BadgeAward, BadgeRule
from catalog.models import Certification, TrainingResource
from readiness.api.locations import created
from readiness.api.permissions import IsCurator
from readiness.api.strict import StrictSerializer
from readiness.typed import api_user


class BadgeAwardSerializer(serializers.ModelSerializer):
    resource = serializers.IntegerField(
        source="rule.resource_id", allow_null=True, read_only=True, default=None
    )
    certification = serializers.IntegerField(
        source="rule.certification_id", allow_null=True, read_only=True, default=None
    )

    class Meta:
        model = BadgeAward
        fields = [
            "id",
            "name",
            "issuer_id",
            "issuer_name",
            "badge_class_id",
            "spec_version",
            "issued_on",
            "expires_on",
            "verification",
            "verified_at",
            "recipient_matched",
            "status",
            "resource",
            "certification",
        ]
        read_only_fields = fields


#: Room for the JSON around a badge at its limit: braces, the key, quotes, spacing.
JSON_ALLOWANCE = 1024
#: A body whose first key is ``credential`` (what a body too large to read carries).
_CREDENTIAL_FIRST = re.compile(rb'\s*\{\s*"credential"\s*:')


class BadgeUploadInput(StrictSerializer):
    """The API is JSON only: a baked image travels base64-encoded in ``file``. The size
    limit is the upload form's (``badges.limits``), said at the field that carried it."""

    file = serializers.CharField(
        required=False, help_text="A baked PNG or SVG (or the badge's JSON), base64-encoded."
    )
    credential = serializers.JSONField(
        required=False, help_text="The badge's JSON (an object) or its JWT (a string)."
    )

    def validate(self, attrs: dict) -> dict:
        if ("file" in attrs) == ("credential" in attrs):
            raise serializers.ValidationError(
                {"file": ["Send a file or a credential (one of them)."]}
            )
        if "file" in attrs:
            try:
                attrs["file"] = base64.b64decode(attrs["file"], validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError({"file": ["This is not base64."]}) from None
            _at("file", badge_size_check, len(attrs["file"]))
        else:
            _at("credential", badge_size_check, len(_credential_bytes(attrs["credential"])))
        return attrs

    def data_bytes(self) -> bytes:
        upload = self.validated_data.get("file")
        if upload is not None:
            return bytes(upload)
        return _credential_bytes(self.validated_data["credential"])


def _credential_bytes(credential: object) -> bytes:
    text = credential if isinstance(credential, str) else json.dumps(credential)
    return text.encode("utf-8")


def _at(field: str, check: Callable[[Any], None], value: object) -> None:
    """``check(value)``, its refusal said at ``field`` with its code (``too_large``)."""
    try:
        check(value)
    except ValidationError as error:
        raise serializers.ValidationError({field: get_error_detail(error)}) from None


class MyBadgeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """My Open Badges, newest first; POST one to have it verified with its issuer and
    recorded (201; 200 when it was recorded already; 400 with the reason at ``file`` when it
    is refused: altered, revoked, expired, issued to someone else, issuer unreachable)."""

    queryset = BadgeAward.objects.none()  # for the schema; see get_queryset
    serializer_class = BadgeAwardSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[BadgeAward]:
        return person_badges(person_id=_own_person(self.request).pk)

    def max_body_bytes(self) -> int:
        """Twice the largest badge base64-encoded (4 bytes for every 3, padded), and the JSON
        around it: a larger body is not read (``body_too_large``). Twice: a badge within the
        limit may come longer than its compact encoding (a credential pretty-printed, a file
        whose encoder escapes "/"); such a body is read and its badge measured exactly."""
        return 2 * 4 * -(-settings.BADGE_UPLOAD_MAX_BYTES // 3) + JSON_ALLOWANCE

    def body_too_large(self, *, declared: int, head: bytes) -> None:
        """A body past ``max_body_bytes()`` holds a badge over the limit: refused, unread, at
        the field that carries it (the body's first key: ``credential``, or ``file``) with
        its size, as a badge read whole is, the size worked out from the declared length less
        the JSON around it (the bytes of a base64 ``file`` decoded)."""
        field = "credential" if _CREDENTIAL_FIRST.match(head) else "file"
        size = max(declared - len(f'{{"{field}":""}}'), 0)
        _at(field, badge_size_check, size * 3 // 4 if field == "file" else size)

    @extend_schema(
        operation_id="me_badges_create",
        request=BadgeUploadInput,
        responses={200: BadgeAwardSerializer, 201: BadgeAwardSerializer},
    )
    def create(self, request: Request) -> Response:
        person = _own_person(request)
        data = BadgeUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            upload = badge_upload(person=person, data=data.data_bytes())
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        body = BadgeAwardSerializer(upload.award).data
        if not upload.created:
            return Response(body)
        return created(request, body, "me-badge-list")


class WaitingBadgeSerializer(serializers.Serializer):
    issuer_id = serializers.CharField()
    issuer_name = serializers.CharField()
    badge_class_id = serializers.CharField()
    name = serializers.CharField()
    awards = serializers.IntegerField(help_text="How many people uploaded it.")
    key_in_credential = serializers.IntegerField(
        help_text="Of those, signed with a key in the credential itself (issuer not proven)."
    )


class BadgesWaitingView(generics.ListAPIView):
    """The badges waiting for a rule (curators and admins): one entry per issuer and badge
    class, oldest first."""

    serializer_class = WaitingBadgeSerializer
    permission_classes = [IsCurator]
    filter_backends: list = []

    def get_queryset(self) -> list[WaitingBadge]:  # type: ignore[override]
        return badges_waiting()


class BadgeRuleSerializer(serializers.ModelSerializer):
    mapped = serializers.IntegerField(read_only=True, help_text="Badges it mapped.")

    class Meta:
        model = BadgeRule
        fields = [
            "id",
            "issuer_id",
            "badge_class_id",
            "badge_name",
            "resource",
            "certification",
            "created_at",
            "mapped",
        ]
        read_only_fields = fields


class BadgeRuleInput(StrictSerializer):
    issuer_id = serializers.CharField(max_length=500)
    badge_class_id = serializers.CharField(max_length=500)
    resource = serializers.PrimaryKeyRelatedField(
        queryset=TrainingResource.objects.filter(is_active=True), required=False, allow_null=True
    )
    certification = serializers.PrimaryKeyRelatedField(
        queryset=Certification.objects.filter(is_active=True), required=False, allow_null=True
    )


class BadgeRuleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The curators' Open Badge rules; POST one (a resource or a certification) to map every
    badge of that issuer and class, those waiting at once."""

    queryset = BadgeRule.objects.none()  # for the schema; see get_queryset
    serializer_class = BadgeRuleSerializer
    permission_classes = [IsCurator]
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[BadgeRule]:
        return badge_rules()

    @extend_schema(request=BadgeRuleInput, responses={201: BadgeRuleSerializer})
    def create(self, request: Request) -> Response:
        data = BadgeRuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            applied = badge_rule_create(
                issuer_id=data.validated_data["issuer_id"],
                badge_class_id=data.validated_data["badge_class_id"],
                resource=data.validated_data.get("resource"),
                certification=data.validated_data.get("certification"),
                user=api_user(request),
            )
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        rule = applied.rule  # its resource, certification and author are the ones given
        rule.mapped = applied.awards_mapped  # type: ignore[attr-defined]  # as badge_rules() counts
        return created(request, BadgeRuleSerializer(rule).data, "badge-rule-list")
