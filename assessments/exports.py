"""The team skill map as CSV and XLSX, and the CSV import of manager ratings.

Exports write exactly the grid the map page shows (same rows, columns, order, filters and
totals): both come from ``selectors_teams.team_map_build``. Imports are parsed and checked
here, row by row; recording goes through ``services_teams.team_ratings_record``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from assessments.selectors import SkillState
from assessments.selectors_teams import TeamMap, state_version
from assessments.services_teams import CellEdit
from readiness.models import LEVEL_MAX, LEVEL_MIN, Person, Skill

NOT_ASSESSED = "not assessed"
MAX_IMPORT_ROWS = 5000


# --- Export -----------------------------------------------------------------------------------


def _cell_value(state: SkillState | None) -> int | str:
    """What the map shows in a cell, as a value: the effective level, "not assessed", or ""."""
    if state is not None and state.not_assessed:
        return NOT_ASSESSED
    if state is None or state.level is None:
        return ""
    return state.level


def team_map_table(team_map: TeamMap) -> Iterator[list]:
    """The map as rows of values: header, one row per member, then the column totals."""
    yield [
        "Member",
        "Email",
        "Role",
        *(column.skill.name for column in team_map.columns),
        "Readiness %",
        "Total gap",
    ]
    for row in team_map.rows:
        person = row.person
        yield [
            person.display_name,
            person.email,
            person.role.name if person.role else "",
            *(_cell_value(cell.state) for cell in row.cells),
            "" if row.percent is None else row.percent,
            row.readiness.total_gap,
        ]
    footers = (
        ("Required of", lambda c: c.readiness.required),
        ("At target", lambda c: c.readiness.at_target),
        ("Mean gap", lambda c: "" if c.mean_gap is None else c.mean_gap),
        ("Wants to grow", lambda c: c.interested),
    )
    for label, value in footers:
        yield [label, "", "", *(value(column) for column in team_map.columns), "", ""]


def team_map_csv(team_map: TeamMap) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in team_map_table(team_map):
        writer.writerow(row)
    return buffer.getvalue()


def team_map_xlsx(team_map: TeamMap) -> bytes:
    """The same table in a workbook: frozen header and first column, plus a "Cells" sheet with
    one row per (member, skill) for pivot tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Skill map"
    rows = list(team_map_table(team_map))
    for values in rows:
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(len(team_map.rows) + 2, len(rows) + 1):
        sheet.cell(row=index, column=1).font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 22
    for index in range(4, 4 + len(team_map.columns)):
        sheet.column_dimensions[get_column_letter(index)].width = 14

    cells = workbook.create_sheet("Cells")
    cells.append(["Member", "Email", "Skill", "Skill slug", "Category", "Target", "Level",
                  "Gap", "Status", "Self level", "Self rated", "Manager level", "Manager rated",
                  "Awaiting review", "Calibration flag"])
    for cell in cells[1]:
        cell.font = Font(bold=True)
    skills = {column.skill.pk: column.skill for column in team_map.columns}
    for row in team_map.rows:
        for cell in row.cells:
            state, skill = cell.state, skills[cell.skill_id]
            if state is None:
                continue
            cells.append([
                row.person.display_name, row.person.email, skill.name, skill.slug,
                skill.category.name, state.target, state.level,
                state.gap if state.required else None, cell.words,
                state.self_level, _naive(state.self_at), state.manager_level,
                _naive(state.manager_at), state.awaiting_review, state.calibration_flag,
            ])
    cells.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _naive(moment):  # noqa: ANN001, ANN202
    """Excel has no time zones: local wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


# --- Import -----------------------------------------------------------------------------------

HEADER_ALIASES = {
    "email": "email",
    "person email": "email",
    "person_email": "email",
    "skill": "skill",
    "skill slug": "skill",
    "skill_slug": "skill",
    "slug": "skill",
    "level": "level",
}


@dataclass
class ImportRow:
    line: int
    email: str
    skill_slug: str
    level_text: str
    person: Person | None = None
    skill: Skill | None = None
    level: int | None = None
    current: SkillState | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """The member's manager rating already has this level and awaits no review."""
        state = self.current
        return bool(
            state is not None
            and state.manager_level == self.level
            and not state.awaiting_review
        )

    @property
    def edit(self) -> CellEdit:
        state = self.current
        return CellEdit(
            person_id=self.person.pk,
            skill_id=self.skill.pk,
            level=self.level,
            seen_level=state.manager_level if state else None,
            seen_version=state_version(state),
        )


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level problems

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.errors and not any(r.errors for r in self.rows)

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def to_record(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.errors and not row.unchanged]

    def raw(self) -> list[list]:
        """The rows as read (line, email, skill, level), to carry to the confirmation step."""
        return [[r.line, r.email, r.skill_slug, r.level_text] for r in self.rows]


