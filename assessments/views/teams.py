"""The manager's side: team list, team skill map, grid editor; with ``team_review`` (review),
``team_gaps`` (gaps and assignments) and ``team_io`` (export, import) beside it.

Access, everywhere the same: a team outside what the user may read is a 404 (we do not confirm
that it exists); a team they may read but not change is a 403 on every page that changes it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View

from assessments.forms.teams import (
    TeamMapFilterForm,
    conflict_decisions,
    grid_edits_parse,
)
from assessments.models import SkillRating
from assessments.presenters.team_editor import team_edit_content, team_editor_grid
from assessments.presenters.teams import (
    LEGEND,
    team_map_content,
    team_map_filters,
    team_map_grid,
)
from assessments.selectors import EMPTY_READINESS
from assessments.selectors.team_access import team_access
from assessments.selectors.team_map_reads import map_filter_choices
from assessments.selectors.teams import (
    MapFilters,
    TeamMap,
    team_map_build,
    team_tree_figures,
    teams_readable_by,
)
from assessments.services.teams import (
    CellConflict,
    CellEdit,
    team_ratings_record,
)
from readiness.caching import Shows, Viewer, kept_value
from readiness.fragments import PageContent, page_around
from readiness.models import Level, Person, Skill, Team
from readiness.permissions import is_leadership
from readiness.privacy_floor import aggregate_hidden, min_people
from readiness.selectors import managed_paths
from readiness.typed import AuthenticatedHttpRequest


class TeamAccessMixin(View):
    """Scoped team lookup: readable or 404; changeable or 403 (a ``View`` so the signed-in
    request type holds for the pages that mix it in)."""

    request: AuthenticatedHttpRequest
    needs_edit = False
    #: The page shows members one by one: refused (403) to leadership outside their teams.
    needs_members = False

    def get_team(self, pk: int) -> Team:
        # Read at every visit (one statement), never kept: no permission decision is cached.
        access = team_access(user=self.request.user, pk=pk)
        if access is None:
            raise Http404("No such team, or not one of yours.")
        team, self.can_edit = access.team, access.can_edit
        self.shows_members, self.links_people = access.shows_members, access.links_people
        if self.needs_edit and not self.can_edit:
            raise PermissionDenied("Only the team's managers can change its skill map.")
        if self.needs_members and not self.shows_members:
            raise PermissionDenied(
                "Only the team's managers see its members; leadership sees the team's figures "
                "on the team list and the dashboard."
            )
        return team


def _filters(request: AuthenticatedHttpRequest) -> tuple[TeamMapFilterForm, MapFilters]:
    audiences, categories = map_filter_choices()
    form = TeamMapFilterForm(request.GET, audiences=audiences, categories=categories)
    return form, form.filters()


#: The map's query parameters (the filter form's fields): the only ones its links carry on,
#: and the only ones its kept copy is keyed by (other parameters change nothing).
MAP_PARAMS = ("audience", "category", "skills", "sort", "dir")


def _map_params(request: AuthenticatedHttpRequest) -> tuple[str, ...]:
    return tuple(request.GET.get(key, "") for key in MAP_PARAMS)


def _query(request: AuthenticatedHttpRequest, **changes: str) -> str:
    """The current query string with ``changes`` (an empty value drops the parameter); "?"
    when nothing is left, so that a link to it resets the page's parameters."""
    params = {k: v for k, v in request.GET.items() if k in MAP_PARAMS}
    params.update(changes)
    params = {k: v for k, v in params.items() if v}
    return f"?{urlencode(params)}" if params else "?"


def _sorting(request: AuthenticatedHttpRequest, team_map: TeamMap) -> dict[str, dict[str, str]]:
    """For every sortable header: the link that sorts by it (``_query(request, sort=key,
    dir=direction)``, the other parameters quoted once for every column's), and its aria-sort
    state."""
    current, descending = team_map.filters.sort, team_map.filters.descending
    keys = ["name", "readiness", "gap"] + [f"skill-{c.skill.pk}" for c in team_map.columns]
    # As ``_query``: the parameters in their order, sort and dir after them when absent.
    params = {k: v for k, v in request.GET.items() if k in MAP_PARAMS}
    params.setdefault("sort", "")
    params.setdefault("dir", "")
    fixed = {k: urlencode({k: v}) for k, v in params.items() if v and k not in ("sort", "dir")}
    sorting = {}
    for key in keys:
        if key == current:
            state = "descending" if descending else "ascending"
            direction = "asc" if descending else "desc"
        else:
            state, direction = "none", ""
        changed = {"sort": urlencode({"sort": key}), "dir": direction and f"dir={direction}"}
        pairs = [fixed.get(k) or changed.get(k) for k in params]
        query = "&".join(pair for pair in pairs if pair)
        sorting[key] = {"url": f"?{query}" if query else "?", "state": state}
    return sorting


