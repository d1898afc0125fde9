"""The manager's side: team list, team skill map, grid editor, review, gaps, export, import.

Access, everywhere the same: a team outside what the user may read is a 404 (we do not confirm
that it exists); a team they may read but not change is a 403 on every page that changes it.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.views import View

from assessments.exports import (
    ratings_csv_read,
    ratings_import_check,
    team_map_csv,
    team_map_xlsx,
)
from assessments.forms_teams import (
    AssignForm,
    RatingsImportForm,
    TeamMapFilterForm,
    conflict_decisions,
    grid_edits_parse,
    review_edits_parse,
)
from assessments.models import SkillRating
from assessments.recommendations import team_resource_ranking
from assessments.selectors import (
    EMPTY_READINESS,
    group_readiness,
    skill_readiness,
    skill_states,
    team_rollup,
)
from assessments.selectors_teams import (
    LEGEND,
    MapFilters,
    TeamMap,
    pending_reviews,
    state_version,
    team_can_edit,
    team_map_build,
    team_map_prepare_editor,
    team_members,
    teams_readable_by,
)
from assessments.services_teams import (
    CellConflict,
    CellEdit,
    team_ratings_record,
    team_resource_assign,
)
from catalog.models import TrainingResource
from readiness.caching import cached, cached_html, query_key
from readiness.models import Audience, Level, Person, Skill, SkillCategory, Team
from readiness.permissions import is_leadership
from readiness.selectors import everyone_audience, managed_paths

DEFAULT_DUE_DAYS = 30
IMPORT_MAX_AGE = 60 * 60  # seconds a previewed import stays valid


class TeamAccessMixin:
    """Scoped team lookup: readable or 404; changeable or 403."""

    request: HttpRequest
    needs_edit = False

    def get_team(self, pk: int) -> Team:
        user = self.request.user

        def access() -> tuple[Team | None, bool]:
            team = teams_readable_by(user=user).filter(pk=pk).first()
            return team, team is not None and team_can_edit(user=user, team=team)

        # Every team page asks: kept until the data changes (teams, managers, groups).
        team, self.can_edit = cached("team-access", user.pk, pk, build=access)
        if team is None:
            raise Http404("No such team, or not one of yours.")
        if self.needs_edit and not self.can_edit:
            raise PermissionDenied("Only the team's managers can change its skill map.")
        return team


def _filters(request: HttpRequest) -> tuple[TeamMapFilterForm, MapFilters]:
    form = TeamMapFilterForm(
        request.GET,
        audiences=Audience.objects.filter(is_everyone=False),
        categories=SkillCategory.objects.all(),
    )
    return form, form.filters()


def _query(request: HttpRequest, **changes: str) -> str:
    """The current query string with ``changes`` (an empty value drops the parameter); "?"
    when nothing is left, so that a link to it resets the page's parameters."""
    params = {k: v for k, v in request.GET.items() if k != "format"}
    params.update(changes)
    params = {k: v for k, v in params.items() if v}
    return f"?{urlencode(params)}" if params else "?"


def _sorting(request: HttpRequest, team_map: TeamMap) -> dict[str, dict[str, str]]:
    """For every sortable header: the link that sorts by it, and its aria-sort state."""
    current, descending = team_map.filters.sort, team_map.filters.descending
    keys = ["name", "readiness", "gap"] + [f"skill-{c.skill.pk}" for c in team_map.columns]
    sorting = {}
    for key in keys:
        if key == current:
            state = "descending" if descending else "ascending"
            direction = "asc" if descending else "desc"
        else:
            state, direction = "none", ""
        sorting[key] = {"url": _query(request, sort=key, dir=direction), "state": state}
    return sorting


def _map_context(request: HttpRequest, team: Team, team_map: TeamMap, form) -> dict:  # noqa: ANN001
    sorting = _sorting(request, team_map)
    for column in team_map.columns:
        column.sort = sorting[f"skill-{column.skill.pk}"]
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
        "filtered": any(request.GET.get(k) for k in ("audience", "category", "skills")),
    }


# --- /teams/ ---------------------------------------------------------------------------------


