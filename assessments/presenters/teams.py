"""What the team skill map shows: each cell's colour class, text, marker and tooltip, the
legend, the map page's row markup and the grid editor's ``<option>`` lists.

``selectors.teams.team_map_build`` reads the states; ``team_map_present`` turns them into
cells (no query). The map page, the editor and both exports show the cells made here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from assessments.selectors import SkillState
from assessments.selectors.teams import MapRow, TeamMap, state_version
from readiness.models import Level

CELL_AT_TARGET, CELL_GAP_1, CELL_GAP_2 = "hm-ok", "hm-g1", "hm-g2"
CELL_NOT_ASSESSED, CELL_OPTIONAL = "hm-na", "hm-opt"
#: Legend of the heatmap: class, a sample cell, its marker, words. Templates read it from here.
LEGEND = (
    (CELL_AT_TARGET, "3", "✓", "At or above target"),
    (CELL_GAP_1, "1", "−1", "1 level below target"),
    (CELL_GAP_2, "0", "−2", "2 or more levels below target (the marker gives how many)"),
    (CELL_NOT_ASSESSED, "–", "?", "Required, not assessed"),
    (CELL_OPTIONAL, "2", "", "Not required (the level shows when rated)"),
)
AWAITING_MARK, CALIBRATION_MARK = "*", "!"


@dataclass(slots=True)
class MapCell:
    person_id: int
    skill_id: int
    state: SkillState | None
    css: str
    text: str
    marker: str
    words: str
    tip: str
    # Editor only: the manager level the form shows, its token, and the rendered options.
    seen_level: int | None = None
    options: SafeString | str = ""
    changed: bool = False

    @property
    def key(self) -> str:
        return f"{self.person_id}-{self.skill_id}"

    @property
    def target(self) -> int | None:
        return self.state.target if self.state else None


def _day_labels() -> Callable[[dt.datetime | None], str]:
    """A moment's day as the map writes it, in the current time zone and language, looked up
    once per map: reading them per date (two context-local look-ups each) was the largest part
    of the cells' Python time at 50 × 40 (bench (1))."""
    zone, language = timezone.get_current_timezone(), get_language()

    def when(moment: dt.datetime | None) -> str:
        return _day_label(moment.astimezone(zone).date(), language) if moment else ""

    return when


@functools.lru_cache(maxsize=4096)
def _day_label(day: dt.date, language: str | None) -> str:
    """A map shows thousands of dates but few distinct days: format each day once."""
    return date_format(day, "j M Y")


def _describe(state: SkillState | None) -> tuple[str, str, str, str]:
    """(css class, cell text, marker, status in words) of one cell."""
    if state is None or state.target is None:
        text = "" if state is None or state.level is None else str(state.level)
        return CELL_OPTIONAL, text, "", "not required"
    if state.not_assessed:
        return CELL_NOT_ASSESSED, "–", "?", "not assessed"
    if state.gap == 0:
        return CELL_AT_TARGET, str(state.level), "✓", "at or above target"
    css = CELL_GAP_1 if state.gap == 1 else CELL_GAP_2
    return css, str(state.level), f"−{state.gap}", f"{state.gap} below target"


def _tip(state: SkillState | None, words: str, when: Callable[[dt.datetime | None], str]) -> str:
    """The cell's detail in words: level, target, status, self and manager ratings, flags."""
    parts = ["No rating" if state is None or state.level is None else f"Level {state.level}"]
    if state is not None and state.target is not None:
        parts.append(f"target {state.target}")
    parts.append(words)
    if state is not None:
        if state.self_level is not None:
            parts.append(f"self {state.self_level} on {when(state.self_at)}")
        if state.certification is not None:
            until = state.certification_until
            parts.append(
                f"manager {state.manager_level} by certification {state.certification}, earned "
                f"{when(state.manager_at)}" + (f", until {when(until)}" if until else "")
            )
        elif state.manager_level is not None:
            parts.append(f"manager {state.manager_level} on {when(state.manager_at)}")
        if state.awaiting_review:
            parts.append("awaiting manager review")
        if state.calibration_flag:
            parts.append("calibration flag: self and manager 2+ levels apart")
        if state.interest:
            parts.append("wants to grow")
    return " · ".join(parts)


def _cell(
    person_id: int,
    skill_id: int,
    state: SkillState | None,
    when: Callable[[dt.datetime | None], str],
) -> MapCell:
    css, text, marker, words = _describe(state)
    if state is not None and state.awaiting_review:
        marker += AWAITING_MARK
    if state is not None and state.calibration_flag:
        marker += CALIBRATION_MARK
    return MapCell(person_id, skill_id, state, css, text, marker, words, _tip(state, words, when))


