"""``/teams/<id>/review/``: self levels that differ from the manager's latest (and are newer),
member by member, to accept or adjust (access as in ``assessments.views.teams``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from assessments.forms.teams import review_edits_parse
from assessments.selectors.team_review import pending_reviews, self_rating_details
from assessments.selectors.teams import state_version
from assessments.services.teams import team_ratings_record
from assessments.views.teams import TeamAccessMixin
from readiness.models import Level, Team
from readiness.typed import AuthenticatedHttpRequest


class TeamReviewView(TeamAccessMixin, View):
    """Pending self levels grouped by member, each with its note, evidence, the previous self
    and the manager's level and both descriptors: accept, adjust, accept a member's, or all."""

    needs_edit = True

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.get_team(pk))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        edits, errors = review_edits_parse(request.POST)
        if errors:
            return self._render(request, team, errors=errors)
        try:
            result = team_ratings_record(manager=request.user, team=team, edits=edits)
        except ValidationError as error:
            return self._render(request, team, errors=error.messages)
        if result.conflicts:
            count = len(result.conflicts)
            return self._render(
                request,
                team,
                errors=[
                    f"{count} of these self-ratings changed since you opened the page; nothing was "
                    "recorded. The list below is up to date: check them again."
                ],
            )
        recorded = len(result.saved) + result.unchanged
        messages.success(
            request, f"Recorded {recorded} manager rating{'s' if recorded != 1 else ''}."
        )
        return redirect("assessments:team-review", pk=team.pk)

    def _render(
        self, request: AuthenticatedHttpRequest, team: Team, errors: list[str] | None = None
    ):  # noqa: ANN202
        rows = pending_reviews(team=team, exclude_user=request.user)
        details = self_rating_details(pairs=[(p.pk, skill.pk) for p, skill, _ in rows])
        members: dict[int, dict] = {}
        for person, skill, state in rows:
            key = f"{person.pk}-{skill.pk}"
            member = members.setdefault(person.pk, {"person": person, "items": []})
            member["items"].append(
                {
                    "person": person,
                    "skill": skill,
                    "state": state,
                    "key": key,
                    "version": state_version(state),
                    "detail": details.get((person.pk, skill.pk)),
                    "self_descriptor": (
                        skill.descriptor(state.self_level)
                        if state.self_level is not None  # always: a review awaits a self-rating
                        else None
                    ),
                    "manager_descriptor": (
                        skill.descriptor(state.manager_level)
                        if state.manager_level is not None
                        else ""
                    ),
                }
            )
        pending = [item for member in members.values() for item in member["items"]]
        return render(
            request,
            "assessments/team_review.html",
            {
                "team": team,
                "members": list(members.values()),
                "pending": pending,
                "pending_field": ",".join(p["key"] for p in pending),
                "levels": Level.choices,
                "errors": errors or [],
            },
        )