def _map_context(request: AuthenticatedHttpRequest, team: Team, team_map: TeamMap, form) -> dict:  # noqa: ANN001
    sorting = _sorting(request, team_map)
    for column in team_map.columns:
        column.sort = sorting[f"skill-{column.skill.pk}"]
    filtered = any(request.GET.get(k) for k in ("audience", "category", "skills"))
    return {
        "team": team,
        "map": team_map,
        "filter_form": form,
        "sorting": sorting,
        "legend": LEGEND,
        "levels": Level.choices,
        "query": _query(request).rstrip("?"),
        "export_csv": _query(request, format="csv"),
        "export_xlsx": _query(request, format="xlsx"),
        "export_long_csv": _query(request, format="csv", shape="long"),
        "export_long_xlsx": _query(request, format="xlsx", shape="long"),
        "filtered": filtered,
        "filters": team_map_filters(form=form, team_map=team_map, filtered=filtered),
    }


# --- /teams/ ---------------------------------------------------------------------------------


class TeamListView(View):
    """Teams I manage (with the sub-teams below, read-only); every team for leadership, as a
    tree with readiness rolled up to each department."""

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        user = request.user
        teams_qs = teams_readable_by(user=user)
        teams = list(teams_qs.prefetch_related("managers").order_by("path"))
        leadership = is_leadership(user)
        if not teams and not leadership:
            raise PermissionDenied("You do not manage a team.")
        mine = managed_paths(user=user)
        tree = team_tree_figures(user=user, teams=teams, managed=mine)
        people = Person.objects.filter(team__in=teams_qs, is_active=True)
        members = dict(
            people.order_by()
            .values_list("team_id")
            .annotate(n=Count("pk"))
            .values_list("team_id", "n")
        )
        top = min((team.depth for team in teams), default=0)
        rows = []
        for team in teams:
            figures = tree.rollup.get(team.pk, EMPTY_READINESS)
            managed = any(team.path.startswith(p) for p in mine)
            rows.append(
                {
                    "team": team,
                    "indent": min(team.depth - top, 4),
                    "members": members.get(team.pk, 0),
                    "figures": figures,
                    # Privacy: leadership does not see aggregates over a handful of people, nor
                    # one that subtracting two shown ones would give.
                    "hidden": tree.rollup_of(team.pk) is None,
                    # Why it is hidden: below the floor itself, or revealing a smaller group.
                    "small": aggregate_hidden(figures.people),
                    "can_edit": user.is_superuser
                    or any(m.pk == user.pk for m in team.managers.all()),
                    "managed": managed,
                    # Leadership reads the other teams as figures only (``team_shows_members``).
                    "shows_members": managed or user.is_superuser or not leadership,
                }
            )
        return render(
            request,
            "assessments/team_list.html",
            {
                "rows": rows,
                "leadership": leadership,
                "min_people": min_people(),
            },
        )


# --- /teams/<id>/ -----------------------------------------------------------------------------


def _links_people(*, user: User, team: Team, can_edit: bool) -> bool:
    """Whether the map's member names link to their pages: for whoever may open them
    (people_visible_to), which a member reading their own team's map
    (settings.TEAM_MAP_VISIBLE_TO_MEMBERS) may not."""
    if can_edit or not settings.TEAM_MAP_VISIBLE_TO_MEMBERS or is_leadership(user):
        return True
    return any(team.path.startswith(path) for path in managed_paths(user=user))


