"""The edit pages of a readiness plan: the plan's fields, its goals, partner teams, gap remedies
and the triage of its concerns, and the deletes. Access and writes as in ``views.plans``: the
owner and admins (a concern's assignee for its triage), every write through
``assessments.services.plans``.
"""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.decorators.http import require_POST

from assessments.forms.plans import (
    ConcernTriageForm,
    GapRemedyForm,
    PlanForm,
    PlanGoalForm,
    PlanPartnerForm,
)
from assessments.selectors.plans import (
    concern_can_triage,
)
from assessments.services.plans import (
    concern_triage,
    gap_remedy_delete,
    gap_remedy_set,
    plan_goal_create,
    plan_goal_delete,
    plan_goal_update,
    plan_partner_create,
    plan_partner_delete,
    plan_partner_update,
    plan_update,
)
from assessments.views.plans import _add_errors, _detail_url, _form_page, _plan
from readiness.concerns import (
    CONCERN_RAISER_RELATED,
    concern_shows_raiser,
)
from readiness.models import (
    Concern,
    GapRemedy,
    PlanGoal,
    PlanPartner,
    ReadinessPlan,
    Skill,
)
from readiness.typed import AuthenticatedHttpRequest


class PlanPartView(View):
    """A form page that changes one part of a plan the user may edit."""

    form_class: ClassVar[type[forms.Form]]
    title = ""
    anchor = ""
    intro = ""
    #: The plan of the page, set by ``load`` before anything reads it.
    plan: ReadinessPlan

    def load(self, request: AuthenticatedHttpRequest, **kwargs) -> None:
        self.plan = _plan(request, kwargs["pk"], edit=self.needs_edit(request, **kwargs))

    def needs_edit(self, request: AuthenticatedHttpRequest, **kwargs) -> bool:
        return True

    def initial(self) -> dict:
        return {}

    def form_kwargs(self) -> dict:
        return {}

    def save(self, data: dict) -> str:
        raise NotImplementedError

    def page(
        self, request: AuthenticatedHttpRequest, form: forms.Form, status: int = 200
    ) -> HttpResponse:
        return _form_page(
            request,
            form,
            title=self.title,
            plan=self.plan,
            intro=self.intro,
            cancel=_detail_url(self.plan, self.anchor),
            status=status,
            extra=self.extra(),
        )

    def extra(self) -> dict:
        return {}

    def get(self, request: AuthenticatedHttpRequest, **kwargs) -> HttpResponse:
        self.load(request, **kwargs)
        return self.page(request, self.form_class(initial=self.initial(), **self.form_kwargs()))

    def post(self, request: AuthenticatedHttpRequest, **kwargs) -> HttpResponse:
        self.load(request, **kwargs)
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                message = self.save(form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(_detail_url(self.plan, self.anchor))
        return self.page(request, form, status=400)


class PlanEditView(PlanPartView):
    form_class = PlanForm
    title = "Edit the plan"

    def initial(self) -> dict:
        plan = self.plan
        return {
            "name": plan.name,
            "business_scenario": plan.business_scenario,
            "owner": plan.owner_id,
            "start_date": plan.start_date,
            "target_date": plan.target_date,
            "status": plan.status,
        }

    def form_kwargs(self) -> dict:
        return {"current_owner": self.plan.owner}

    def save(self, data: dict) -> str:
        plan_update(plan=self.plan, **data)
        return "Plan saved."


class GoalCreateView(PlanPartView):
    form_class = PlanGoalForm
    title = "Add a goal"
    anchor = "goals"
    intro = "“X % of an audience at target on a skill (or on all their skills) by a date.”"

    def initial(self) -> dict:
        return {"due_date": self.plan.target_date}

    def save(self, data: dict) -> str:
        plan_goal_create(plan=self.plan, **data)
        return "Goal added."


class GoalEditView(PlanPartView):
    form_class = PlanGoalForm
    title = "Edit the goal"
    anchor = "goals"

    def load(self, request: AuthenticatedHttpRequest, **kwargs) -> None:
        super().load(request, **kwargs)
        self.goal = get_object_or_404(PlanGoal, pk=kwargs["goal_pk"], plan=self.plan)

    def initial(self) -> dict:
        goal = self.goal
        return {
            "audience": goal.audience_id,
            "skill": goal.skill_id,
            "target_share": goal.target_share,
            "due_date": goal.due_date,
        }

    def save(self, data: dict) -> str:
        plan_goal_update(goal=self.goal, **data)
        return "Goal saved."


class PartnerCreateView(PlanPartView):
    form_class = PlanPartnerForm
    title = "Add a partner team"
    anchor = "partners"

    def save(self, data: dict) -> str:
        partner = plan_partner_create(plan=self.plan, **data)
        return f"Partner “{partner.name}” added."


class PartnerEditView(PlanPartView):
    form_class = PlanPartnerForm
    title = "Edit the partner team"
    anchor = "partners"

    def load(self, request: AuthenticatedHttpRequest, **kwargs) -> None:
        super().load(request, **kwargs)
        self.partner = get_object_or_404(PlanPartner, pk=kwargs["partner_pk"], plan=self.plan)

    def initial(self) -> dict:
        partner = self.partner
        return {
            "team": partner.team_id,
            "name": partner.name,
            "contribution": partner.contribution,
            "due_date": partner.due_date,
        }

    def save(self, data: dict) -> str:
        plan_partner_update(partner=self.partner, **data)
        return "Partner saved."


class RemedyEditView(PlanPartView):
    form_class = GapRemedyForm
    anchor = "gaps"

    def load(self, request: AuthenticatedHttpRequest, **kwargs) -> None:
        super().load(request, **kwargs)
        self.skill = get_object_or_404(Skill, pk=kwargs["skill_pk"])
        self.remedy = (
            GapRemedy.objects.filter(plan=self.plan, skill=self.skill)
            .select_related("owner")
            .first()
        )
        self.title = f"Remedy for the gap on {self.skill.name}"

    def initial(self) -> dict:
        if self.remedy is None:
            return {"deadline": self.plan.target_date}
        remedy = self.remedy
        return {
            "remedy": remedy.remedy,
            "owner": remedy.owner_id,
            "deadline": remedy.deadline,
            "notes": remedy.notes,
        }

    def form_kwargs(self) -> dict:
        return {"current_owner": self.remedy.owner if self.remedy else None}

    def save(self, data: dict) -> str:
        gap_remedy_set(plan=self.plan, skill=self.skill, **data)
        return f"Remedy for {self.skill.name} saved."


class ConcernTriageView(PlanPartView):
    form_class = ConcernTriageForm
    title = "Triage a concern"
    anchor = "concerns"

    def load(self, request: AuthenticatedHttpRequest, **kwargs) -> None:
        self.plan = _plan(request, kwargs["pk"])
        self.concern = get_object_or_404(
            Concern.objects.select_related(*CONCERN_RAISER_RELATED, "owner"),
            pk=kwargs["concern_pk"],
            plan=self.plan,
        )
        if not concern_can_triage(user=request.user, plan=self.plan, concern=self.concern):
            raise PermissionDenied("Only the plan's owner or the concern's owner triages it.")
        self.show_raiser = concern_shows_raiser(user=request.user, concern=self.concern)

    def initial(self) -> dict:
        concern = self.concern
        return {
            "status": concern.status,
            "owner": concern.owner_id,
            "addressable_by": concern.addressable_by,
            "response": concern.response,
        }

    def form_kwargs(self) -> dict:
        return {"current_owner": self.concern.owner}

    def extra(self) -> dict:
        return {"concern": self.concern, "show_raiser": self.show_raiser}

    def save(self, data: dict) -> str:
        concern_triage(concern=self.concern, **data)
        return "Concern triaged. The person who raised it sees its status and response."


@require_POST
def goal_delete_view(request: AuthenticatedHttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    plan_goal_delete(goal=get_object_or_404(PlanGoal, pk=goal_pk, plan=plan))
    messages.success(request, "Goal removed.")
    return redirect(_detail_url(plan, "goals"))


@require_POST
def partner_delete_view(
    request: AuthenticatedHttpRequest, pk: int, partner_pk: int
) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    plan_partner_delete(partner=get_object_or_404(PlanPartner, pk=partner_pk, plan=plan))
    messages.success(request, "Partner removed.")
    return redirect(_detail_url(plan, "partners"))


@require_POST
def remedy_delete_view(request: AuthenticatedHttpRequest, pk: int, skill_pk: int) -> HttpResponse:
    plan = _plan(request, pk, edit=True)
    remedy = get_object_or_404(GapRemedy, plan=plan, skill_id=skill_pk)
    gap_remedy_delete(remedy=remedy)
    messages.success(request, "Remedy removed.")
    return redirect(_detail_url(plan, "gaps"))
