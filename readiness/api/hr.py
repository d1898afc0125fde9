"""The HR bulk upsert's API (``POST /api/v1/hr/upsert/``): its input, its result and its view.
The rules are ``readiness.hr``'s."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from readiness.api.permissions import CanHrUpsert
from readiness.api.query import query_params
from readiness.api.strict import StrictSerializer
from readiness.hr.upsert import hr_upsert

HR_MAX_TEAMS = 2_000
HR_MAX_PEOPLE = 20_000


class HrTeamInput(StrictSerializer):
    external_id = serializers.CharField(
        required=False,
        max_length=255,
        help_text="The team's id in the HR system: when given, the team is found by it (a "
        "renamed or moved team stays the same team). Set once, never changed.",
    )
    name = serializers.CharField(allow_blank=True, trim_whitespace=True)
    # A declared field (the serializer's metaclass takes it off the class); the stubs see it
    # as overriding Field.parent, the serializer a field is bound to.
    parent = serializers.CharField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text='Path of names of the parent team from the top, e.g. "Engineering/Platform"; '
        "none for a department.",
    )
    description = serializers.CharField(required=False, allow_blank=True)
    managers = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Emails of the team's managers (replaces them).",
    )


class HrPersonInput(StrictSerializer):
    external_id = serializers.CharField(
        required=False,
        max_length=255,
        help_text="The person's id in the HR system: when given, the person is found by it (a "
        "changed email stays the same person). Set once, never changed.",
    )
    email = serializers.CharField(help_text="Identifies the person (unless external_id does).")
    first_name = serializers.CharField(required=False, allow_blank=True)
    last_name = serializers.CharField(required=False, allow_blank=True)
    team = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="Team path; null: no team."
    )
    role = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text="Role slug; null: no role."
    )
    job_title = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    start_date = serializers.DateField(
        required=False, allow_null=True, help_text="Unknown (null) when left out on creation."
    )


class HrUpsertInput(StrictSerializer):
    # ``max_length`` goes, with ``many``, to the ListSerializer (DRF 3.14); the stubs lack it.
    teams = HrTeamInput(many=True, required=False, max_length=HR_MAX_TEAMS)  # type: ignore[call-arg]
    people = HrPersonInput(many=True, required=False, max_length=HR_MAX_PEOPLE)  # type: ignore[call-arg]

    def validate(self, attrs: dict) -> dict:
        if "teams" not in attrs and "people" not in attrs:
            raise serializers.ValidationError(
                "Send “teams”, “people” or both: an empty request changes nothing.", code="empty"
            )
        return attrs


class HrUpsertParams(serializers.Serializer):
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Report what would change; write nothing."
    )


class HrChangeSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Team path or person email.")
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    changes = serializers.ListField(child=serializers.CharField(), help_text="Fields changed.")


class HrCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class HrSummarySerializer(serializers.Serializer):
    teams = HrCountsSerializer()
    people = HrCountsSerializer()


class HrUpsertResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    summary = HrSummarySerializer()  # HrUpsertResult.summary(), called
    teams = HrChangeSerializer(many=True)
    people = HrChangeSerializer(many=True)


class HrUpsertView(GenericAPIView):
    """Upsert teams (by path of names) and people (by email) from an HR system, all or
    nothing; ``?dry_run=1`` reports what would change and writes nothing."""

    permission_classes = [CanHrUpsert]
    serializer_class = HrUpsertInput

    @extend_schema(
        parameters=[HrUpsertParams],
        request=HrUpsertInput,
        responses={200: HrUpsertResultSerializer},
        operation_id="hr_upsert",
    )
    def post(self, request: Request) -> Response:
        params = query_params(HrUpsertParams, request)
        data = HrUpsertInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = hr_upsert(
            teams=data.validated_data.get("teams", []),
            people=data.validated_data.get("people", []),
            dry_run=params["dry_run"],
            changed_by=request.user,
        )
        return Response(HrUpsertResultSerializer(result).data)