class TeamDetailView(TeamAccessMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        if not self.shows_members:
            return self._figures_only(request, team)
        links_people = self.links_people

        def content() -> PageContent:
            form, filters = _filters(request)
            team_map = team_map_build(team=team, filters=filters, in_seconds=True, keep_states=True)
            context = _map_context(request, team, team_map, form)
            context["grid"] = team_map_grid(
                team_map=team_map, sorting=context["sorting"], links_people=links_people
            )
            context.update(can_edit=self.can_edit, links_people=links_people)
            return team_map_content(context=context)

        # No form of the content posts back: kept as it is (no CSRF token to fill in).
        html = kept_value(
            "team-map",
            viewer=Viewer.rights(team, can_edit=self.can_edit, links_people=links_people),
            shows=Shows.team_members(team.pk),
            parts=_map_params(request),
            build=content,
        )
        return page_around(request, "assessments/team_detail.html", {"team": team}, content=html)

    def _figures_only(self, request: AuthenticatedHttpRequest, team: Team) -> HttpResponse:
        """Leadership outside their own teams: the team's figures, under the privacy floor,
        and no member."""
        tree = team_tree_figures(user=request.user)
        content = render_to_string(
            "assessments/team_figures_content.html",
            {
                "team": team,
                "direct": tree.direct_of(team.pk),
                "rollup": tree.rollup_of(team.pk),
                "has_subteams": team.children.exists(),
                "min_people": min_people(),
            },
            request=request,
        )
        return render(request, "assessments/team_detail.html", {"team": team, "content": content})


# --- /teams/<id>/edit/ ------------------------------------------------------------------------


class TeamEditView(TeamAccessMixin, View):
    needs_edit = True

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        return self._render(request, team)

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        # Who may be rated is the service's check (with the members' rows locked).
        edits, errors, values = grid_edits_parse(
            request.POST, name_cells=lambda keys: _cell_names(team, keys)
        )
        decisions, undecided = conflict_decisions(request.POST)
        if undecided:
            errors.append(
                "Decide for each cell someone else rated: keep their rating or use yours."
            )
            return self._render(
                request, team, values=values, errors=errors, conflict_keys=undecided
            )
        if errors:
            return self._render(request, team, values=values, errors=errors)
        kept = [edit for edit in edits if decisions.get(edit.key) != "theirs"]
        for key, choice in decisions.items():
            if choice == "theirs":
                values.pop(key, None)
        try:
            result = team_ratings_record(manager=request.user, team=team, edits=kept)
        except ValidationError as error:
            return self._render(request, team, values=values, errors=error.messages)
        if result.conflicts:
            return self._render(request, team, values=values, conflicts=result.conflicts)
        saved = len(result.saved)
        messages.success(
            request,
            f"Saved {saved} rating{'s' if saved != 1 else ''}."
            if saved
            else "Nothing changed: no rating recorded.",
        )
        url = reverse("assessments:team-detail", args=[team.pk])
        return redirect(url + _query(request).rstrip("?"))

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        team: Team,
        *,
        values: dict | None = None,
        errors: list[str] | None = None,
        conflicts: list | None = None,
        conflict_keys: list | None = None,
    ) -> HttpResponse:
        form, filters = _filters(request)
        team_map = team_map_build(
            team=team, filters=filters, exclude_user=request.user, in_seconds=True
        )
        context = _map_context(request, team, team_map, form)
        context["grid"], changed = team_editor_grid(team_map=team_map, values=values)
        if conflict_keys:
            # Undecided conflicts from the previous round: show them again as they are now.
            conflicts = [
                _conflict_now(team_map, key, (values or {}).get(key)) for key in conflict_keys
            ]
        context.update(
            {
                "errors": errors or [],
                "conflicts": conflicts or [],
                "conflict_field": ",".join(f"{c.key[0]}-{c.key[1]}" for c in conflicts or []),
                "changed": changed,
            }
        )
        if conflicts:
            people = {row.person.pk: row.person for row in team_map.rows}
            skills = {column.skill.pk: column.skill for column in team_map.columns}
            context["conflict_rows"] = [
                {
                    "conflict": c,
                    "person": people.get(c.key[0]),
                    "skill": skills.get(c.key[1]),
                    "who": _rated_by(c.latest),
                }
                for c in conflicts
            ]
        content = team_edit_content(context=context, request=request)
        return page_around(request, "assessments/team_edit.html", {"team": team}, content=content)


def _cell_names(team: Team, keys: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """ "Member, skill" of editor cells (only the team's own members are named)."""
    people = {
        p.pk: p.display_name
        for p in Person.objects.filter(team=team, pk__in={k[0] for k in keys}).select_related(
            "user"
        )
    }
    skills = dict(Skill.objects.filter(pk__in={k[1] for k in keys}).values_list("pk", "name"))
    return {
        key: f"{people[key[0]]}, {skills[key[1]]}"
        for key in keys
        if key[0] in people and key[1] in skills
    }


def _rated_by(rating: SkillRating | None) -> str:
    user = rating.rated_by if rating else None
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def _conflict_now(team_map: TeamMap, key: tuple[int, int], level: int | None) -> CellConflict:
    state = team_map.state_of(*key)
    edit = CellEdit(key[0], key[1], level if level is not None else -1)
    return CellConflict(edit, state, None)
