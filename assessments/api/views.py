"""API views of the person side: effective levels and gaps, readiness, ratings, learning plans
and assessment cycles.

Reads call the rule functions of ``assessments.selectors`` and return exactly what they
compute; writes go through ``assessments.services`` (the same functions as the forms), whose
refusals become 400 responses with field errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api import filters
from assessments.api.serializers import (
    AssessmentCycleInput,
    AssessmentCycleSerializer,
    AudienceReadinessSerializer,
    CycleCompletionSerializer,
    ManagerRatingsInput,
    MemberSkillsSerializer,
    MeSerializer,
    PersonReadinessSerializer,
    PlanItemAddInput,
    PlanItemAssignInput,
    PlanItemAssignResultSerializer,
    PlanItemSerializer,
    PlanItemTransitionInput,
    ReadinessSerializer,
    SelfAssessmentInput,
    SelfAssessmentResultSerializer,
    SkillGapSerializer,
    SkillRatingSerializer,
    SkillStateParams,
    SkillStateSerializer,
    TeamGapParams,
    TeamReadinessSerializer,
)
from assessments.models import AssessmentCycle, LearningPlanItem, RatingSource, SkillRating
from assessments.selectors import (
    Readiness,
    SkillState,
    group_readiness,
    open_cycles_by_person,
    people_readiness,
    person_readiness,
    person_reassessment,
    person_skill_states,
    skill_readiness,
    skill_states,
    team_rollup,
)
from assessments.selectors_cycles import (
    CycleViewer,
    cycle_team_completion,
    cycle_viewer,
    cycles_completion,
    cycles_visible_to,
)
from assessments.selectors_teams import team_members, teams_readable_by
from assessments.services import (
    RatingInput,
    RatingsInvalid,
    cycle_create,
    manager_ratings_record,
    plan_item_add,
    plan_item_transition,
    self_assessment_submit,
    self_assessment_version,
)
from assessments.services_cycles import cycle_close, cycle_open
from assessments.services_teams import team_resource_assign
from catalog.models import TrainingResource
from readiness.api.permissions import IsLeadership, LeadershipWriteOrManagerRead
from readiness.models import Audience, Person, ReadinessPlan, Skill, Team
from readiness.selectors import (
    in_subtrees,
    managed_paths,
    people_managed_by,
    people_visible_to,
    person_get,
    teams_visible_to,
)


def _skills(skill_ids: Iterable[int]) -> dict[int, Skill]:
    return Skill.objects.select_related("category").in_bulk(set(skill_ids))


def _skill_order(skill: Skill) -> tuple:
    return (skill.category.order, skill.category.name, skill.order, skill.name, skill.pk)


def _visible_person(request: Request, person_id: int) -> Person:
    """A person the requester may read (``people_visible_to``), else 404."""
    return get_object_or_404(
        people_visible_to(user=request.user).select_related("user", "team", "role"),
        pk=person_id,
    )


def _own_person(request: Request) -> Person:
    person = person_get(user=request.user)
    if person is None:
        raise exceptions.NotFound("This account has no person record.")
    return person


def _params(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


def _paginated(
    view: generics.GenericAPIView, rows: Sequence, serializer: serializers.Serializer
) -> Response:
    """One page of a computed list (the rule functions' rows), in the paginator's envelope."""
    page = view.paginate_queryset(rows)
    serializer.instance = page
    return view.get_paginated_response(serializer.data)


def _figures(readiness: Readiness | None, *, hide_small: bool) -> dict:
    hidden = hide_small and (readiness is None or readiness.people < settings.MIN_AGGREGATE_PEOPLE)
    return ReadinessSerializer.figures(readiness, hidden=hidden)


# --- Effective levels and gaps of a person ----------------------------------------------------


class SkillStatesMixin:
    """Lists a person's skill states, filtered and ordered as the query asks."""

    serializer_class = SkillStateSerializer
    filter_backends: list = []

    def states_response(self, request: Request, person: Person) -> Response:
        params = _params(SkillStateParams, request)
        states = list(person_skill_states(person=person).values())
        skills = _skills(state.skill_id for state in states)
        if params["gaps_only"]:
            states = [s for s in states if s.gap > 0]
        if params["required"] is not None:
            states = [s for s in states if s.required == params["required"]]
        if params.get("category"):
            states = [s for s in states if skills[s.skill_id].category.slug == params["category"]]
        states = _ordered(states, skills, params["ordering"])
        return _paginated(self, states, SkillStateSerializer(many=True, context={"skills": skills}))


def _ordered(states: list[SkillState], skills: dict[int, Skill], ordering: str) -> list:
    by_skill = sorted(states, key=lambda s: _skill_order(skills[s.skill_id]))
    if ordering == "skill":
        return by_skill
    field = ordering.lstrip("-")
    reverse = ordering.startswith("-")
    # None (not assessed) sorts as -1; the framework's order breaks ties.
    return sorted(
        by_skill,
        key=lambda s: -1 if getattr(s, field) is None else getattr(s, field),
        reverse=reverse,
    )


_STATES_DOC = {
    "parameters": [SkillStateParams],
    "responses": {200: SkillStateSerializer(many=True)},
}


class PersonSkillsView(SkillStatesMixin, generics.GenericAPIView):
    """Effective level, target and gap of every required or rated skill of a person."""

    @extend_schema(operation_id="people_skills_list", **_STATES_DOC)
    def get(self, request: Request, person_id: int) -> Response:
        return self.states_response(request, _visible_person(request, person_id))


class MySkillsView(SkillStatesMixin, generics.GenericAPIView):
    """My effective levels and gaps (``?gaps_only=true`` for the gaps)."""

    @extend_schema(operation_id="me_skills_list", **_STATES_DOC)
    def get(self, request: Request) -> Response:
        return self.states_response(request, _own_person(request))


# --- Readiness --------------------------------------------------------------------------------


def _person_readiness(person: Person) -> dict:
    return {
        "person": person,
        "readiness": ReadinessSerializer.figures(person_readiness(person=person)),
        "reassessment": person_reassessment(person=person),
    }


class PersonReadinessView(generics.GenericAPIView):
    """A person's readiness and when they are due to reassess."""

    serializer_class = PersonReadinessSerializer

    def get(self, request: Request, person_id: int) -> Response:
        person = _visible_person(request, person_id)
        return Response(PersonReadinessSerializer(_person_readiness(person)).data)


class MeView(generics.GenericAPIView):
    """Who I am, my readiness, my next reassessment, and the version to send with a
    self-assessment."""

    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        person = _own_person(request)
        data = {
            **_person_readiness(person),
            "assessment_version": self_assessment_version(person=person),
        }
        return Response(MeSerializer(data).data)


class TeamReadinessMixin:
    def team_rows(self, request: Request, teams: list[Team]) -> list[dict]:
        """Each team's readiness over its whole sub-tree (``team_rollup`` of
        ``group_readiness(by="team")``). Figures of teams the requester reaches only as
        leadership are hidden under ``MIN_AGGREGATE_PEOPLE`` people."""
        if not teams:
            return []
        paths = [team.path for team in teams]
        people = Person.objects.filter(in_subtrees(paths, field="team__path"), is_active=True)
        per_team = group_readiness(people=people, by="team")
        rolled = team_rollup(teams=Team.objects.filter(in_subtrees(paths)), per_team=per_team)
        mine = managed_paths(user=request.user)
        return [
            {
                "team": team,
                "readiness": _figures(
                    rolled.get(team.pk),
                    hide_small=not any(team.path.startswith(path) for path in mine),
                ),
            }
            for team in teams
        ]


class TeamReadinessView(TeamReadinessMixin, generics.GenericAPIView):
    """A team's readiness, including every team below it."""

    serializer_class = TeamReadinessSerializer

    def get(self, request: Request, team_id: int) -> Response:
        team = get_object_or_404(teams_visible_to(user=request.user), pk=team_id)
        return Response(TeamReadinessSerializer(self.team_rows(request, [team])[0]).data)


class TeamReadinessListView(TeamReadinessMixin, generics.ListAPIView):
    """Readiness of every team the person may read, each over its sub-tree."""

    serializer_class = TeamReadinessSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        return teams_visible_to(user=self.request.user).order_by("path", "pk")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = self.team_rows(request, list(page))
        return self.get_paginated_response(TeamReadinessSerializer(rows, many=True).data)


def _audience_rows(audiences: list[Audience]) -> list[dict]:
    """Readiness per audience (``group_readiness(by="audience")``; Everyone covers every
    active person), hidden under ``MIN_AGGREGATE_PEOPLE`` people (a leadership view)."""
    people = Person.objects.filter(is_active=True)
    per_audience = group_readiness(people=people, by="audience") if audiences else {}
    everyone = (
        group_readiness(people=people, by="all").get(0)
        if any(a.is_everyone for a in audiences)
        else None
    )
    return [
        {
            "audience": audience,
            "readiness": _figures(
                everyone if audience.is_everyone else per_audience.get(audience.pk),
                hide_small=True,
            ),
        }
        for audience in audiences
    ]


class AudienceReadinessListView(generics.ListAPIView):
    """Readiness per audience (leadership and admins)."""

    serializer_class = AudienceReadinessSerializer
    permission_classes = [IsLeadership]
    filter_backends: list = []
    queryset = Audience.objects.order_by("order", "name", "pk")

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = _audience_rows(list(page))
        return self.get_paginated_response(AudienceReadinessSerializer(rows, many=True).data)


class AudienceReadinessView(generics.GenericAPIView):
    """One audience's readiness (leadership and admins)."""

    serializer_class = AudienceReadinessSerializer
    permission_classes = [IsLeadership]

    def get(self, request: Request, audience_id: int) -> Response:
        audience = get_object_or_404(Audience, pk=audience_id)
        return Response(AudienceReadinessSerializer(_audience_rows([audience])[0]).data)


# --- Team skill map and gaps ------------------------------------------------------------------


class TeamParams(serializers.Serializer):
    include_subteams = serializers.BooleanField(
        required=False, default=False, help_text="Also the members of every team below."
    )


def _readable_team(request: Request, team_id: int) -> Team:
    """A team whose skill map the requester may read (the map page's rule), else 404."""
    return get_object_or_404(teams_readable_by(user=request.user), pk=team_id)


def _members(team: Team, include_subteams: bool) -> QuerySet[Person]:
    if not include_subteams:
        return team_members(team=team).select_related("team")
    return (
        Person.objects.filter(team__path__startswith=team.path, is_active=True)
        .select_related("user", "team", "role")
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
    )


class TeamSkillsView(generics.GenericAPIView):
    """The team skill map: each member with their readiness and every skill state. Paginated
    by member; each page costs the same queries whatever the team's size."""

    serializer_class = MemberSkillsSerializer
    filter_backends: list = []

    @extend_schema(parameters=[TeamParams], responses={200: MemberSkillsSerializer(many=True)})
    def get(self, request: Request, team_id: int) -> Response:
        params = _params(TeamParams, request)
        team = _readable_team(request, team_id)
        page = list(self.paginate_queryset(_members(team, params["include_subteams"])))
        people = Person.objects.filter(pk__in=[person.pk for person in page])
        states: dict[int, list[SkillState]] = {person.pk: [] for person in page}
        for state in skill_states(people=people):
            states[state.person_id].append(state)
        readiness = people_readiness(people=people)
        skills = _skills(s.skill_id for rows in states.values() for s in rows)
        rows = [
            {
                "person": person,
                "readiness": ReadinessSerializer.figures(readiness.get(person.pk)),
                "skills": _ordered(states[person.pk], skills, "skill"),
            }
            for person in page
        ]
        data = MemberSkillsSerializer(rows, many=True, context={"skills": skills}).data
        return self.get_paginated_response(data)


class TeamGapsView(generics.GenericAPIView):
    """Skills ranked by total gap across the team (``skill_readiness``)."""

    serializer_class = SkillGapSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[TeamParams, TeamGapParams], responses={200: SkillGapSerializer(many=True)}
    )
    def get(self, request: Request, team_id: int) -> Response:
        params = {**_params(TeamParams, request), **_params(TeamGapParams, request)}
        team = _readable_team(request, team_id)
        per_skill = skill_readiness(people=_members(team, params["include_subteams"]))
        skills = _skills(per_skill)
        rows = [
            {"skill": skills[skill_id], "readiness": figures}
            for skill_id, figures in per_skill.items()
            if not params.get("category") or skills[skill_id].category.slug == params["category"]
        ]
        rows.sort(key=lambda row: _skill_order(row["skill"]))
        ordering = params["ordering"]
        if ordering != "skill":
            field = ordering.lstrip("-")
            rows.sort(key=lambda row: getattr(row["readiness"], field), reverse=ordering[0] == "-")
        return _paginated(self, rows, SkillGapSerializer(many=True))


