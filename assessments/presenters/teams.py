"""What the team skill map shows: each cell's colour class, text, marker, status in words and
detail, the legend, and the map's and the grid editor's grids drawn by Jinja2.

``selectors.teams.team_map_build`` reads the states; ``team_map_present`` turns them into
cells (no query). The map page, the editor and both exports show the cells made here.

Why the grids are Jinja2 fragments (``templates/jinja2/assessments/team_*_grid.html``) of cells
prepared here as named tuples: a 50-person map has 2,000 cells, and at that size the cell loop
is the page. Measured on the bench's 50 × 40 map, the same 2,000-cell loop took 56.6 ms of CPU
in a Django template, 6.9 ms in Jinja2 autoescaped and 1.2 ms with the cell loop unescaped
(every value in it is an integer or a word of this module's fixed vocabulary, except a
certification's name, escaped by ``_certified``; names are drawn outside it, escaped). The
cells themselves are now joined here, a row at a time, from each cell shape's HTML drawn once
(``_map_cells_html``, ``_editor_cells_html``): measured side by side on the bench's map, the
map's grid 2.9 → 2.3 ms and the editor's 5.0 → 3.7 ms, the same bytes. A cell's detail (its self
and manager ratings with their dates) is not formatted per cell on the server: the cell
carries the values (``data-d``) and ``static/js/team_map.js`` writes the sentence, in the
server's time zone, into the cell's tip (the status in words is always in the tip, for screen
readers and without JavaScript).
"""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from assessments.presenters import jinja2_fragment
from assessments.selectors import SkillState
from assessments.selectors.teams import TeamMap, state_version
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
#: The flags a cell's detail carries (``data-d``'s last field), read by ``team_map.js``.
FLAG_AWAITING, FLAG_CALIBRATION, FLAG_GROW = "a", "c", "g"

MAP_GRID_TEMPLATE = "assessments/team_map_grid.html"
EDITOR_GRID_TEMPLATE = "assessments/team_editor_grid.html"
FILTERS_TEMPLATE = "assessments/team_filters.html"


class MapCell(NamedTuple):
    """One cell as the pages and the exports show it (a tuple: 2,000 of them a map)."""

    person_id: int
    skill_id: int
    state: SkillState | None
    css: str
    text: str
    marker: str
    words: str
    #: "level|target|self level|self moment|manager level|manager moment|flags" (moments as
    #: Unix seconds, empty values for none; then "|certification|expiry" when the manager level
    #: is a certification's): what the cell's tip says, written by the script.
    detail: str

    @property
    def target(self) -> int | None:
        return self.state.target if self.state else None


class EditorCell(NamedTuple):
    """A cell of the grid editor: the map's cell, and its select."""

    cell: MapCell
    target: int | None
    options: tuple[int | None, bool]  # (the level selected, whether "–" is offered)
    changed: bool  # the select holds another level than the manager's latest
    seen: str  # the manager's latest level the page was drawn with ("" for none)


def _describe(target: int | None, level: int | None, gap: int) -> tuple[str, str, str, str]:
    """(css class, cell text, marker, status in words) of a cell."""
    if target is None:
        return CELL_OPTIONAL, "" if level is None else str(level), "", "not required"
    if level is None:
        return CELL_NOT_ASSESSED, "–", "?", "not assessed"
    if gap == 0:
        return CELL_AT_TARGET, str(level), "✓", "at or above target"
    css = CELL_GAP_1 if gap == 1 else CELL_GAP_2
    return css, str(level), f"−{gap}", f"{gap} below target"


#: A cell's looks depend on a handful of values: each combination is worked out once.
_LOOKS: dict[tuple, tuple[str, str, str, str]] = {}
_NUMBER: dict[int | None, str] = {None: "", **{level: str(level) for level in range(10)}}


def _looks_of(
    target: int | None, level: int | None, gap: int, awaiting: bool, calibration: bool
) -> tuple[str, str, str, str]:
    """(css class, cell text, marker, status in words) of a rated cell, worked out once per
    combination of the values they depend on (``_LOOKS``)."""
    css, text, marker, words = _describe(target, level, gap)
    if awaiting:
        marker += AWAITING_MARK
    if calibration:
        marker += CALIBRATION_MARK
    looks = _LOOKS[target, level, gap, awaiting, calibration] = (css, text, marker, words)
    return looks


_NEVER_RATED = _describe(None, None, 0)


def _certified(state: SkillState) -> str:
    """The detail's tail when the manager's level is a certification's: its name (escaped
    here, the cell loop is not autoescaped; "|" kept out of the fields) and its expiry."""
    until = state.certification_until
    name = escape((state.certification or "").replace("|", "/"))
    return f"|{name}|{int(until.timestamp()) if until else ''}"