class TeamListView(View):
    """Teams I manage (with the sub-teams below, read-only); every team for leadership, as a
    tree with readiness rolled up to each department."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        teams_qs = teams_readable_by(user=user)
        teams = list(teams_qs.prefetch_related("managers").order_by("path"))
        leadership = is_leadership(user)
        if not teams and not leadership:
            raise PermissionDenied("You do not manage a team.")
        people = Person.objects.filter(team__in=teams_qs, is_active=True)
        rolled = team_rollup(teams=teams, per_team=group_readiness(people=people, by="team"))
        members = dict(
            people.order_by().values_list("team_id").annotate(n=Count("pk")).values_list(
                "team_id", "n"
            )
        )
        mine = managed_paths(user=user)
        top = min((team.depth for team in teams), default=0)
        rows = []
        for team in teams:
            figures = rolled.get(team.pk, EMPTY_READINESS)
            managed = any(team.path.startswith(p) for p in mine)
            rows.append({
                "team": team,
                "indent": min(team.depth - top, 4),
                "members": members.get(team.pk, 0),
                "figures": figures,
                # Privacy: leadership does not see aggregates over a handful of people.
                "hidden": not managed and figures.people < settings.MIN_AGGREGATE_PEOPLE,
                "can_edit": user.is_superuser or any(m.pk == user.pk for m in team.managers.all()),
                "managed": managed,
            })
        return render(request, "assessments/team_list.html", {
            "rows": rows,
            "leadership": leadership,
            "min_people": settings.MIN_AGGREGATE_PEOPLE,
        })


# --- /teams/<id>/ -----------------------------------------------------------------------------


class TeamDetailView(TeamAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)

        def context() -> dict:
            form, filters = _filters(request)
            team_map = team_map_build(team=team, filters=filters)
            return {**_map_context(request, team, team_map, form), "can_edit": self.can_edit}

        content = cached_html(
            "team-map", team.pk, self.can_edit, query_key(request), request=request,
            template_name="assessments/team_detail_content.html", context=context,
        )
        return render(request, "assessments/team_detail.html", {"team": team, "content": content})


# --- /teams/<id>/edit/ ------------------------------------------------------------------------


class TeamEditView(TeamAccessMixin, View):
    needs_edit = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        return self._render(request, team)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        # Who may be rated is the service's check (with the members' rows locked).
        edits, errors, values = grid_edits_parse(request.POST)
        decisions, undecided = conflict_decisions(request.POST)
        if undecided:
            errors.append(
                "Decide for each cell someone else rated: keep their rating or use yours."
            )
            return self._render(request, team, values=values, errors=errors,
                                conflict_keys=undecided)
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
            f"Saved {saved} rating{'s' if saved != 1 else ''}." if saved
            else "Nothing changed: no rating recorded.",
        )
        url = reverse("assessments:team-detail", args=[team.pk])
        return redirect(url + _query(request).rstrip("?"))

    def _render(
        self,
        request: HttpRequest,
        team: Team,
        *,
        values: dict | None = None,
        errors: list[str] | None = None,
        conflicts: list | None = None,
        conflict_keys: list | None = None,
    ) -> HttpResponse:
        form, filters = _filters(request)
        team_map = team_map_build(team=team, filters=filters, exclude_user=request.user)
        team_map_prepare_editor(team_map=team_map, values=values)
        context = _map_context(request, team, team_map, form)
        if conflict_keys:
            # Undecided conflicts from the previous round: show them again as they are now.
            conflicts = [
                _conflict_now(team_map, key, (values or {}).get(key)) for key in conflict_keys
            ]
        context.update({
            "errors": errors or [],
            "conflicts": conflicts or [],
            "conflict_field": ",".join(f"{c.key[0]}-{c.key[1]}" for c in conflicts or []),
            "changed": sum(cell.changed for row in team_map.rows for cell in row.cells),
        })
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
        return render(request, "assessments/team_edit.html", context)


def _rated_by(rating: SkillRating | None) -> str:
    user = rating.rated_by if rating else None
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def _conflict_now(team_map: TeamMap, key: tuple[int, int], level: int | None) -> CellConflict:
    state = team_map.states.get(key)
    edit = CellEdit(key[0], key[1], level if level is not None else -1)
    return CellConflict(edit, state, None)


# --- /teams/<id>/review/ ----------------------------------------------------------------------


class TeamReviewView(TeamAccessMixin, View):
    """Self-ratings newer than the last manager rating: accept, adjust, or accept all."""

    needs_edit = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self.get_team(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
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
            return self._render(request, team, errors=[
                f"{count} of these self-ratings changed since you opened the page; nothing was "
                "recorded. The list below is up to date: check them again."
            ])
        recorded = len(result.saved) + result.unchanged
        messages.success(
            request, f"Recorded {recorded} manager rating{'s' if recorded != 1 else ''}."
        )
        return redirect("assessments:team-review", pk=team.pk)

    def _render(self, request: HttpRequest, team: Team, errors: list[str] | None = None):  # noqa: ANN202
        pending = [
            {
                "person": person,
                "skill": skill,
                "state": state,
                "key": f"{person.pk}-{skill.pk}",
                "version": state_version(state),
            }
            for person, skill, state in pending_reviews(team=team, exclude_user=request.user)
        ]
        return render(request, "assessments/team_review.html", {
            "team": team,
            "pending": pending,
            "pending_field": ",".join(p["key"] for p in pending),
            "levels": Level.choices,
            "errors": errors or [],
        })


# --- /teams/<id>/gaps/ ------------------------------------------------------------------------


class TeamGapsView(TeamAccessMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        return self._render(request, team)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
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
                manager=request.user, team=team, resource=resource, people=people,
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

    def _render(self, request: HttpRequest, team: Team, assign_form: AssignForm | None = None):  # noqa: ANN202
        members = list(team_members(team=team))
        scope = Person.objects.filter(team=team, is_active=True)
        states = skill_states(people=scope)
        per_skill = skill_readiness(people=scope)
        skills = Skill.objects.select_related("category").in_bulk(list(per_skill))
        ranked_skills = sorted(
            ((skills[sid], figures) for sid, figures in per_skill.items() if sid in skills),
            key=lambda pair: (-pair[1].total_gap, -pair[1].not_assessed, pair[0].name),
        )
        everyone = everyone_audience()
        ranking = team_resource_ranking(
            people=members, states=states, everyone_id=everyone.pk if everyone else None
        )
        by_id = {person.pk: person for person in members}
        assignable = [p for p in members if p.user_id != request.user.pk]
        posted_resource = assign_form.data.get("resource") if assign_form else None
        posted_people = set(assign_form.data.getlist("people")) if assign_form else set()
        resources = []
        for entry in ranking:
            helped = sorted(
                (by_id[pid] for pid in entry.members), key=lambda p: p.display_name.casefold()
            )
            is_posted = posted_resource == str(entry.resource.pk)
            choices = [
                {
                    "person": person,
                    "helps": person.pk in entry.members,
                    "checked": str(person.pk) in posted_people if is_posted else False,
                }
                for person in sorted(
                    assignable, key=lambda p: (p.pk not in entry.members, p.display_name.casefold())
                )
            ]
            resources.append({
                "entry": entry,
                "helped": helped,
                "skills": sorted(
                    (skills[sid] for sid in entry.skills if sid in skills), key=lambda s: s.name
                ),
                "choices": choices,
                "form": assign_form if is_posted else None,
            })
        matched = any(item["form"] for item in resources)
        return render(request, "assessments/team_gaps.html", {
            "team": team,
            # Errors of an assignment whose resource is not in the ranking any more.
            "assign_errors": (
                [e for errors in assign_form.errors.values() for e in errors]
                if assign_form is not None and assign_form.errors and not matched else []
            ),
            "can_edit": self.can_edit,
            "ranked_skills": [pair for pair in ranked_skills if pair[1].total_gap > 0],
            "no_gap_skills": sum(1 for pair in ranked_skills if pair[1].total_gap == 0),
            "resources": resources,
            "default_due": timezone.localdate() + dt.timedelta(days=DEFAULT_DUE_DAYS),
            "today": timezone.localdate(),
            "members": len(members),
        })


# --- /teams/<id>/export/ ----------------------------------------------------------------------


class TeamExportView(TeamAccessMixin, View):
    CONTENT_TYPES = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        kind = request.GET.get("format", "csv")
        if kind not in self.CONTENT_TYPES:
            return HttpResponseBadRequest("Choose format=csv or format=xlsx.")
        _, filters = _filters(request)
        team_map = team_map_build(team=team, filters=filters)
        body = team_map_csv(team_map) if kind == "csv" else team_map_xlsx(team_map)
        response = HttpResponse(body, content_type=self.CONTENT_TYPES[kind])
        name = f"{slugify(team.name) or 'team'}-skill-map-{timezone.localdate():%Y-%m-%d}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- /teams/<id>/import/ ----------------------------------------------------------------------


class TeamImportView(TeamAccessMixin, View):
    """Upload a CSV of manager ratings, see every row checked, then confirm: nothing is written
    unless every row is valid."""

    needs_edit = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        return render(request, "assessments/team_import.html", {
            "team": team, "form": RatingsImportForm(), "levels": Level.choices,
        })

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        if "payload" in request.POST:
            return self._confirm(request, team)
        form = RatingsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "assessments/team_import.html", {
                "team": team, "form": form, "levels": Level.choices,
            })
        raw_rows, file_errors = ratings_csv_read(form.cleaned_data["file"])
        return self._preview(request, team, raw_rows, file_errors)

    def _signer(self, request: HttpRequest, team: Team) -> signing.TimestampSigner:
        return signing.TimestampSigner(salt=f"team-import:{team.pk}:{request.user.pk}")

    def _check(self, request: HttpRequest, team: Team, raw_rows: list):  # noqa: ANN202
        members = list(team_members(team=team))
        me = next((p.pk for p in members if p.user_id == request.user.pk), None)
        scope = Person.objects.filter(team=team, is_active=True)
        states = {(s.person_id, s.skill_id): s for s in skill_states(people=scope)}
        return ratings_import_check(
            raw_rows=raw_rows, members=members, manager_person_id=me, states=states,
            team_name=team.name,
        )

    def _preview(
        self, request: HttpRequest, team: Team, raw_rows: list, file_errors: list[str],
        notice: str = "",
    ) -> HttpResponse:
        preview = self._check(request, team, raw_rows)
        preview.errors.extend(file_errors)
        payload = ""
        if preview.valid:
            seen = {
                f"{row.person.pk}-{row.skill.pk}": [row.edit.seen_level, row.edit.seen_version]
                for row in preview.to_record
            }
            payload = self._signer(request, team).sign_object(
                {"rows": preview.raw(), "seen": seen}, compress=True
            )
        return render(request, "assessments/team_import.html", {
            "team": team,
            "form": RatingsImportForm(),
            "preview": preview,
            "payload": payload,
            "notice": notice,
            "levels": Level.choices,
        })

    def _confirm(self, request: HttpRequest, team: Team) -> HttpResponse:
        try:
            data = self._signer(request, team).unsign_object(
                request.POST["payload"], max_age=IMPORT_MAX_AGE
            )
        except signing.BadSignature:
            messages.error(request, "This preview has expired: upload the file again.")
            return redirect("assessments:team-import", pk=team.pk)
        preview = self._check(request, team, data["rows"])
        if not preview.valid:
            return self._preview(request, team, data["rows"], [],
                                 notice="The team changed since the preview: nothing was imported.")
        edits = []
        for row in preview.to_record:
            seen_level, version = data["seen"].get(f"{row.person.pk}-{row.skill.pk}", [None, ""])
            edits.append(CellEdit(row.person.pk, row.skill.pk, row.level, seen_level, version))
        try:
            result = team_ratings_record(manager=request.user, team=team, edits=edits)
        except ValidationError as error:
            return self._preview(request, team, data["rows"], error.messages)
        if result.conflicts:
            count = len(result.conflicts)
            return self._preview(
                request, team, data["rows"], [],
                notice=f"{count} of these cells were rated by someone else since the preview: "
                "nothing was imported. The preview below is up to date; confirm again to "
                "record your ratings over theirs.",
            )
        saved = len(result.saved)
        messages.success(
            request, f"Imported {saved} manager rating{'s' if saved != 1 else ''} "
            f"({len(preview.rows) - saved} unchanged)."
        )
        return redirect("assessments:team-detail", pk=team.pk)


urlpatterns = [
    path("teams/", TeamListView.as_view(), name="team-list"),
    path("teams/<int:pk>/", TeamDetailView.as_view(), name="team-detail"),
    path("teams/<int:pk>/edit/", TeamEditView.as_view(), name="team-edit"),
    path("teams/<int:pk>/review/", TeamReviewView.as_view(), name="team-review"),
    path("teams/<int:pk>/gaps/", TeamGapsView.as_view(), name="team-gaps"),
    path("teams/<int:pk>/export/", TeamExportView.as_view(), name="team-export"),
    path("teams/<int:pk>/import/", TeamImportView.as_view(), name="team-import"),
]