def _cells_html(row: MapRow) -> SafeString:
    """The map page's cells of ``row`` as markup: one template variable per row instead of
    six per cell (a 50-person map has 800 cells; the template loop was half its time).
    ``html.escape`` is what the template's autoescape applies, without Django's lazy wrapper.
    """
    return mark_safe(
        "".join(
            [  # noqa: S308 - every value is escaped here  # nosec B308 B703 # values escaped above
                f'<td class="hm {escape(c.css)}" tabindex="0" data-cell="{c.person_id}-{c.skill_id}">'
                f'<span class="hm-v">{escape(c.text)}</span>'
                f'<span class="hm-m" aria-hidden="true">{escape(c.marker)}</span>'
                f'<span class="hm-tip">{escape(c.tip)}</span></td>'
                for c in row.cells
            ]
        )
    )


def team_map_present(team_map: TeamMap) -> TeamMap:
    """Give every row of ``team_map`` its cells (in column order) and their markup."""
    skill_ids = [column.skill.pk for column in team_map.columns]
    when = _day_labels()
    for row in team_map.rows:
        row.cells = [
            _cell(row.person.pk, skill_id, state, when)
            for skill_id, state in zip(skill_ids, row.states, strict=True)
        ]
        row.cells_html = _cells_html(row)
    return team_map


# --- The editor's cells ------------------------------------------------------------------------


def _options(selected: int | None, blank: bool) -> SafeString:
    # An <option> without a value submits its text: the digits need no value attribute.
    chosen = "" if selected is None else str(selected)

    def flag(value: str) -> str:
        return " selected" if value == chosen else ""

    options = [f'<option value=""{flag("")}>–</option>'] if blank else []
    options += [f"<option{flag(str(level))}>{level}</option>" for level in Level.values]
    return mark_safe("".join(options))  # noqa: S308 - digits and fixed markup only  # nosec B308 B703 # values escaped above


# Six possible values × with or without the blank choice: render each <option> list once.
_OPTIONS = {
    (selected, blank): _options(selected, blank)
    for selected in (None, *Level.values)
    for blank in (True, False)
}


def _editor_cell_html(c: MapCell) -> str:
    changed = " is-changed" if c.changed else ""
    target = f' data-t="{c.target}"' if c.target else ""
    seen = "" if c.seen_level is None else str(c.seen_level)
    return (
        f'<td class="hm {escape(c.css)}{changed}"{target}>'
        f'<select name="c-{c.person_id}-{c.skill_id}"'
        f' aria-labelledby="p{c.person_id} s{c.skill_id}" aria-describedby="scale"'
        f' data-seen="{seen}">{c.options}</select>'
        f'<span class="hm-tip">{escape(c.tip)}</span></td>'
    )


def _editor_cells_html(row: MapRow) -> SafeString:
    """The editor's cells of ``row`` as markup, as ``_cells_html`` does for the map: one
    template variable per row instead of a dozen per cell (at 50 × 40 the template's cell loop
    was most of the editor's build time: bench ``(1b)``). Every value is an integer, a fixed
    class, the pre-rendered options (digits and fixed markup) or escaped here."""
    html = "".join([_editor_cell_html(c) for c in row.cells])
    return mark_safe(html)  # noqa: S308 - every value is escaped above  # nosec B308 B703 # values escaped above


def team_map_prepare_editor(
    *, team_map: TeamMap, values: dict[tuple[int, int], int] | None = None
) -> TeamMap:
    """Give every cell of ``team_map`` its select: pre-filled with the current manager rating
    (or ``values``, the manager's own unsaved choices after a conflict), and every row its
    stale-form token."""
    values = values or {}
    for row in team_map.rows:
        tokens = []
        for cell in row.cells:
            state = cell.state
            cell.seen_level = state.manager_level if state else None
            chosen = values.get((cell.person_id, cell.skill_id), cell.seen_level)
            cell.changed = chosen != cell.seen_level
            cell.options = _OPTIONS[(chosen, cell.seen_level is None)]
            version = state_version(state)
            if version:
                seen = "" if cell.seen_level is None else str(cell.seen_level)
                tokens.append(f"{cell.skill_id}:{seen}:{version}")
        row.version = ",".join(tokens)
        row.cells_html = _editor_cells_html(row)
    return team_map