def _cells(pk: int, skill_ids: list[int], states: list[SkillState | None]) -> list[MapCell]:
    """One row's cells. Spelled out in one loop (no call per cell): it runs 2,000 times a
    50-person map, and the calls were most of its time."""
    number, looks_of, new, flags_of = _NUMBER, _LOOKS.get, tuple.__new__, _FLAGS
    never = (*_NEVER_RATED, "")
    cells: list[MapCell] = []
    append = cells.append
    for skill_id, state in zip(skill_ids, states, strict=True):
        if state is None:
            append(new(MapCell, (pk, skill_id, None, *never)))
            continue
        (
            _,
            _,
            target,
            level,
            self_level,
            self_at,
            manager_level,
            manager_at,
            interest,
            gap,
            _,
            _,
            awaiting,
            calibration,
            certification,
            _,
        ) = state
        key = (target, level, gap, awaiting, calibration)
        looks = looks_of(key) or _looks_of(*key)
        detail = (
            f"{number[level]}|{number[target]}|{number[self_level]}|"
            f"{int(self_at.timestamp()) if self_at else ''}|{number[manager_level]}|"
            f"{int(manager_at.timestamp()) if manager_at else ''}|"
            f"{flags_of[awaiting, calibration, bool(interest)]}"
        )
        if certification is not None:
            detail += _certified(state)
        append(new(MapCell, (pk, skill_id, state, *looks, detail)))
    return cells


#: The detail's flags of (awaiting review, calibration flag, wants to grow).
_FLAGS = {
    (awaiting, calibration, grow): (
        (FLAG_AWAITING if awaiting else "")
        + (FLAG_CALIBRATION if calibration else "")
        + (FLAG_GROW if grow else "")
    )
    for awaiting in (False, True)
    for calibration in (False, True)
    for grow in (False, True)
}


def team_map_present(team_map: TeamMap) -> TeamMap:
    """Give every row of ``team_map`` its cells, in column order."""
    skill_ids = [column.skill.pk for column in team_map.columns]
    for row in team_map.rows:
        row.cells = _cells(row.person.pk, skill_ids, row.states)
    return team_map


# --- The grids, drawn by Jinja2 -----------------------------------------------------------------


def _render(template_name: str, **context: object) -> SafeString:
    # Autoescaped, except the cell loops, which print integers, this module's fixed words and
    # the certification name already escaped by ``_certified`` (see the templates' headers).
    return jinja2_fragment(template_name, **context)


def _person_url() -> tuple[str, str]:
    """A member page's URL around its id, reversed once for every row of the grid."""
    url = reverse("assessments:person-detail", args=[2_147_483_647])
    prefix, _, suffix = url.partition("2147483647")
    return prefix, suffix


def _grid_context(team_map: TeamMap) -> dict[str, object]:
    return {
        "map": team_map,
        "rows": team_map.rows,
        "tz": timezone.get_current_timezone_name(),
    }


#: A map cell's HTML around its own values (its ids, its detail), one pair a shape (class,
#: text, marker, words), drawn once for good: a map has 2,000 cells of a few dozen shapes.
_MAP_SHAPES: dict[tuple[str, str, str, str], tuple[str, str]] = {}


def _map_shape(css: str, text: str, marker: str, words: str) -> tuple[str, str]:
    shape = _MAP_SHAPES[css, text, marker, words] = (
        f'<td class="hm {css}" tabindex="0" data-cell="',
        f'><span class="hm-v">{text}</span><span class="hm-m" aria-hidden="true">{marker}</span>'
        f'<span class="hm-tip">{words}</span></td>',
    )
    return shape


def _map_cells_html(pk: int, cells: list[MapCell]) -> str:
    """A map row's cells as HTML, printed as given by ``team_map_grid.html``: each cell its
    shape (``_MAP_SHAPES``) around its ids and detail, in one spelled-out loop (as ``_cells``):
    the template's loop spent ~3 µs a cell on its fifteen pieces. Not escaped: every value is
    an integer or a word of this module's vocabulary, but the detail's certification name,
    escaped by ``_certified``."""
    shapes = _MAP_SHAPES.get
    parts: list[str] = []
    append = parts.append
    for _, skill_id, _, css, text, marker, words, detail in cells:
        start, end = shapes((css, text, marker, words)) or _map_shape(css, text, marker, words)
        if detail:
            append(f'{start}{pk}-{skill_id}" data-d="{detail}"{end}')
        else:
            append(f'{start}{pk}-{skill_id}"{end}')
    return "".join(parts)


