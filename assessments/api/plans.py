"""API of readiness plans: read (the detail with each goal's current value), create and change
a plan, its goals, partner teams and gap remedies, and triage the concerns of its register.

The same rules as the plan pages (``assessments.views.plans``): who may do what comes from
``assessments.selectors.plans``; the input goes through the pages' forms
(``assessments.forms.plans``) and the writes through ``assessments.services.plans``. The
serializers below only check the shape of the input (and document it).
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.api.plan_access import CanUsePlans, request_input, valid_form
from assessments.api.plan_parts import PlanPart, part_actions
from assessments.api.plan_serializers import (
    ConcernTriageInput,
    GapRemedyInput,
    GapRemedySerializer,
    PlanDetailSerializer,
    PlanGoalInput,
    PlanInput,
    PlanPartnerInput,
    TriagedConcernSerializer,
)
from assessments.forms.plans import (
    ConcernTriageForm,
    GapRemedyForm,
    PlanForm,
    PlanGoalForm,
    PlanPartnerForm,
)
from assessments.selectors.plans import (
    concern_can_triage,
    plan_can_create,
    plan_can_edit,
    plan_figures,
    plans_visible_to,
)
from assessments.services.plans import (
    PLAN_FIELDS,
    concern_triage,
    gap_remedy_delete,
    gap_remedy_set,
    plan_create,
    plan_goal_create,
    plan_goal_delete,
    plan_goal_update,
    plan_partner_create,
    plan_partner_delete,
    plan_partner_update,
    plan_update,
)
from readiness.api import filters
from readiness.api.locations import created
from readiness.api.serializers import (
    PlanGoalSerializer,
    PlanPartnerSerializer,
    ReadinessPlanSerializer,
)
from readiness.concerns import (
    CONCERN_RAISER_RELATED,
)
from readiness.models import (
    Concern,
    GapRemedy,
    PlanGoal,
    PlanPartner,
    ReadinessPlan,
    Skill,
)
from readiness.typed import api_user

GOALS = PlanPart(
    name="goal",
    plural="goals",
    model=PlanGoal,
    input=PlanGoalInput,
    output=PlanGoalSerializer,
    form=PlanGoalForm,
    create=plan_goal_create,
    update=plan_goal_update,
    delete=plan_goal_delete,
    texts={
        "create": "Add a goal to the plan.",
        "get": "A goal of the plan (whoever may read the plan).",
        "put": "Change a goal of the plan.",
        "patch": "Change some fields of a goal of the plan (checked as a PUT).",
        "delete": "Remove a goal of the plan.",
    },
)
PARTNERS = PlanPart(
    name="partner",
    plural="partners",
    model=PlanPartner,
    input=PlanPartnerInput,
    output=PlanPartnerSerializer,
    form=PlanPartnerForm,
    create=plan_partner_create,
    update=plan_partner_update,
    delete=plan_partner_delete,
    texts={
        "create": "Add a partner team to the plan.",
        "get": "A partner of the plan (whoever may read the plan).",
        "put": "Change a partner.",
        "patch": "Change some fields of a partner (checked as a PUT).",
        "delete": "Remove a partner of the plan.",
    },
)


@extend_schema_view(
    create=extend_schema(
        request=PlanInput,
        responses={201: ReadinessPlanSerializer},
        description="Create a plan (leadership and admins).",
    ),
    update=extend_schema(
        request=PlanInput,
        responses={200: ReadinessPlanSerializer},
        description="Change the plan (its owner and admins).",
    ),
    partial_update=extend_schema(
        request=PlanInput,
        responses={200: ReadinessPlanSerializer},
        description="Change some fields of the plan (its owner and admins): the others keep "
        "their values; checked as a PUT.",
    ),
    retrieve=extend_schema(
        responses={200: PlanDetailSerializer},
        description="The plan, each goal with its current value.",
    ),
)
class ReadinessPlanViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Readiness plans with their goals and partner teams: leadership and admins read every
    plan, an owner theirs (``assessments.selectors.plans``); the owner and admins change it."""

    queryset = ReadinessPlan.objects.none()  # for the schema; see get_queryset
    serializer_class = ReadinessPlanSerializer
    permission_classes = [CanUsePlans]
    filterset_class = filters.ReadinessPlanFilter
    ordering_fields = ["start_date", "target_date", "name", "id"]
    ordering = ["-start_date", "name", "id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return (
            plans_visible_to(user=api_user(self.request))
            .select_related("owner__person")
            .prefetch_related("goals", "partners")
        )

    def _editable(self) -> ReadinessPlan:
        plan = self.get_object()
        if not plan_can_edit(user=api_user(self.request), plan=plan):
            raise exceptions.PermissionDenied(
                "Only the plan's owner (or an admin) changes this plan."
            )
        return plan

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        plan = self.get_object()
        goals = list(plan.goals.select_related("audience", "skill").order_by("due_date", "pk"))
        figures = plan_figures(plan=plan, goals=goals)
        serializer = PlanDetailSerializer(
            plan, context={**self.get_serializer_context(), "goals_progress": figures.goals}
        )
        return Response(serializer.data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not plan_can_create(user=api_user(request)):
            raise exceptions.PermissionDenied("Only leadership and admins create plans.")
        data = request_input(PlanInput, request)
        plan = plan_create(**valid_form(PlanForm(data=data, current_owner=api_user(request))))
        return created(request, ReadinessPlanSerializer(plan).data, "plan-detail", pk=plan.pk)

    def update(self, request: Request, *args, **kwargs) -> Response:
        plan = self._editable()
        data = request_input(PlanInput, request, plan)
        cleaned = valid_form(PlanForm(data=data, current_owner=plan.owner))
        plan = plan_update(plan=plan, **{name: cleaned[name] for name in PLAN_FIELDS})
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(ReadinessPlanSerializer(plan).data)

    # --- Goals and partners: the same shape (``assessments.api.plan_parts``) ---

    goal_create, goal = part_actions(GOALS)
    partner_create, partner = part_actions(PARTNERS)

    # --- Gap remedies ---

    @extend_schema(
        methods=["GET"],
        responses={200: GapRemedySerializer},
        description="How the plan closes the gap on a skill (whoever may read the "
        "plan; 404 when it has no remedy for that skill).",
    )
    @extend_schema(
        methods=["PUT"],
        request=GapRemedyInput,
        responses={200: GapRemedySerializer},
        description="Set how the plan closes the gap on a skill: train, hire or "
        "partner, by a deadline (one remedy per skill).",
    )
    @extend_schema(
        methods=["PATCH"],
        request=GapRemedyInput,
        responses={200: GapRemedySerializer},
        description="Change some fields of the plan's remedy for the gap on a skill "
        "(checked as a PUT; 404 when the skill has no remedy yet: PUT one).",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={204: None},
        description="Remove the plan's remedy for the gap on a skill.",
    )
    @extend_schema(parameters=[OpenApiParameter("skill_pk", int, OpenApiParameter.PATH)])
    @action(
        detail=True,
        methods=["get", "put", "patch", "delete"],
        url_path=r"gaps/(?P<skill_pk>[0-9]+)/remedy",
        url_name="remedy",
        filter_backends=[],
        pagination_class=None,
    )
    def remedy(self, request: Request, pk: str | None = None, skill_pk: str = "") -> Response:
        if request.method == "GET":
            queryset = GapRemedy.objects.select_related("owner__person")
            remedy = get_object_or_404(queryset, plan=self.get_object(), skill_id=skill_pk)
            return Response(GapRemedySerializer(remedy).data)
        plan = self._editable()
        skill = get_object_or_404(Skill, pk=skill_pk)
        if request.method == "DELETE":
            gap_remedy_delete(remedy=get_object_or_404(GapRemedy, plan=plan, skill=skill))
            return Response(status=status.HTTP_204_NO_CONTENT)
        current = (
            GapRemedy.objects.filter(plan=plan, skill=skill).select_related("owner__person").first()
        )
        if request.method == "PATCH" and current is None:
            raise exceptions.NotFound("The plan has no remedy for this skill yet: PUT one.")
        data = request_input(GapRemedyInput, request, current)
        form = GapRemedyForm(data=data, current_owner=current.owner if current else None)
        entry = gap_remedy_set(plan=plan, skill=skill, **valid_form(form))
        return Response(GapRemedySerializer(entry).data)

    # --- Concerns ---

    @extend_schema(
        request=ConcernTriageInput,
        responses={200: TriagedConcernSerializer},
        description="Triage a concern of the plan's register: status, owner, area "
        "and the response its raiser reads (the plan's owner, admins, and the "
        "concern's owner).",
    )
    @extend_schema(parameters=[OpenApiParameter("concern_pk", int, OpenApiParameter.PATH)])
    @action(
        detail=True,
        methods=["post"],
        url_path=r"concerns/(?P<concern_pk>[0-9]+)/triage",
        url_name="concern-triage",
        filter_backends=[],
        pagination_class=None,
    )
    def concern_triage(
        self, request: Request, pk: str | None = None, concern_pk: str = ""
    ) -> Response:
        plan = self.get_object()
        concern = get_object_or_404(
            Concern.objects.select_related(*CONCERN_RAISER_RELATED, "owner__person"),
            pk=concern_pk,
            plan=plan,
        )
        if not concern_can_triage(user=api_user(request), plan=plan, concern=concern):
            raise exceptions.PermissionDenied(
                "Only the plan's owner or the concern's owner triages it."
            )
        data = request_input(ConcernTriageInput, request)
        form = ConcernTriageForm(data=data, current_owner=concern.owner)
        concern = concern_triage(concern=concern, **valid_form(form))
        return Response(
            TriagedConcernSerializer(concern, context=self.get_serializer_context()).data
        )
