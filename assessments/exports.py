"""The team skill map as CSV and XLSX, the manager ratings one per line (the "long" shape,
which the import reads as it is), and the CSV or XLSX import of manager ratings.

Exports write exactly the grid the map page shows (same rows, columns, order, filters and
totals): all come from ``selectors_teams.team_map_build``, and every value goes through
``readiness.spreadsheets`` (never a formula). Imports are parsed and checked here, row by row;
recording goes through ``services_teams.team_ratings_record``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from assessments.selectors import SkillState
from assessments.selectors_teams import (
    AWAITING_MARK,
    CALIBRATION_MARK,
    TeamMap,
    state_version,
)
from assessments.services_teams import CellEdit
from readiness.models import LEVEL_MAX, LEVEL_MIN, Person, Skill
from readiness.spreadsheets import csv_text, spreadsheet_text_read, xlsx_row_append

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
    return csv_text(team_map_table(team_map))


#: The XLSX map's cell fills and font colours: the screen's heatmap colours
#: (``static/css/heatmap.css``), chosen from the same gap as the screen's.
XLSX_COLOURS = {
    "at target": ("CFE9D8", "0B3D20"),
    "1 below": ("FFE7A0", "4A3500"),
    "2+ below": ("F6C3BE", "5A1008"),
    "not assessed": ("F1F3F5", "212529"),
}


def _xlsx_band(state: SkillState | None) -> str | None:
    """Which colour a cell gets, from its state: none for a skill not required of the member."""
    if state is None or state.target is None:
        return None
    if state.not_assessed:
        return "not assessed"
    if state.gap == 0:
        return "at target"
    return "1 below" if state.gap == 1 else "2+ below"


def _xlsx_marker_format(marker: str) -> str:
    """A number format that shows the level followed by the map's marker, so the cell keeps its
    marker and its value stays a number."""
    return f'0" {marker}"' if marker else "0"


def team_map_xlsx(team_map: TeamMap) -> bytes:
    """The same table in a workbook: frozen header and first column, each level coloured and
    marked as on the map (a required skill not assessed is an empty cell with a note), plus a
    "Cells" sheet with one row per (member, skill) for pivot tables and a "Legend" sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    fills = {band: PatternFill("solid", start_color=f"FF{bg}", end_color=f"FF{bg}")
             for band, (bg, _) in XLSX_COLOURS.items()}
    fonts = {band: Font(color=f"FF{fg}") for band, (_, fg) in XLSX_COLOURS.items()}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Skill map"
    rows = list(team_map_table(team_map))
    first_skill = 4
    for index, values in enumerate(rows):
        member = team_map.rows[index - 1] if 0 < index <= len(team_map.rows) else None
        if member is not None:
            values = list(values)
            for offset, cell in enumerate(member.cells):
                if cell.state is not None and cell.state.not_assessed:
                    values[first_skill - 1 + offset] = None  # empty, with a note
        written = xlsx_row_append(sheet, values)
        if member is None:
            continue
        for cell, target in zip(member.cells, written[first_skill - 1:], strict=False):
            band = _xlsx_band(cell.state)
            if band is not None:
                target.fill, target.font = fills[band], fonts[band]
            if band == "not assessed":
                target.comment = Comment(
                    f"Required, not assessed (target {cell.state.target}).", "Readiness",
                    width=220, height=50,
                )
            elif cell.marker:
                target.number_format = _xlsx_marker_format(cell.marker)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(len(team_map.rows) + 2, len(rows) + 1):
        sheet.cell(row=index, column=1).font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 22
    for index in range(first_skill, first_skill + len(team_map.columns)):
        sheet.column_dimensions[get_column_letter(index)].width = 14

    cells = workbook.create_sheet("Cells")
    xlsx_row_append(cells, [
        "Member", "Email", "Skill", "Skill slug", "Category", "Target", "Level", "Gap",
        "Status", "Self level", "Self rated", "Manager level", "Manager rated",
        "Awaiting review", "Calibration flag",
    ])
    for cell in cells[1]:
        cell.font = Font(bold=True)
    skills = {column.skill.pk: column.skill for column in team_map.columns}
    for row in team_map.rows:
        for cell in row.cells:
            state, skill = cell.state, skills[cell.skill_id]
            if state is None:
                continue
            xlsx_row_append(cells, [
                row.person.display_name, row.person.email, skill.name, skill.slug,
                skill.category.name, state.target, state.level,
                state.gap if state.required else None, cell.words,
                state.self_level, _naive(state.self_at), state.manager_level,
                _naive(state.manager_at), state.awaiting_review, state.calibration_flag,
            ])
    cells.freeze_panes = "A2"

    legend = workbook.create_sheet("Legend")
    xlsx_row_append(legend, ["Cell", "Means"])
    for cell in legend[1]:
        cell.font = Font(bold=True)
    for band, sample, marker, words in (
        ("at target", 3, "✓", "At or above target"),
        ("1 below", 1, "−1", "1 level below target"),
        ("2+ below", 0, "−2", "2 or more levels below target (the marker gives how many)"),
        ("not assessed", None, "", "Required, not assessed (empty, with a note)"),
        (None, 2, "", "Not required (the level shows when rated)"),
    ):
        swatch, _ = xlsx_row_append(legend, [sample, words])
        if band is not None:
            swatch.fill, swatch.font = fills[band], fonts[band]
        swatch.number_format = _xlsx_marker_format(marker)
    xlsx_row_append(legend, [None, f"{AWAITING_MARK} after a level: a self-rating awaits "
                                   "manager review"])
    xlsx_row_append(legend, [None, f"{CALIBRATION_MARK} after a level: self and manager "
                                   "ratings 2 or more levels apart"])
    legend.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Export of the ratings, one per line (to edit and import again) ------------------------

