"""The CSV or XLSX import of manager ratings, in the "long" shape the ratings export writes:
parsed and checked here, row by row; recording goes through ``services.teams.team_ratings_record``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from assessments.selectors import SkillState
from assessments.selectors.teams import state_version
from assessments.services.teams import CellEdit
from readiness.models import LEVEL_MAX, LEVEL_MIN, Person, Skill
from readiness.spreadsheets import spreadsheet_text_read

MAX_IMPORT_ROWS = 5000


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
        state = self.current
        return bool(
            not self.skipped and self.unchanged and state is not None and state.awaiting_review
        )

    @property
    def edit(self) -> CellEdit:
        """The grid edit of a line that passed the check (person, skill and level found)."""
        if self.person is None or self.skill is None or self.level is None:
            raise ValueError(f"Line {self.line} did not pass the check: it records nothing.")
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
    "The first line must name the columns email, skill and level (for example: email,skill,level)."
)


def _ratings_header(values: list[str]) -> dict[str, int] | None:
    """The column of email, skill and level in a header line; None when one is missing."""
    names = [HEADER_ALIASES.get(spreadsheet_text_read(v.strip()).casefold()) for v in values]
    header = {name: index for index, name in enumerate(names) if name}
    return header if set(header) == {"email", "skill", "level"} else None


def _ratings_cells(header: dict[str, int], values: list[str]) -> list[str]:
    """[email, skill slug, level] of one line, with the text mark of our exports taken off."""
    return [
        spreadsheet_text_read(values[header[name]].strip()) if header[name] < len(values) else ""
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
    *,
    raw_rows: list[list],
    members: list[Person],
    manager_person_id: int | None,
    states: dict[tuple[int, int], SkillState],
    team_name: str,
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
                row.errors.append(
                    f"The same member and skill are already on line {first_line[key]}."
                )
            else:
                first_line[key] = row.line
        preview.rows.append(row)
    return preview
