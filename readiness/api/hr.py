"""The HR bulk upsert's API (``POST /api/v1/hr/upsert/``): its input, its result and its view,
and the jobs a large upsert becomes (``/api/v1/hr/upsert-jobs/``). The rules are
``readiness.hr``'s."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from readiness.api.examples import HR_UPSERT_EXAMPLES
from readiness.api.exceptions import problem_errors
from readiness.api.locations import location
from readiness.api.people import PersonNameField, PersonRefField
from readiness.api.permissions import CanHrUpsert
from readiness.api.query import query_params
from readiness.api.strict import StrictSerializer
from readiness.hr.jobs import hr_upsert_job_create, hr_upsert_job_shown, hr_upsert_jobs_read
from readiness.hr.models import HrUpsertJob
from readiness.hr.upsert import hr_upsert

RESPOND_ASYNC = "respond-async"
#: Room for one entry of an upsert in its JSON body: a person with every field filled
#: (an external id, an email, names, a team path, a role, a job title, a start date) is about
#: 380 bytes written compactly, ~480 pretty-printed or with its names' letters escaped
#: (``\u00e9``); a whole organization of 100,000 people is 16 to 20 MB compact.
ENTRY_BYTES = 600


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


class HrEntries(serializers.ListSerializer):
    """A list of entries, at most as many as the setting ``limit`` names — read on each
    request, so that a deployment (or a test) sets it — and counted before any entry is
    checked: a list too long is refused at once, at the list, however wrong its entries."""

    def __init__(self, *args: Any, limit: str, **kwargs: Any) -> None:  # noqa: ANN401
        self.limit = limit
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> list:  # noqa: ANN401
        limit = getattr(settings, self.limit)
        if isinstance(data, list) and len(data) > limit:
            message = f"At most {limit:,} entries in one request (this one has {len(data):,})."
            raise ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [ErrorDetail(message, code="max_length")]}
            )
        return super().to_internal_value(data)


class HrUpsertInput(StrictSerializer):
    teams = HrEntries(
        child=HrTeamInput(),
        required=False,
        limit="HR_UPSERT_MAX_TEAMS",
        help_text="At most HR_UPSERT_MAX_TEAMS (10,000 by default).",
    )
    people = HrEntries(
        child=HrPersonInput(),
        required=False,
        limit="HR_UPSERT_MAX_PEOPLE",
        help_text="At most HR_UPSERT_MAX_PEOPLE (100,000 by default).",
    )

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


def _nullable_object(**properties: dict) -> dict:
    """An object or null. OpenAPI 3.0 cannot say "this component, or null" with a ``$ref``
    (``nullable`` beside ``allOf`` has no ``type``): the object is spelled out, its parts
    referenced."""
    return {"type": "object", "nullable": True, "properties": properties, "readOnly": True}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


class HrEntryErrorSerializer(serializers.Serializer):
    pointer = serializers.CharField(help_text='Where in the request, e.g. "#/people/3/team".')
    code = serializers.CharField()
    detail = serializers.CharField()


class HrUpsertJobSerializer(serializers.ModelSerializer):
    summary = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    # A declared field leaves the class (DRF's metaclass): ``Serializer.errors`` is untouched;
    # the stubs see it as overriding that property.
    errors = serializers.SerializerMethodField()  # type: ignore[assignment]
    created_by = PersonRefField(what="who sent it")
    created_by_name = PersonNameField(source="created_by", what="who sent it")

    class Meta:
        model = HrUpsertJob
        fields = [
            "id",
            "status",
            "dry_run",
            "teams_count",
            "people_count",
            "created_by",
            "created_by_name",
            "created_at",
            "started_at",
            "finished_at",
            "summary",
            "changes",
            "errors",
            "detail",
        ]
        read_only_fields = fields

    def to_representation(self, instance: HrUpsertJob) -> dict:
        # A job "running" past the time limit lost its worker: failed, saying so.
        return super().to_representation(hr_upsert_job_shown(instance))

    @extend_schema_field(_nullable_object(teams=_ref("HrCounts"), people=_ref("HrCounts")))
    def get_summary(self, job: HrUpsertJob) -> dict | None:
        """How many teams and people were (or would be) created, updated, unchanged, once it
        succeeded."""
        return job.summary

    @extend_schema_field(
        _nullable_object(
            teams={"type": "array", "items": _ref("HrChange")},
            people={"type": "array", "items": _ref("HrChange")},
        )
    )
    def get_changes(self, job: HrUpsertJob) -> dict | None:
        """What changed (or would), entry by entry, once it succeeded."""
        return job.changes

    @extend_schema_field(HrEntryErrorSerializer(many=True))
    def get_errors(self, job: HrUpsertJob) -> list[dict]:
        """The errors of each wrong entry when it failed (nothing was written); as a ``400``'s."""
        if isinstance(job.errors, dict):  # failed before jobs kept the 400's list: the detail
            return problem_errors(job.errors)
        return job.errors or []