def ratings_csv_read(text: str) -> tuple[list[list], list[str]]:
    """Split CSV text into (rows of [line, email, skill slug, level], file-level errors)."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header: dict[str, int] | None = None
    rows, errors = [], []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if header is None:
            names = [HEADER_ALIASES.get(v.strip().casefold()) for v in values]
            header = {name: index for index, name in enumerate(names) if name}
            if set(header) != {"email", "skill", "level"}:
                errors.append(
                    "The first line must name the columns email, skill and level "
                    "(for example: email,skill,level)."
                )
                return [], errors
            continue
        cells = [
            values[header[name]].strip() if header[name] < len(values) else ""
            for name in ("email", "skill", "level")
        ]
        rows.append([reader.line_num, *cells])
        if len(rows) > MAX_IMPORT_ROWS:
            return [], [f"The file has more than {MAX_IMPORT_ROWS} rows: split it."]
    if header is None or not rows:
        errors.append("The file has no ratings.")
    return rows, errors


def ratings_import_check(
    *, raw_rows: list[list], members: list[Person], manager_person_id: int | None,
    states: dict[tuple[int, int], SkillState], team_name: str,
) -> ImportPreview:
    """Check every row: a member of the team (by email), an active skill (by slug), a level
    from 0 to 4, no cell twice. One query (the skills), whatever the number of rows."""
    by_email: dict[str, Person] = {}
    for person in members:
        if person.email:
            by_email.setdefault(person.email.casefold(), person)
    slugs = {row[2] for row in raw_rows}
    skills = {s.slug: s for s in Skill.objects.filter(slug__in=slugs, is_active=True)}
    preview = ImportPreview()
    first_line: dict[tuple[int, int], int] = {}
    for line, email, slug, level_text in raw_rows:
        row = ImportRow(line=int(line), email=email, skill_slug=slug, level_text=level_text)
        row.person = by_email.get(email.casefold()) if email else None
        if not email:
            row.errors.append("The email is missing.")
        elif row.person is None:
            row.errors.append(f"No active member of {team_name} has this email.")
        elif row.person.pk == manager_person_id:
            row.errors.append("You cannot give yourself a manager rating.")
            row.person = None
        row.skill = skills.get(slug)
        if not slug:
            row.errors.append("The skill slug is missing.")
        elif row.skill is None:
            row.errors.append("No active skill has this slug.")
        text = level_text.strip()
        if text.isdigit() and LEVEL_MIN <= int(text) <= LEVEL_MAX:
            row.level = int(text)
        else:
            row.errors.append(f"The level must be a whole number from {LEVEL_MIN} to {LEVEL_MAX}.")
        if row.person is not None and row.skill is not None:
            key = (row.person.pk, row.skill.pk)
            row.current = states.get(key)
            if key in first_line:
                row.errors.append(f"The same member and skill are already on line {first_line[key]}.")
            else:
                first_line[key] = row.line
        preview.rows.append(row)
    return preview
