"""The dashboard's tables as an XLSX workbook: one sheet per table, with the very figures the
page shows (both read one ``Dashboard``), hidden aggregates written as "hidden: fewer than 5
people, or revealing such a group".
Every cell goes through ``readiness.spreadsheets`` (names never become formulas).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone

from assessments.selectors.dashboard import Dashboard, GroupRow
from readiness.spreadsheets import xlsx_row_append

PERCENT_NOTE = "Percentages are rounded to whole numbers."


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: list[list]
    note: str = ""


def _hidden(dashboard: Dashboard) -> str:
    # The privacy floor (readiness.privacy_floor): small, or revealing a small group.
    return f"hidden: fewer than {dashboard.min_people} people, or revealing such a group"


def _group_rows(dashboard: Dashboard, rows: list[GroupRow]) -> list[list]:
    hidden = _hidden(dashboard)
    result: list[list] = []
    for row in [*rows, dashboard.total]:
        if row.hidden:
            result.append([row.label, hidden, "", "", "", "", ""])
            continue
        result.append(
            [
                row.label,
                row.people,
                row.readiness_percent,
                row.ready_percent,
                row.readiness.not_assessed,
                None if row.readiness.mean_gap is None else round(row.readiness.mean_gap, 2),
                row.compliance_percent,
            ]
        )
    return result


GROUP_HEADER = [
    "People in scope",
    "Skills at target %",
    "People fully ready %",
    "Required skills not assessed",
    "Mean gap (levels)",
    "Assessed within cadence %",
]


# Over 60 lines: one list of sheets in page order, each a few lines; kept as one list so the
# order of the workbook is the order of the page at a glance.
def dashboard_tables(dashboard: Dashboard) -> list[Sheet]:
    """Every table of the dashboard, in page order."""
    hidden = _hidden(dashboard)
    as_of = timezone.localtime(dashboard.as_of).strftime("%Y-%m-%d %H:%M")
    sheets = [
        Sheet(
            "Summary",
            ["Figure", "Value"],
            [
                ["Scope", dashboard.scope.label],
                ["Live figures as of", as_of],
                ["People in scope", dashboard.total.people],
                ["Skills at target %", dashboard.total.readiness_percent],
                ["People fully ready %", dashboard.total.ready_percent],
                ["Assessed within cadence %", dashboard.total.compliance_percent],
                ["Open concerns", dashboard.open_concerns],
                ["Privacy threshold (people)", dashboard.min_people],
            ],
            PERCENT_NOTE,
        ),
        Sheet(
            "By audience", ["Audience", *GROUP_HEADER], _group_rows(dashboard, dashboard.audiences)
        ),
        Sheet(
            "By department" if dashboard.scope.leadership else "By team",
            ["Department" if dashboard.scope.leadership else "Team", *GROUP_HEADER],
            _group_rows(dashboard, dashboard.departments),
        ),
    ]
    heat = dashboard.heatmap
    sheets.append(
        Sheet(
            "Audience x skill",
            ["Skill", "Category", *heat.columns],
            [
                [
                    row.skill.name,
                    row.skill.category.name,
                    *(
                        "" if cell is None else hidden if cell.hidden else cell.percent
                        for cell in row.cells
                    ),
                ]
                for row in heat.rows
            ],
            "Share (%) of the people each skill is required of who are at or above target.",
        )
    )
    sheets.append(
        Sheet(
            "Trends",
            [
                "Date",
                "Source",
                "People in scope",
                "Skills at target %",
                "People fully ready %",
                "Assessed within cadence %",
            ],
            [
                [
                    point.date,
                    "live" if point.live else "snapshot",
                    hidden if point.hidden else point.people,
                    point.readiness_percent,
                    point.ready_percent,
                    point.compliance_percent,
                ]
                for point in dashboard.trend.points
            ],
        )
    )
    sheets.append(
        Sheet(
            "Learning activity",
            ["Status", "Items", "People", "Hours"],
            [
                [row.label, hidden, "", ""]
                if row.hidden
                else [row.label, row.items, row.people, row.hours]
                for row in dashboard.activity
            ],
        )
    )
    sheets.append(
        Sheet(
            "Training effectiveness",
            ["Resource", "URL", "Mean level gain", "People (n)", "Of whom verified"],
            [
                [
                    row.resource.title,
                    row.resource.url,
                    "" if row.hidden else row.mean_gain,
                    hidden if row.hidden else row.people,
                    "" if row.hidden else row.verified,
                ]
                for row in dashboard.effectiveness
            ],
            "Mean change in level on the skills a resource builds, between the last rating before "
            "starting it and the first after completing it.",
        )
    )
    calibration = [dashboard.calibration_total, *dashboard.calibration_departments]
    sheets.append(
        Sheet(
            "Calibration",
            [
                "Group",
                "Kind",
                "People",
                "Ratings compared",
                "Differ by 2+ levels",
                "Differ by 2+ levels %",
            ],
            [
                [row.label, kind, hidden, "", "", ""]
                if row.hidden
                else [
                    row.label,
                    kind,
                    row.calibration.people,
                    row.calibration.compared,
                    row.calibration.flagged,
                    row.calibration.percent,
                ]
                for kind, rows in (
                    ("total", calibration[:1]),
                    ("department", calibration[1:]),
                    ("team", dashboard.calibration_teams),
                )
                for row in rows
            ],
        )
    )
    sheets.append(
        Sheet(
            "Open concerns",
            ["Category", "Open", "In review", "Total"],
            [
                [row.label, hidden, "", ""]
                if row.hidden
                else [row.label, row.open, row.in_review, row.total]
                for row in dashboard.concerns
            ],
        )
    )
    return sheets


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in dashboard_tables(dashboard):
        ws = workbook.create_sheet(sheet.title[:31])
        xlsx_row_append(ws, sheet.header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            xlsx_row_append(ws, row)
        if sheet.note:
            xlsx_row_append(ws, [])
            xlsx_row_append(ws, [sheet.note])
        ws.freeze_panes = "B2"
        for index, title in enumerate(sheet.header, start=1):
            width = max(
                [len(str(title)), *(len(str(r[index - 1])) for r in sheet.rows if len(r) >= index)],
                default=10,
            )
            ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
