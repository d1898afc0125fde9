"""My learning plan (``/me/plan/``): the list, adding a resource, an item's next step, and
"Suggest a plan for all my gaps". Items are looked up among the signed-in person's own.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from assessments.models import (
    OPEN_PLAN_STATUSES,
    LearningPlanItem,
    PlanItemStatus,
)
from assessments.selectors import person_skill_states
from assessments.selectors.me import (
    person_plan_items,
    person_plan_suggestion,
    plan_progress,
    plan_retired_replacements,
)
from assessments.services.me import (
    plan_item_add,
    plan_item_transition,
    plan_suggestion_apply,
)
from assessments.views.me import OwnPersonMixin, _own_person
from catalog.models import TrainingResource
from readiness.models import Skill
from readiness.selectors import person_get
from readiness.typed import AuthenticatedHttpRequest

PLAN_ACTIONS = ("plan", "start", "complete", "drop")


class MyPlanView(OwnPersonMixin, TemplateView):
    request: AuthenticatedHttpRequest  # both bases declare it
    template_name = "assessments/me_plan.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        items = list(person_plan_items(person=self.person))
        # Items retired upstream show it, with the best replacement for the same gap; each
        # item's gap state says "for your gap in …" only while the gap is open.
        states = person_skill_states(person=self.person) if items else {}
        replacements = plan_retired_replacements(person=self.person, items=items, states=states)
        for item in items:
            item.retired_upstream = replacements.get(item.pk)
            item.gap_state = states.get(item.skill_id) if item.skill_id is not None else None
        completed = None
        completed_pk = self.request.GET.get("completed", "")
        if completed_pk.isdigit():
            completed = next(
                (
                    i
                    for i in items
                    if i.pk == int(completed_pk) and i.status == PlanItemStatus.COMPLETED
                ),
                None,
            )
        reassess_url, reassess_skills = None, []
        if completed is not None:
            reassess_skills = [link.skill for link in completed.resource.skill_links.all()]
            if completed.skill and completed.skill not in reassess_skills:
                reassess_skills.append(completed.skill)
            if reassess_skills:
                reassess_url = (
                    reverse("assessments:my-assessment")
                    + "?highlight="
                    + ",".join(str(skill.pk) for skill in reassess_skills)
                    + "#reassess"
                )
        context.update(
            person=self.person,
            current=[i for i in items if i.status in OPEN_PLAN_STATUSES],
            past=[i for i in items if i.status not in OPEN_PLAN_STATUSES],
            progress=plan_progress(items=items),
            completed=completed,
            reassess_url=reassess_url,
            reassess_skills=reassess_skills,
            tab="plan",
        )
        return context


def _next_url(request: AuthenticatedHttpRequest, default: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@require_POST
def my_plan_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Add to my plan" on a recommended resource, the catalog or a resource's page, for one of
    the skills the resource builds."""
    person = person_get(user=request.user)
    if person is None:
        # No plan to add to: the page that says why (the catalog offers no form to them).
        return render(request, "assessments/me_no_person.html", status=404)
    back = _next_url(request, reverse("assessments:my-plan"))
    resource_id, skill_id = request.POST.get("resource", ""), request.POST.get("skill", "")
    if not resource_id.isdigit():
        messages.error(request, "Choose a resource to add to your plan.")
        return HttpResponseRedirect(back)
    resource = get_object_or_404(TrainingResource, pk=int(resource_id))
    skill = None
    if skill_id:
        skill = (
            Skill.objects.filter(
                pk=int(skill_id), is_active=True, resource_links__resource=resource
            ).first()
            if skill_id.isdigit() and len(skill_id) < 19  # a 64-bit id at most
            else None
        )
        if skill is None:
            messages.error(request, "Choose one of the skills this resource builds.")
            return HttpResponseRedirect(back)
    try:
        _item, created = plan_item_add(
            person=person, resource=resource, skill=skill, status=PlanItemStatus.PLANNED
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(back)
    if created:
        messages.success(request, f"“{resource.title}” is now in your learning plan.")
    else:
        messages.info(request, f"“{resource.title}” was already in your learning plan.")
    return HttpResponseRedirect(back)


@require_POST
def my_plan_item_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Plan, start, complete or drop one of the person's own plan items."""
    if action not in PLAN_ACTIONS:
        raise Http404("Unknown action.")
    person = _own_person(request)
    item = get_object_or_404(
        LearningPlanItem.objects.filter(person=person).select_related("resource"), pk=pk
    )
    try:
        item = plan_item_transition(item=item, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:my-plan")
    title = item.resource.title
    if action == "complete":
        # The plan page congratulates and asks to reassess (it knows the skills).
        return HttpResponseRedirect(
            reverse("assessments:my-plan") + f"?completed={item.pk}#completed"
        )
    done = {"plan": "is planned", "start": "is in progress", "drop": "is dropped"}[action]
    messages.success(request, f"“{title}” {done}.")
    return redirect("assessments:my-plan")


@require_POST
def my_plan_suggest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Suggest a plan for all my gaps": the smallest-in-hours set of resources covering every
    gap the catalog can close, added to the plan as suggestions."""
    person = _own_person(request)
    suggestion = person_plan_suggestion(person=person)
    if not suggestion.resources and not suggestion.uncovered:
        messages.info(request, "You have no gaps to cover: every required skill is at target.")
        return redirect("assessments:my-plan")
    applied = plan_suggestion_apply(person=person, suggestion=suggestion)
    if suggestion.resources:
        covered_count = len({s for ids in suggestion.covers.values() for s in ids})
        text = (
            f"Suggested plan: {len(suggestion.resources)} "
            f"resource{'s' if len(suggestion.resources) != 1 else ''}, about "
            f"{round(suggestion.minutes / 60, 1):g} hours, covering {covered_count} "
            f"gap{'s' if covered_count != 1 else ''}."
        )
        if applied.created < applied.suggested:
            text += f" {applied.suggested - applied.created} of them already were in your plan."
        messages.success(request, text)
    if suggestion.uncovered:
        names = Skill.objects.filter(pk__in=suggestion.uncovered).values_list("name", flat=True)
        messages.warning(
            request,
            "No resource in the catalog closes these gaps yet: "
            + ", ".join(names)
            + ". Ask your manager about other ways to learn them.",
        )
    return redirect("assessments:my-plan")
