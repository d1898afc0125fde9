"""A team's skill map in and out: ``/teams/<id>/export/`` (CSV, XLSX; ``shape=long`` for the
manager ratings one per line, as the import reads them) and ``/teams/<id>/import/`` (a CSV or
XLSX file of manager ratings, previewed then confirmed); access as in
``assessments.views.teams``."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views import View

from assessments.exports.ratings_import import ratings_file_read, ratings_import_check
from assessments.exports.teams import (
    team_map_csv,
    team_map_xlsx,
    team_ratings_csv,
    team_ratings_xlsx,
)
from assessments.forms.teams import RatingsImportForm
from assessments.presenters.teams import team_map_present
from assessments.selectors import skill_states
from assessments.selectors.teams import team_map_build, team_members
from assessments.services.teams import (
    CSV_IMPORT_REASON,
    CellEdit,
    ratings_change_log_record,
    team_ratings_record,
)
from assessments.views.teams import TeamAccessMixin, _filters
from readiness.models import Level, Person, Team
from readiness.typed import AuthenticatedHttpRequest

IMPORT_MAX_AGE = 60 * 60  # seconds a previewed import stays valid


# --- /teams/<id>/export/ ----------------------------------------------------------------------


class TeamExportView(TeamAccessMixin, View):
    needs_members = True
    CONTENT_TYPES = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    WRITERS = {
        ("map", "csv"): team_map_csv,
        ("map", "xlsx"): team_map_xlsx,
        ("long", "csv"): team_ratings_csv,
        ("long", "xlsx"): team_ratings_xlsx,
    }

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        kind = request.GET.get("format", "csv")
        shape = request.GET.get("shape", "map")
        if kind not in self.CONTENT_TYPES:
            return HttpResponseBadRequest("Choose format=csv or format=xlsx.")
        if shape not in ("map", "long"):
            return HttpResponseBadRequest("Choose shape=map or shape=long.")
        _, filters = _filters(request)
        if shape == "long":
            # The ratings to edit and import again: the reader's own row is left out (nobody
            # rates themself), and so are members without an email (the import finds people
            # by email).
            team_map = team_map_present(
                team_map_build(team=team, filters=filters, exclude_user=request.user)
            )
            team_map.rows = [row for row in team_map.rows if row.person.email]
        else:
            team_map = team_map_present(team_map_build(team=team, filters=filters))
        response = HttpResponse(
            self.WRITERS[shape, kind](team_map), content_type=self.CONTENT_TYPES[kind]
        )
        what = "ratings" if shape == "long" else "skill-map"
        name = f"{slugify(team.name) or 'team'}-{what}-{timezone.localdate():%Y-%m-%d}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- /teams/<id>/import/ ----------------------------------------------------------------------


class TeamImportView(TeamAccessMixin, View):
    """Upload a CSV or XLSX file of manager ratings (the long export is one, as it is), see every
    row checked, then confirm: nothing is written unless every row is valid."""

    needs_edit = True

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        return render(
            request,
            "assessments/team_import.html",
            {
                "team": team,
                "form": RatingsImportForm(),
                "levels": Level.choices,
            },
        )

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        team = self.get_team(pk)
        if "payload" in request.POST:
            return self._confirm(request, team)
        form = RatingsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(
                request,
                "assessments/team_import.html",
                {
                    "team": team,
                    "form": form,
                    "levels": Level.choices,
                },
            )
        raw_rows, file_errors = ratings_file_read(form.cleaned_data["file"])
        return self._preview(request, team, raw_rows, file_errors)

    def _signer(self, request: AuthenticatedHttpRequest, team: Team) -> signing.TimestampSigner:
        return signing.TimestampSigner(salt=f"team-import:{team.pk}:{request.user.pk}")

    def _check(self, request: AuthenticatedHttpRequest, team: Team, raw_rows: list):  # noqa: ANN202
        members = list(team_members(team=team))
        me = next((p.pk for p in members if p.user_id == request.user.pk), None)
        scope = Person.objects.filter(team=team, is_active=True)
        states = {(s.person_id, s.skill_id): s for s in skill_states(people=scope)}
        return ratings_import_check(
            raw_rows=raw_rows,
            members=members,
            manager_person_id=me,
            states=states,
            team_name=team.name,
        )

    def _preview(
        self,
        request: AuthenticatedHttpRequest,
        team: Team,
        raw_rows: list,
        file_errors: list[str],
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
        return render(
            request,
            "assessments/team_import.html",
            {
                "team": team,
                "form": RatingsImportForm(),
                "preview": preview,
                "payload": payload,
                "notice": notice,
                "levels": Level.choices,
            },
        )

    def _confirm(self, request: AuthenticatedHttpRequest, team: Team) -> HttpResponse:
        try:
            data = self._signer(request, team).unsign_object(
                request.POST["payload"], max_age=IMPORT_MAX_AGE
            )
        except signing.BadSignature:
            messages.error(request, "This preview has expired: upload the file again.")
            return redirect("assessments:team-import", pk=team.pk)
        preview = self._check(request, team, data["rows"])
        if not preview.valid:
            return self._preview(
                request,
                team,
                data["rows"],
                [],
                notice="The team changed since the preview: nothing was imported.",
            )
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
                request,
                team,
                data["rows"],
                [],
                notice=f"{count} of these cells were rated by someone else since the preview: "
                "nothing was imported. The preview below is up to date; confirm again to "
                "record your ratings over theirs.",
            )
        ratings_change_log_record(
            ratings=result.saved,
            user=request.user,
            reason=CSV_IMPORT_REASON,
            labels={
                (r.person.pk, r.skill.pk): f"{r.person} · {r.skill}" for r in preview.to_record
            },
        )
        saved = len(result.saved)
        messages.success(
            request,
            f"Imported {saved} manager rating{'s' if saved != 1 else ''} "
            f"({len(preview.rows) - saved} unchanged).",
        )
        return redirect("assessments:team-detail", pk=team.pk)