def _wants_async(request: Request) -> bool:
    preferences = request.headers.get("Prefer", "")
    return any(
        token.strip().lower() == RESPOND_ASYNC
        for part in preferences.split(",")
        for token in part.split(";")[:1]
    )


class HrUpsertView(GenericAPIView):
    """Upsert teams (by path of names) and people (by email) from an HR system, all or
    nothing; ``?dry_run=1`` reports what would change and writes nothing.

    Up to ``HR_UPSERT_SYNC_MAX_PEOPLE`` people (20,000 by default) the answer is the result.
    A larger request (up to ``HR_UPSERT_MAX_PEOPLE``, 100,000 by default), or one sent with
    ``Prefer: respond-async``, is checked entry by entry (a wrong key or value: ``400``, nothing
    queued), then queued for a worker: ``202`` with the job and its ``Location``, to be read
    until its status is ``succeeded`` (the same summary and changes) or ``failed`` (the errors
    of each wrong entry, or in ``detail`` why it was stopped: the time limit, a worker that
    stopped; nothing written either way)."""

    permission_classes = [CanHrUpsert]
    serializer_class = HrUpsertInput

    def max_body_bytes(self) -> int:
        """What the most entries the upsert takes need (``HR_UPSERT_MAX_PEOPLE`` people and
        ``HR_UPSERT_MAX_TEAMS`` teams, ``ENTRY_BYTES`` each: 66 MB by default), within the
        bound of any request (``REQUEST_MAX_BYTES``); a larger body is a ``413``, unread."""
        entries = settings.HR_UPSERT_MAX_PEOPLE + settings.HR_UPSERT_MAX_TEAMS
        return min(entries * ENTRY_BYTES, settings.REQUEST_MAX_BYTES)

    @extend_schema(
        parameters=[
            HrUpsertParams,
            OpenApiParameter(
                "Prefer",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="`respond-async`: queue the upsert and answer 202 whatever its size.",
            ),
        ],
        request=HrUpsertInput,
        responses={
            200: HrUpsertResultSerializer,
            202: OpenApiResponse(
                HrUpsertJobSerializer,
                description="Queued for a worker: read the job at its `Location`.",
            ),
        },
        examples=HR_UPSERT_EXAMPLES,
        operation_id="hr_upsert",
    )
    def post(self, request: Request) -> Response:
        params = query_params(HrUpsertParams, request)
        data = HrUpsertInput(data=request.data)
        data.is_valid(raise_exception=True)
        teams = data.validated_data.get("teams", [])
        people = data.validated_data.get("people", [])
        asked = _wants_async(request)
        if asked or len(people) > settings.HR_UPSERT_SYNC_MAX_PEOPLE:
            job = hr_upsert_job_create(
                teams=teams, people=people, dry_run=params["dry_run"], created_by=request.user
            )
            headers = {"Location": location(request, "hr-upsert-job-detail", pk=job.pk)}
            if asked:
                headers["Preference-Applied"] = RESPOND_ASYNC
            return Response(
                HrUpsertJobSerializer(job).data, status=status.HTTP_202_ACCEPTED, headers=headers
            )
        result = hr_upsert(
            teams=teams, people=people, dry_run=params["dry_run"], changed_by=request.user
        )
        return Response(HrUpsertResultSerializer(result).data)


class HrUpsertJobListView(ListAPIView):
    """The HR upserts queued for a worker, newest first (whoever sent them: the HR upsert
    right covers the whole organization)."""

    permission_classes = [CanHrUpsert]
    serializer_class = HrUpsertJobSerializer
    queryset = hr_upsert_jobs_read(
        HrUpsertJob.objects.select_related("created_by__person").defer("payload")
    )
    ordering_fields = ["created_at", "id"]


class HrUpsertJobDetailView(RetrieveAPIView):
    """One queued HR upsert: its status, then its outcome."""

    permission_classes = [CanHrUpsert]
    serializer_class = HrUpsertJobSerializer
    queryset = hr_upsert_jobs_read(
        HrUpsertJob.objects.select_related("created_by__person").defer("payload")
    )