LONG_HEADER = ("email", "skill", "level")


def team_ratings_table(team_map: TeamMap) -> Iterator[list]:
    """The map's cells one per line, as the import reads them: the member's email, the skill's
    slug and the current manager rating (empty when no manager has rated the cell; the import
    skips a line without a level). Exported, edited and imported again, a file records exactly
    the lines whose level was changed."""
    yield list(LONG_HEADER)
    skills = [column.skill for column in team_map.columns]
    for row in team_map.rows:
        for skill, cell in zip(skills, row.cells, strict=True):
            state = cell.state
            level = state.manager_level if state is not None else None
            yield [row.person.email, skill.slug, level]


def team_ratings_csv(team_map: TeamMap) -> str:
    return csv_text(team_ratings_table(team_map))


def team_ratings_xlsx(team_map: TeamMap) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ratings"
    for values in team_ratings_table(team_map):
        xlsx_row_append(sheet, values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 30
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
    def skipped(self) -> bool:
        """A line without a level (the long export writes one for every cell no manager has
        rated): nothing to record, nothing to check."""
        return not self.level_text.strip()

    @property
    def unchanged(self) -> bool:
        """The member's current manager rating already has this level: nothing to record, as
        when a cell of the grid editor is left as it is. A newer self-rating stays in the
        review queue (accept or adjust it on the review page)."""
        state = self.current
        return self.skipped or bool(state is not None and state.manager_level == self.level)

    @property
    def awaiting_review(self) -> bool:
        """Unchanged, while a newer self-rating of the member waits for the manager."""
        return bool(not self.skipped and self.unchanged and self.current.awaiting_review)

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

    @property
    def quiet_rows(self) -> list[ImportRow]:
        """Valid rows that change nothing (unchanged, or without a level): the preview folds
        them away, so the lines that matter in a whole exported file stand out."""
        return [row for row in self.rows if not row.errors and row.unchanged]

    @property
    def loud_rows(self) -> list[ImportRow]:
        """Rows with an error, and rows to record."""
        return [row for row in self.rows if row.errors or not row.unchanged]

    def raw(self) -> list[list]:
        """The rows as read (line, email, skill, level), to carry to the confirmation step."""
        return [[r.line, r.email, r.skill_slug, r.level_text] for r in self.rows]


HEADER_ERROR = (
    "The first line must name the columns email, skill and level "
    "(for example: email,skill,level)."
)


def _ratings_header(values: list[str]) -> dict[str, int] | None:
    """The column of email, skill and level in a header line; None when one is missing."""
    names = [HEADER_ALIASES.get(spreadsheet_text_read(v.strip()).casefold()) for v in values]
    header = {name: index for index, name in enumerate(names) if name}
    return header if set(header) == {"email", "skill", "level"} else None


def _ratings_cells(header: dict[str, int], values: list[str]) -> list[str]:
    """[email, skill slug, level] of one line, with the text mark of our exports taken off."""
    return [
        spreadsheet_text_read(values[header[name]].strip()) if header[name] < len(values)
        else ""
        for name in ("email", "skill", "level")
    ]


def ratings_file_read(content: str | bytes) -> tuple[list[list], list[str]]:
    """Rows and file-level errors of an uploaded file: CSV text, or the bytes of an XLSX
    workbook (``RatingsImportForm`` tells them apart)."""
    if isinstance(content, bytes):
        return ratings_xlsx_read(content)
    return ratings_csv_read(content)


def ratings_csv_reader(text: str):  # -> the csv module's reader object (not a public type)
    """A CSV reader over ``text`` as the ratings import reads it: only the delimiter is guessed;
    the quote is always '"' (the apostrophe our exports put before text that would start a
    formula would otherwise pass for a quote character)."""
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def ratings_csv_read(text: str) -> tuple[list[list], list[str]]:
    """Split CSV text into (rows of [line, email, skill slug, level], file-level errors)."""
    reader = ratings_csv_reader(text)
    header: dict[str, int] | None = None
    rows, errors = [], []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if header is None:
            header = _ratings_header(values)
            if header is None:
                errors.append(HEADER_ERROR)
                return [], errors
            continue
        rows.append([reader.line_num, *_ratings_cells(header, values)])
        if len(rows) > MAX_IMPORT_ROWS:
            return [], [f"The file has more than {MAX_IMPORT_ROWS} rows: split it."]
    if header is None or not rows:
        errors.append("The file has no ratings.")
    return rows, errors


XLSX_MAX_UNPACKED = 16 * 1024 * 1024  # bytes of XML a workbook may unpack to
XLSX_MAX_COLUMNS = 64
XLSX_MAX_LINES = 2 * MAX_IMPORT_ROWS  # rows read, blank ones included
XLSX_UNREADABLE = "The file is not a readable XLSX workbook: save it again as .xlsx or as CSV."


def _xlsx_text(value: object) -> str:
    """A cell of an uploaded workbook as the text a CSV would hold (3.0 → "3")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def ratings_xlsx_read(data: bytes) -> tuple[list[list], list[str]]:
    """Split the first sheet of an XLSX workbook into (rows of [line, email, skill slug,
    level], file-level errors), as ``ratings_csv_read`` does for CSV; a line is a sheet row."""
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return [], [XLSX_UNREADABLE]
    if unpacked > XLSX_MAX_UNPACKED:
        return [], ["The workbook is too large once unpacked: split it, or save it as CSV."]
    rows, errors = [], []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            header: dict[str, int] | None = None
            sheet = workbook.worksheets[0]
            for line, raw in enumerate(
                sheet.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS), start=1
            ):
                if line > XLSX_MAX_LINES:
                    return [], [f"The sheet has more than {XLSX_MAX_LINES} lines: split it."]
                values = [_xlsx_text(value) for value in raw]
                if not any(value.strip() for value in values):
                    continue
                if header is None:
                    header = _ratings_header(values)
                    if header is None:
                        return [], [HEADER_ERROR]
                    continue
                rows.append([line, *_ratings_cells(header, values)])
                if len(rows) > MAX_IMPORT_ROWS:
                    return [], [f"The file has more than {MAX_IMPORT_ROWS} rows: split it."]
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - any damage in an uploaded workbook is the same answer
        return [], [XLSX_UNREADABLE]
    if not rows:
        errors.append("The file has no ratings.")
    return rows, errors


def ratings_import_check(
    *, raw_rows: list[list], members: list[Person], manager_person_id: int | None,
    states: dict[tuple[int, int], SkillState], team_name: str,
) -> ImportPreview:
    """Check every row: a member of the team (by email), an active skill (by slug), a level
    from 0 to 4, no cell twice; a row without a level is skipped. One query (the skills),
    whatever the number of rows."""
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
        if row.skipped:  # no level: nothing will be written, whoever and whatever it names
            row.skill = skills.get(slug)
            preview.rows.append(row)
            continue
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