def team_map_grid(
    *, team_map: TeamMap, sorting: dict[str, dict[str, str]], links_people: bool
) -> SafeString:
    """The map's table: headers (with their sort links), one row a member, the totals."""
    prefix, suffix = _person_url()
    return _render(
        MAP_GRID_TEMPLATE,
        **_grid_context(team_map),
        sorting=sorting,
        links_people=links_people,
        person_url=(prefix, suffix),
        cells_html=[_map_cells_html(row.person.pk, row.cells) for row in team_map.rows],
    )


def team_map_filters(*, form: object, team_map: TeamMap, filtered: bool) -> SafeString:
    """The filter form of the map and the editor (``TeamMapFilterForm``'s choices, the sort
    select with an option a column)."""
    return _render(FILTERS_TEMPLATE, form=form, map=team_map, filtered=filtered)


#: The select of a cell: (the level selected, whether "–" is offered), one tuple of each.
_OPTION_KEYS = {
    (selected, blank): (selected, blank)
    for selected in (None, *Level.values)
    for blank in (True, False)
}
#: The twelve option lists of a cell's select (the level selected, "–" offered or not).
_OPTIONS_HTML = {
    (selected, blank): (
        (f'<option value=""{" selected" if selected is None else ""}>–</option>' if blank else "")
        + "".join(
            f"<option{' selected' if selected == level else ''}>{level}</option>"
            for level in Level.values
        )
    )
    for selected, blank in _OPTION_KEYS
}
#: An editor cell's HTML around its own values (its ids, its detail), one pair a shape (class,
#: changed, target, select's options, level seen, words), drawn once for good.
_EDITOR_SHAPES: dict[tuple, tuple[str, str]] = {}


def _editor_shape(key: tuple) -> tuple[str, str]:
    css, changed, target, options, seen, words = key
    shape = _EDITOR_SHAPES[key] = (
        f'<td class="hm {css}{" is-changed" if changed else ""}"'
        + (f' data-t="{target}"' if target else ""),
        f' aria-describedby="scale" data-seen="{seen}">{_OPTIONS_HTML[options]}</select>'
        f'<span class="hm-tip">{words}</span></td>',
    )
    return shape


def _editor_cells_html(pk: int, cells: list[EditorCell]) -> str:
    """An editor row's cells as HTML, printed as given by ``team_editor_grid.html``: each
    cell its shape (``_EDITOR_SHAPES``) around its ids and detail, in one loop (as
    ``_map_cells_html``, and not escaped for the same reasons)."""
    shapes = _EDITOR_SHAPES.get
    parts: list[str] = []
    append = parts.append
    for (_, skill_id, _, css, _, _, words, detail), target, options, changed, seen in cells:
        key = (css, changed, target, options, seen, words)
        start, end = shapes(key) or _editor_shape(key)
        data = f' data-d="{detail}"' if detail else ""
        append(
            f'{start}{data}><select name="c-{pk}-{skill_id}"'
            f' aria-labelledby="p{pk} s{skill_id}"{end}'
        )
    return "".join(parts)


def team_editor_grid(*, team_map: TeamMap) -> SafeString:
    """The editor's table: headers, one row a member, a select a cell (after
    ``team_map_prepare_editor``)."""
    return _render(
        EDITOR_GRID_TEMPLATE,
        **_grid_context(team_map),
        cells_html=[_editor_cells_html(row.person.pk, row.editor_cells) for row in team_map.rows],
    )


def team_map_prepare_editor(
    *, team_map: TeamMap, values: dict[tuple[int, int], int] | None = None
) -> TeamMap:
    """Give every cell of ``team_map`` its select: pre-filled with the current manager rating
    (or ``values``, the manager's own unsaved choices after a conflict), and every row its
    stale-form token. One spelled-out loop a row, as ``_cells``: it runs once a cell."""
    values = values or {}
    number, options, new, version_of = _NUMBER, _OPTION_KEYS, tuple.__new__, state_version
    for row in team_map.rows:
        tokens = []
        editors: list[EditorCell] = []
        append = editors.append
        for cell in row.cells:
            state = cell.state
            if state is None:
                target = seen_level = None
            else:
                target, seen_level = state.target, state.manager_level
            chosen = (
                values.get((cell.person_id, cell.skill_id), seen_level) if values else seen_level
            )
            seen = number[seen_level]
            append(
                new(
                    EditorCell,
                    (
                        cell,
                        target,
                        options[chosen, seen_level is None],
                        chosen != seen_level,
                        seen,
                    ),
                )
            )
            if state is not None:
                version = version_of(state)
                if version:
                    tokens.append(f"{cell.skill_id}:{seen}:{version}")
        row.editor_cells = editors
        row.version = ",".join(tokens)
    return team_map
