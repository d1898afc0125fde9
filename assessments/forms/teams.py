"""Forms of the manager's side.

The grid editor is one HTML form of up to thousands of selects: it is parsed by
``grid_edits_parse`` rather than by a Django ``Form`` with a field per cell (which would cost a
field object, a validation pass and a widget render per cell).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from assessments.exports.ratings_import import ratings_csv_reader
from assessments.selectors.teams import MapFilters
from assessments.services.teams import CellEdit
from readiness.forms import IdsChoiceField
from readiness.models import LEVEL_MAX, LEVEL_MIN, Person
from readiness.typed import choice_field, model_choice_field

SORT_PATTERN = re.compile(r"^(?:name|readiness|gap|skill-\d{1,9})$")
CELL_FIELD = re.compile(r"^c-(\d{1,12})-(\d{1,12})$")
ROW_VERSION_FIELD = re.compile(r"^v-(\d{1,12})$")
RESOLVE_PREFIX = "resolve-"
MAX_CELL_ERRORS = 20


class TeamMapFilterForm(forms.Form):
    """Query parameters of the map, the editor and the exports. Bad values fall back to the
    defaults (a hand-edited URL still shows a map)."""

    audience = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    sort = forms.CharField(required=False)
    dir = forms.ChoiceField(
        required=False, choices=[("", "Default"), ("asc", "Ascending"), ("desc", "Descending")]
    )
    skills = forms.ChoiceField(
        required=False,
        choices=[("", "Skills the team needs or has"), ("all", "All skills")],
        label="Columns",
    )

    def __init__(
        self,
        data: Mapping | None,
        *,
        audiences: Iterable[tuple[int, str]],
        categories: Iterable[tuple[int, str]],
    ) -> None:
        """``audiences`` and ``categories``: (id, name) pairs, the choices (read as pairs,
        not model instances: a map's filters are built at every visit)."""
        super().__init__(data)
        choice_field(self, "audience").choices = [("", "All audiences"), *audiences]
        choice_field(self, "category").choices = [("", "All categories"), *categories]

    def filters(self) -> MapFilters:
        if not self.is_valid():
            # Keep what is valid, drop the rest.
            cleaned = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            cleaned = self.cleaned_data
        sort = cleaned.get("sort") or "name"
        if not SORT_PATTERN.match(sort):
            sort = "name"
        direction = cleaned.get("dir") or ""
        # By default the members who need most attention come first; names run A to Z.
        worst_first_descending = sort == "gap" or sort.startswith("skill-")
        descending = direction == "desc" or (not direction and worst_first_descending)
        return MapFilters(
            audience_id=cleaned.get("audience"),
            category_id=cleaned.get("category"),
            sort=sort,
            descending=descending,
            all_skills=cleaned.get("skills") == "all",
        )


# --- The grid editor and the review list ------------------------------------------------------


def _level(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not LEVEL_MIN <= int(raw) <= LEVEL_MAX:
        raise ValidationError(f"“{raw}” is not a level from {LEVEL_MIN} to {LEVEL_MAX}.")
    return int(raw)


def row_versions(data: Mapping[str, str], field_name: str) -> dict[int, tuple[int | None, str]]:
    """Parse one row token ("skill:seen level:version,…") into {skill: (seen level, version)}."""
    seen: dict[int, tuple[int | None, str]] = {}
    for part in (data.get(field_name) or "").split(","):
        pieces = part.split(":")
        if len(pieces) != 3 or not pieces[0].isdigit():
            continue
        try:
            seen[int(pieces[0])] = (_level(pieces[1]), pieces[2])
        except ValidationError:
            continue
    return seen


def _cell_ids(keys: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    return {key: f"Member {key[0]}, skill {key[1]}" for key in keys}


def grid_edits_parse(
    data: Mapping[str, str],
    *,
    name_cells: Callable[[list[tuple[int, int]]], dict[tuple[int, int], str]] = _cell_ids,
) -> tuple[list[CellEdit], list[str], dict[tuple[int, int], int]]:
    """Read the editor's POST: the cells whose level differs from what the form showed.

    Returns (edits, errors, every chosen value). A cell left blank records nothing (ratings
    are never deleted). Whether the manager may rate each person is the service's check.
    An error names its cell: ``name_cells`` gives "member, skill" for the (person id, skill id)
    keys of the cells in error (called once, with all of them).
    """
    versions: dict[int, dict[int, tuple[int | None, str]]] = {}
    for name in data:
        match = ROW_VERSION_FIELD.match(name)
        if match:
            versions[int(match[1])] = row_versions(data, name)
    edits, values = [], {}
    bad: dict[tuple[int, int], list[str]] = {}
    for name in data:
        match = CELL_FIELD.match(name)
        if not match:
            continue
        person_id, skill_id = int(match[1]), int(match[2])
        try:
            level = _level(data[name])
        except ValidationError as error:
            bad[(person_id, skill_id)] = error.messages
            continue
        if level is None:
            continue
        values[(person_id, skill_id)] = level
        seen_level, version = versions.get(person_id, {}).get(skill_id, (None, ""))
        if level != seen_level:
            edits.append(CellEdit(person_id, skill_id, level, seen_level, version))
    # The first cells in error are named (a page of thousands of messages helps nobody).
    named = list(bad)[:MAX_CELL_ERRORS]
    names = name_cells(named) if named else {}
    errors = [
        f"{names.get(key) or _cell_ids([key])[key]}: {message}"
        for key in named
        for message in bad[key]
    ]
    if len(bad) > len(named):
        errors.append(f"…and {len(bad) - len(named)} more cells with a value that is not a level.")
    return edits, errors, values


def conflict_decisions(
    data: Mapping[str, str],
) -> tuple[dict[tuple[int, int], str], list[tuple[int, int]]]:
    """The manager's decisions on the cells of a previous conflict: ({cell: "mine" | "theirs"},
    cells still undecided)."""
    listed = []
    for part in (data.get("conflicts") or "").split(","):
        pieces = part.split("-")
        if len(pieces) == 2 and all(p.isdigit() for p in pieces):
            listed.append((int(pieces[0]), int(pieces[1])))
    decisions, undecided = {}, []
    for person_id, skill_id in listed:
        choice = data.get(f"{RESOLVE_PREFIX}{person_id}-{skill_id}")
        if choice in ("mine", "theirs"):
            decisions[(person_id, skill_id)] = choice
        else:
            undecided.append((person_id, skill_id))
    return decisions, undecided


def review_edits_parse(data: Mapping[str, str]) -> tuple[list[CellEdit], list[str]]:
    """Read the review form: "accept_all", "accept_member=<person>" (every self level of that
    member), "accept=<person>-<skill>" (the self level) or "adjust=<person>-<skill>" (the level
    chosen in that row)."""
    rows: dict[tuple[int, int], tuple[int | None, int | None, str]] = {}
    for key in (data.get("pending") or "").split(","):
        pieces = key.split("-")
        if len(pieces) != 2 or not all(p.isdigit() for p in pieces):
            continue
        person_id, skill_id = int(pieces[0]), int(pieces[1])
        try:
            self_level = _level(data.get(f"self-{key}", ""))
            seen_level = _level(data.get(f"seen-{key}", ""))
        except ValidationError:
            continue
        rows[(person_id, skill_id)] = (self_level, seen_level, data.get(f"ver-{key}", ""))
    chosen: dict[tuple[int, int], int | None]
    if "accept_all" in data:
        chosen = {cell: rows[cell][0] for cell in rows}
    elif "accept_member" in data:
        member = data.get("accept_member") or ""
        chosen = {cell: rows[cell][0] for cell in rows if str(cell[0]) == member}
        if not chosen:
            return [], ["This member has no self-rating in the list any more: reload the page."]
    else:
        accept = data.get("accept")
        action, raw = ("accept", accept) if accept else ("adjust", data.get("adjust") or "")
        pieces = raw.split("-")
        if len(pieces) != 2 or not all(p.isdigit() for p in pieces):
            return [], ["Choose a self-rating to accept or adjust."]
        cell = (int(pieces[0]), int(pieces[1]))
        if cell not in rows:
            return [], ["This self-rating is no longer in the list: reload the page."]
        if action == "accept":
            chosen = {cell: rows[cell][0]}
        else:
            try:
                chosen = {cell: _level(data.get(f"level-{raw}", ""))}
            except ValidationError as error:
                return [], error.messages
    edits, errors = [], []
    for (person_id, skill_id), level in chosen.items():
        if level is None:
            errors.append("Choose a level.")
            continue
        _, seen_level, version = rows[(person_id, skill_id)]
        edits.append(CellEdit(person_id, skill_id, level, seen_level, version))
    return edits, list(dict.fromkeys(errors))


# --- Assignment -------------------------------------------------------------------------------


class AssignForm(forms.Form):
    """Assign one resource to chosen members of the team, with a due date."""

    resource = forms.IntegerField(widget=forms.HiddenInput)
    people = IdsChoiceField(
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Members",
        error_messages={"required": "Choose at least one member."},
    )
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Due date")

    def __init__(self, *args, members: QuerySet[Person], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        model_choice_field(self, "people").queryset = members

    def clean_due_date(self):  # noqa: ANN201
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise ValidationError("The due date cannot be in the past.")
        return due


# --- Import -----------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 1024 * 1024


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"  # an XLSX workbook is a zip archive


class RatingsImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="CSV in UTF-8 (comma or semicolon separated) or an XLSX workbook (its first "
        "sheet), with the header email,skill,level.",
        widget=forms.ClearableFileInput(attrs={"accept": f".csv,text/csv,.xlsx,{XLSX_TYPE}"}),
    )

    def clean_file(self) -> str | bytes:
        """The CSV text, or the bytes of an XLSX workbook (read by ``ratings_file_read``)."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError("The file is larger than 1 MB: split it.")
        raw = upload.read()
        if raw.startswith(ZIP_MAGIC):
            return raw
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError("The file is not UTF-8 text: save it as “CSV UTF-8”.") from error
        if "\x00" in text:
            # No text column of the database takes a NUL: refuse it here, naming where it is.
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise ValidationError(
                f"Line {line} contains a NUL character: this is not a CSV text file."
            )
        # Read it once as the import will, so a value over csv.field_size_limit() or a broken
        # quote is refused here, naming the line.
        reader = ratings_csv_reader(text)
        try:
            for _values in reader:
                pass
        except csv.Error as error:
            raise ValidationError(
                f"Line {reader.line_num} cannot be read as CSV: {error}."
            ) from error
        return text