# --- Ratings ----------------------------------------------------------------------------------


def _rating_errors(error: RatingsInvalid, inputs: list[dict], *, by_index: bool) -> dict:
    """The service's errors per rating, laid out as DRF lays out errors of a list: an object
    keyed by the index of each refused input. The self-assessment service drops unchanged
    ratings before validating, so its errors are matched to inputs by skill."""
    per_input: dict[int, dict] = {}
    for (_person_id, skill_id, index), problem in error.errors_by_key.items():
        targets = (
            [index]
            if by_index
            else [i for i, entry in enumerate(inputs) if entry["skill"] == skill_id]
        )
        detail = (
            problem.message_dict
            if hasattr(problem, "error_dict")
            else {"non_field_errors": problem.messages}
        )
        for target in targets:
            for field, messages in detail.items():
                per_input.setdefault(target, {}).setdefault(field, []).extend(messages)
    return {"ratings": per_input}


def _entries(ratings: list[dict]) -> list[RatingInput]:
    return [
        RatingInput(
            skill_id=entry["skill"],
            level=entry["level"],
            person_id=entry.get("person"),
            interest=entry.get("interest"),
            note=entry.get("note", ""),
            evidence_url=entry.get("evidence_url", ""),
        )
        for entry in ratings
    ]


@extend_schema_view(
    list=extend_schema(description="Ratings of the people you may read, newest first."),
)
class SkillRatingViewSet(viewsets.ReadOnlyModelViewSet):
    """Skill ratings (append-only). Read: ratings of the people the requester may read.
    Write: a self-assessment for oneself; manager ratings for the people one manages."""

    queryset = SkillRating.objects.none()  # for the schema; see get_queryset

    serializer_class = SkillRatingSerializer
    filterset_class = filters.SkillRatingFilter
    ordering_fields = ["created_at", "id", "level"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        return SkillRating.objects.filter(person__in=people_visible_to(user=self.request.user))

    @extend_schema(
        request=SelfAssessmentInput,
        responses={201: SelfAssessmentResultSerializer},
        description="Submit my self-assessment (as the self-assessment page does): ratings are "
        "appended for the skills that changed (all of them inside an open cycle), and the "
        "submission restarts my reassessment cadence.",
    )
    @action(detail=False, methods=["post"], url_path="self-assessment", filter_backends=[],
            pagination_class=None)
    def self_assessment(self, request: Request) -> Response:
        person = _own_person(request)
        data = SelfAssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        ratings = data.validated_data["ratings"]
        cycle = open_cycles_by_person(
            people=Person.objects.filter(pk=person.pk), today=timezone.localdate()
        ).get(person.pk)
        try:
            submission = self_assessment_submit(
                person=person,
                entries=_entries(ratings),
                user=request.user,
                cycle=cycle,
                version=data.validated_data["version"],
            )
        except RatingsInvalid as error:
            raise _invalid(_rating_errors(error, ratings, by_index=False)) from error
        except ValidationError as error:
            if error.code == "stale":
                raise _invalid({"version": error.messages}) from error
            raise
        created = SkillRating.objects.filter(
            person=person, source=RatingSource.SELF, created_at=submission.submitted_at
        ).order_by("skill_id", "pk")
        result = {"submission": submission, "ratings": created}
        return Response(SelfAssessmentResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ManagerRatingsInput,
        responses={201: SkillRatingSerializer(many=True)},
        description="Record manager ratings of people you manage (your teams and the teams "
        "below them), all or nothing.",
    )
    @action(detail=False, methods=["post"], url_path="manager", filter_backends=[],
            pagination_class=None)
    def manager(self, request: Request) -> Response:
        data = ManagerRatingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        ratings = data.validated_data["ratings"]
        managed = set(
            people_managed_by(user=request.user)
            .filter(pk__in={entry["person"] for entry in ratings})
            .values_list("pk", flat=True)
        )
        refused = {
            index: {"person": ["You do not manage this person."]}
            for index, entry in enumerate(ratings)
            if entry["person"] not in managed
        }
        if refused:
            raise _invalid({"ratings": refused})
        try:
            rows = manager_ratings_record(manager=request.user, entries=_entries(ratings))
        except RatingsInvalid as error:
            raise _invalid(_rating_errors(error, ratings, by_index=True)) from error
        return Response(SkillRatingSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


def _invalid(detail: dict) -> exceptions.ValidationError:
    return exceptions.ValidationError(detail)


# --- Learning plans ---------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=PlanItemAddInput,
        responses={201: PlanItemSerializer, 200: PlanItemSerializer},
        description="Add a resource to my learning plan (200 when it already was in it).",
    )
)
class PlanItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Learning-plan items of the people the requester may read: their own, and for managers
    their people's (with who assigned each)."""

    queryset = LearningPlanItem.objects.none()  # for the schema; see get_queryset

    serializer_class = PlanItemSerializer
    filterset_class = filters.PlanItemFilter
    ordering_fields = ["due_date", "created_at", "status", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet:
        return LearningPlanItem.objects.filter(
            person__in=people_visible_to(user=self.request.user)
        ).select_related("resource")

    def create(self, request: Request, *args, **kwargs) -> Response:
        person = _own_person(request)
        data = PlanItemAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        resource = _resource(data.validated_data["resource"])
        skill_id = data.validated_data["skill"]
        skill = Skill.objects.filter(pk=skill_id, is_active=True).first() if skill_id else None
        if skill_id and skill is None:
            raise _invalid({"skill": ["This skill is not in the skills framework."]})
        item, created = plan_item_add(
            person=person, resource=resource, skill=skill, due_date=data.validated_data["due_date"]
        )
        return Response(
            PlanItemSerializer(item).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=PlanItemAssignInput,
        responses={201: PlanItemAssignResultSerializer},
        description="Assign a resource to members of a team you manage, with a due date (as "
        "the team gaps page does).",
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def assign(self, request: Request) -> Response:
        data = PlanItemAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        team = Team.objects.filter(
            pk__in=teams_readable_by(user=request.user).values("pk"),
            pk=data.validated_data["team"],
        ).first()
        if team is None:
            raise _invalid({"team": ["Choose a team you manage."]})
        resource = _resource(data.validated_data["resource"])
        people = list(team_members(team=team).filter(pk__in=data.validated_data["people"]))
        if len(people) != len(set(data.validated_data["people"])):
            raise _invalid({"people": [f"Only members of {team.name} can be assigned."]})
        try:
            result = team_resource_assign(
                manager=request.user,
                team=team,
                resource=resource,
                people=people,
                due_date=data.validated_data["due_date"],
            )
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        return Response(
            PlanItemAssignResultSerializer({"created": result.created, "updated": result.updated}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=PlanItemTransitionInput, responses={200: PlanItemSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Plan, start, complete or drop one of my own plan items."""
        item = self.get_object()
        if item.person.user_id != request.user.pk:
            raise exceptions.PermissionDenied("Only the person themself moves their plan items.")
        data = PlanItemTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = plan_item_transition(item=item, action=data.validated_data["action"])
        return Response(PlanItemSerializer(item).data)

    def get_object(self) -> LearningPlanItem:
        queryset = self.get_queryset().select_related("person")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


def _resource(resource_id: int) -> TrainingResource:
    resource = TrainingResource.objects.filter(pk=resource_id).first()
    if resource is None:
        raise _invalid({"resource": ["No such training resource."]})
    return resource


# --- Assessment cycles ------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=AssessmentCycleInput, responses={201: AssessmentCycleSerializer})
)
class AssessmentCycleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Assessment cycles: leadership and admins read and create them; managers read them."""

    queryset = AssessmentCycle.objects.prefetch_related("audiences", "teams")
    serializer_class = AssessmentCycleSerializer
    permission_classes = [LeadershipWriteOrManagerRead]
    filterset_class = filters.AssessmentCycleFilter
    ordering_fields = ["opens_on", "due_on", "id"]
    ordering = ["-opens_on", "name", "id"]

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = AssessmentCycleInput(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = cycle_create(**_cycle_relations(dict(data.validated_data)))
        return Response(AssessmentCycleSerializer(cycle).data, status=status.HTTP_201_CREATED)

    def _visible_cycle(self, *, manage: bool) -> tuple[AssessmentCycle, CycleViewer]:
        """The cycle of the URL as the cycle pages find it (``cycles_visible_to``): refused
        without a viewer (or, to change it, without leadership); 404 when out of reach."""
        viewer = cycle_viewer(user=self.request.user)
        if viewer is None or (manage and not viewer.can_manage):
            raise exceptions.PermissionDenied("Only leadership and admins manage cycles.")
        cycles = cycles_visible_to(viewer=viewer).prefetch_related("audiences", "teams")
        return get_object_or_404(cycles, pk=self.kwargs["pk"]), viewer

    @extend_schema(request=None, responses={200: AssessmentCycleSerializer},
                   description="Open a draft cycle (leadership and admins).")
    @action(detail=True, methods=["post"], url_path="open", url_name="open",
            filter_backends=[], pagination_class=None)
    def open_cycle(self, request: Request, pk: str | None = None) -> Response:
        cycle, _viewer = self._visible_cycle(manage=True)
        cycle = cycle_open(cycle=cycle)
        return Response(AssessmentCycleSerializer(self.get_queryset().get(pk=cycle.pk)).data)

    @extend_schema(request=None, responses={200: AssessmentCycleSerializer},
                   description="Close the cycle and freeze who was in scope and who submitted "
                   "(leadership and admins); closing a closed cycle changes nothing.")
    @action(detail=True, methods=["post"], url_path="close", url_name="close",
            filter_backends=[], pagination_class=None)
    def close(self, request: Request, pk: str | None = None) -> Response:
        cycle, _viewer = self._visible_cycle(manage=True)
        cycle = cycle_close(cycle=cycle)
        return Response(AssessmentCycleSerializer(self.get_queryset().get(pk=cycle.pk)).data)

    @extend_schema(responses={200: CycleCompletionSerializer})
    @action(detail=True, methods=["get"], url_path="completion", url_name="completion",
            filter_backends=[], pagination_class=None)
    def completion(self, request: Request, pk: str | None = None) -> Response:
        """Completion of the cycle, overall and per team (leadership: everybody; a manager:
        the people of the teams they manage)."""
        cycle, viewer = self._visible_cycle(manage=False)
        overall = cycles_completion(cycles=[cycle], viewer=viewer)[cycle.pk]
        teams = [
            {"team_id": row.team_id, "label": row.label, "depth": row.depth,
             "submitted": row.completion.submitted, "in_scope": row.completion.in_scope,
             "percent": row.completion.percent}
            for row in cycle_team_completion(cycle=cycle, viewer=viewer)
        ]
        return Response(CycleCompletionSerializer(
            {"cycle": cycle, "completion": overall, "teams": teams}).data)


def _cycle_relations(values: dict) -> dict:
    """Resolve ids to objects; an unknown id is a field error."""
    errors = {}
    plan = None
    if values.get("plan") is not None:
        plan = ReadinessPlan.objects.filter(pk=values["plan"]).first()
        if plan is None:
            errors["plan"] = ["No such readiness plan."]
    audiences = list(Audience.objects.filter(pk__in=values["audiences"]))
    if len(audiences) != len(set(values["audiences"])):
        errors["audiences"] = ["No such audience."]
    teams = list(Team.objects.filter(pk__in=values["teams"]))
    if len(teams) != len(set(values["teams"])):
        errors["teams"] = ["No such team."]
    if errors:
        raise _invalid(errors)
    return {**values, "plan": plan, "audiences": audiences, "teams": teams}

