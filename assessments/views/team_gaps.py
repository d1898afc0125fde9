"""``/teams/<id>/gaps/``: a team's gaps, the training that closes most of them, and assigning
it (access as in ``assessments.views.teams``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views import View

from assessments.forms.teams import AssignForm
from assessments.models import OPEN_PLAN_STATUSES, LearningPlanItem, PlanItemStatus
from assessments.recommendations import team_resource_ranking
from assessments.selectors import skill_readiness, skill_states
from assessments.selectors.teams import team_members
from assessments.services.teams import team_resource_assign
from assessments.views.teams import TeamAccessMixin
from catalog.models import TrainingResource
from readiness.models import Person, Skill, Team
from readiness.typed import AuthenticatedHttpRequest

DEFAULT_DUE_DAYS = 30


class TeamGapsView(TeamAccessMixin, View):
    needs_members = True

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        return self._render(request, team)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        self.needs_edit = True
        team = self.get_team(pk)
        form = AssignForm(request.POST, members=team_members(team=team))
        if not form.is_valid():
            return self._render(request, team, assign_form=form)
        resource = TrainingResource.objects.filter(
            pk=form.cleaned_data["resource"], is_active=True
        ).first()
        if resource is None:
            form.add_error(None, "This resource is no longer in the catalog.")
            return self._render(request, team, assign_form=form)
        people = list(form.cleaned_data["people"])
        try:
            result = team_resource_assign(
                manager=request.user,
                team=team,
                resource=resource,
                people=people,
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self._render(request, team, assign_form=form)
        names = ", ".join(p.display_name for p in people)
        count = len(result.created) + len(result.updated)
        messages.success(
            request,
            f"Assigned “{resource.title}” to {count} member{'s' if count != 1 else ''} "
            f"({names}), due {date_format(form.cleaned_data['due_date'], 'j M Y')}.",
        )
        return redirect("assessments:team-gaps", pk=team.pk)

    def _render(
        self, request: AuthenticatedHttpRequest, team: Team, assign_form: AssignForm | None = None
    ):  # noqa: ANN202
        members = list(team_members(team=team))
        scope = Person.objects.filter(team=team, is_active=True)
        states = skill_states(people=scope)
        per_skill = skill_readiness(people=scope)
        skills = Skill.objects.select_related("category").in_bulk(list(per_skill))
        ranked_skills = sorted(
            ((skills[sid], figures) for sid, figures in per_skill.items() if sid in skills),
            key=lambda pair: (-pair[1].total_gap, -pair[1].not_assessed, pair[0].name),
        )
        ranking = team_resource_ranking(people=members, states=states)
        assignable = [p for p in members if p.user_id != request.user.pk]
        # A form to show again is the one bound to this POST.
        resources = _resource_rows(
            ranking=ranking,
            members=members,
            assignable=assignable,
            skills=skills,
            posted_resource=request.POST.get("resource") if assign_form else None,
            posted_people=set(request.POST.getlist("people")) if assign_form else set(),
            assign_form=assign_form,
        )
        matched = any(item["form"] for item in resources)
        return render(
            request,
            "assessments/team_gaps.html",
            {
                "team": team,
                # Errors of an assignment whose resource is not in the ranking any more.
                "assign_errors": (
                    [e for errors in assign_form.errors.values() for e in errors]
                    if assign_form is not None and assign_form.errors and not matched
                    else []
                ),
                "can_edit": self.can_edit,
                "ranked_skills": [pair for pair in ranked_skills if pair[1].total_gap > 0],
                "no_gap_skills": sum(1 for pair in ranked_skills if pair[1].total_gap == 0),
                "resources": resources,
                "default_due": timezone.localdate() + dt.timedelta(days=DEFAULT_DUE_DAYS),
                "today": timezone.localdate(),
                "members": len(members),
            },
        )


def _resource_rows(
    *,
    ranking: list,
    members: list[Person],
    assignable: list[Person],
    skills: dict[int, Skill],
    posted_resource: str | None,
    posted_people: set[str],
    assign_form: AssignForm | None,
) -> list[dict]:
    """One row per ranked resource: the members it helps, its skills, and the assignment
    choices (a member each, pre-ticked or as posted)."""
    by_id = {person.pk: person for person in members}
    holding = _plan_holdings(
        people=[p.pk for p in assignable], resources=[e.resource.pk for e in ranking]
    )
    resources = []
    for entry in ranking:
        helped = sorted(
            (by_id[pid] for pid in entry.members), key=lambda p: p.display_name.casefold()
        )
        is_posted = posted_resource == str(entry.resource.pk)
        held = holding.get(entry.resource.pk, {})
        # Pre-ticked: the members it closes a gap for who do not have it in a plan yet.
        choices = [
            {
                "person": person,
                "helps": person.pk in entry.members,
                "has": held.get(person.pk),
                "checked": (
                    str(person.pk) in posted_people
                    if is_posted
                    else person.pk in entry.members and person.pk not in held
                ),
            }
            for person in sorted(
                assignable, key=lambda p: (p.pk not in entry.members, p.display_name.casefold())
            )
        ]
        resources.append(
            {
                "entry": entry,
                "helped": helped,
                "skills": sorted(
                    (skills[sid] for sid in entry.skills if sid in skills), key=lambda s: s.name
                ),
                "choices": choices,
                "form": assign_form if is_posted else None,
            }
        )
    return resources


def _plan_holdings(*, people: list[int], resources: list[int]) -> dict[int, dict[int, str]]:
    """Resource id → {person id: "in their plan (planned)" or "completed it"} for the people who
    have the resource in an open plan item or completed it (an open item wins). One query."""
    if not people or not resources:
        return {}
    held: dict[int, dict[int, str]] = defaultdict(dict)
    rows = LearningPlanItem.objects.filter(
        person_id__in=people,
        resource_id__in=resources,
        status__in=[*OPEN_PLAN_STATUSES, PlanItemStatus.COMPLETED],
    ).values_list("resource_id", "person_id", "status")
    for resource_id, person_id, status in rows:
        if status == PlanItemStatus.COMPLETED:
            held[resource_id].setdefault(person_id, "completed it")
        else:
            held[resource_id][person_id] = f"in their plan ({PlanItemStatus(status).label.lower()})"
    return held
