"""The home page: what each persona needs first, with real numbers from the rules."""

from django.views.generic import TemplateView

from assessments.selectors import (
    EMPTY_READINESS,
    Readiness,
    audiences_hidden,
    group_readiness,
    person_readiness,
    person_reassessment,
    person_skill_states,
    team_rollup,
)
from readiness.models import Audience, Person, Skill, Team
from readiness.permissions import is_leadership
from readiness.privacy_floor import aggregate_hidden, min_people
from readiness.selectors import in_subtrees, person_get, teams_managed_by
from readiness.typed import AuthenticatedHttpRequest

TOP_GAPS = 5


class HomeView(TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "assessments/home.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = person_get(user=user)
        context["person"] = person
        if person is not None:
            context.update(self._employee(person))
        teams = list(teams_managed_by(user=user).order_by("path"))
        if teams:
            context["managed_teams"] = self._managed_teams(teams)
        if is_leadership(user):
            context["audiences"] = self._audiences()
        context["min_people"] = min_people()
        return context

    def _employee(self, person: Person) -> dict:
        states = person_skill_states(person=person)
        gaps = sorted((s for s in states.values() if s.gap > 0), key=lambda s: (-s.gap, s.skill_id))
        skills = Skill.objects.in_bulk([s.skill_id for s in gaps[:TOP_GAPS]])
        return {
            "readiness": person_readiness(person=person),
            "reassessment": person_reassessment(person=person),
            "gap_count": len(gaps),
            "top_gaps": [(skills[s.skill_id], s) for s in gaps[:TOP_GAPS]],
        }

    def _managed_teams(self, teams: list[Team]) -> list[tuple[Team, Readiness]]:
        paths = [team.path for team in teams]
        people = Person.objects.filter(in_subtrees(paths, field="team__path"), is_active=True)
        per_team = group_readiness(people=people, by="team")
        rolled = team_rollup(teams=Team.objects.filter(in_subtrees(paths)), per_team=per_team)
        return [(team, rolled[team.pk]) for team in teams]

    def _audiences(self) -> list:
        per_audience = group_readiness(people=Person.objects.filter(is_active=True), by="audience")
        audiences = list(Audience.objects.all())
        # The same figures hidden as on the audiences API and the dashboard.
        hidden = audiences_hidden(
            per_audience, everyone_ids=[a.pk for a in audiences if a.is_everyone]
        )
        return [
            (
                audience,
                figures,
                None
                if audience.pk not in hidden
                else "small"
                if aggregate_hidden(figures.people)
                else "reveals",
            )
            for audience in audiences
            if not audience.is_everyone
            for figures in [per_audience.get(audience.pk, EMPTY_READINESS)]
        ]
