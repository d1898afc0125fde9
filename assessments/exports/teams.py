"""The team skill map as CSV and XLSX and the manager ratings one per line (the "long" shape,
which the import in ``exports.ratings_import`` reads as it is).

Exports write exactly the grid the map page shows (same rows, columns, order, filters and
totals): all come from ``selectors.teams.team_map_build`` through
``presenters.teams.team_map_present``, and every value goes through
``readiness.spreadsheets`` (never a formula).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.utils import timezone

from assessments.presenters.teams import AWAITING_MARK, CALIBRATION_MARK
from assessments.selectors import SkillState
from assessments.selectors.teams import TeamMap
from readiness.spreadsheets import csv_text, xlsx_row_append

NOT_ASSESSED = "not assessed"


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
            person.role_name or "",
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


# Over 60 lines: the workbook's sheets written in order (map, details, legend); each block is
# a few openpyxl calls on the same workbook.
def team_map_xlsx(team_map: TeamMap) -> bytes:
    """The same table in a workbook: frozen header and first column, each level coloured and
    marked as on the map (a required skill not assessed is an empty cell with a note), plus a
    "Cells" sheet with one row per (member, skill) for pivot tables and a "Legend" sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    fills = {
        band: PatternFill("solid", start_color=f"FF{bg}", end_color=f"FF{bg}")
        for band, (bg, _) in XLSX_COLOURS.items()
    }
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
        for cell, target in zip(member.cells, written[first_skill - 1 :], strict=False):
            band = _xlsx_band(cell.state)
            if band is not None:
                target.fill, target.font = fills[band], fonts[band]
            if band == "not assessed":
                target.comment = Comment(
                    f"Required, not assessed (target {cell.state.target}).",
                    "Readiness",
                    width=220,
                    height=50,
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
    xlsx_row_append(
        cells,
        [
            "Member",
            "Email",
            "Skill",
            "Skill slug",
            "Category",
            "Target",
            "Level",
            "Gap",
            "Status",
            "Self level",
            "Self rated",
            "Manager level",
            "Manager rated",
            "Awaiting review",
            "Calibration flag",
        ],
    )
    for cell in cells[1]:
        cell.font = Font(bold=True)
    skills = {column.skill.pk: column.skill for column in team_map.columns}
    for row in team_map.rows:
        for cell in row.cells:
            state, skill = cell.state, skills[cell.skill_id]
            if state is None:
                continue
            xlsx_row_append(
                cells,
                [
                    row.person.display_name,
                    row.person.email,
                    skill.name,
                    skill.slug,
                    skill.category.name,
                    state.target,
                    state.level,
                    state.gap if state.required else None,
                    cell.words,
                    state.self_level,
                    _naive(state.self_at),
                    state.manager_level,
                    _naive(state.manager_at),
                    state.awaiting_review,
                    state.calibration_flag,
                ],
            )
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
    xlsx_row_append(
        legend, [None, f"{AWAITING_MARK} after a level: a self-rating awaits manager review"]
    )
    xlsx_row_append(
        legend,
        [
            None,
            f"{CALIBRATION_MARK} after a level: self and manager ratings 2 or more levels apart",
        ],
    )
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
