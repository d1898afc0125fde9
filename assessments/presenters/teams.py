"""What the team skill map shows: each cell's colour class, text, marker, status in words and
detail, the legend, and the map's and the grid editor's content and grids drawn by Jinja2.

``selectors.teams.team_map_build`` reads the states; the pages draw their cells straight from
them (no query); ``team_map_present`` gives the exports each cell's looks, the same.

Why the grids are Jinja2 (``templates/jinja2/assessments/team_*``): a 50-person map has 2,000
cells, and at that size the cell loop is the page. Measured on the bench's 50 × 40 map, the
same 2,000-cell loop took 56.6 ms of CPU in a Django template, 6.9 ms in Jinja2 autoescaped and
1.2 ms with the cell loop unescaped (every value in it is an integer or a word of this module's
fixed vocabulary, except a certification's name, escaped by ``_certified``; names are drawn
outside it, escaped). The cells are joined here, a row at a time, in one spelled-out loop
straight from the row's states, each cell's shape drawn once for good (``_map_row_html``,
``team_editor_grid``): the cells as tuples first, then drawn, took half as long again (map
grid 4.35 -> 3.25 ms, editor 6.7 -> 4.7 ms of CPU). The grid is included in the page's content
(``team_map_content``, ``team_edit_content``), also Jinja2: the map is 460 KB and the editor
690 KB of text, and every copy of it counts (the grid rendered apart, made safe, then passed
through the Django content template's blocks was copied six times). A cell's detail (its self
and manager ratings with their dates) is not formatted per cell on the server: the cell
carries the values (``data-d``, its moments as Unix seconds, as the grids read them:
``team_map_reads.grid_states``) and ``static/js/team_map.js`` writes the sentence, in the
server's time zone, into the cell's tip (the status in words is always in the tip, for screen
readers and without JavaScript).
"""

from __future__ import annotations

from typing import NamedTuple, cast

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from markupsafe import escape as markup_escape

from assessments.presenters import jinja2_fragment
from assessments.selectors import SkillState
from assessments.selectors.states import GridState
from assessments.selectors.teams import MapRow, TeamMap
from readiness.caching import Viewer
from readiness.fragments import PageContent, jinja2_page_content
from readiness.kept_people import kept_of_people
from readiness.models import Team

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

FILTERS_TEMPLATE = "assessments/team_filters.html"
CONTENT_TEMPLATE = "assessments/team_map_content.html"
EDIT_CONTENT_TEMPLATE = "assessments/team_edit_content.html"


class MapCell(NamedTuple):
    """One cell as the exports show it (``team_map_present``); the pages draw their cells
    straight from the states (``_map_row_html``, ``team_editor_grid``), with the same looks."""

    person_id: int
    skill_id: int
    state: SkillState | None
    css: str
    text: str
    marker: str
    words: str

    @property
    def target(self) -> int | None:
        return self.state.target if self.state else None


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


def _certified(state: GridState) -> str:
    """The detail's tail when the manager's level is a certification's: its name (escaped
    here, the cell loop is not autoescaped; "|" kept out of the fields) and its expiry."""
    until = state.certification_until
    name = escape((state.certification or "").replace("|", "/"))
    return f"|{name}|{'' if until is None else int(until)}"


def _cells(pk: int, skill_ids: list[int], states: list[SkillState | None]) -> list[MapCell]:
    """One row's cells, for the exports."""
    never = (*_NEVER_RATED,)
    cells: list[MapCell] = []
    for skill_id, state in zip(skill_ids, states, strict=True):
        if state is None:
            cells.append(MapCell(pk, skill_id, None, *never))
            continue
        key = (state.target, state.level, state.gap, state.awaiting_review, state.calibration_flag)
        cells.append(MapCell(pk, skill_id, state, *(_LOOKS.get(key) or _looks_of(*key))))
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
    """Give every row of ``team_map`` its cells, in column order (for the exports, which show
    the moments as dates: a map not built ``in_seconds``)."""
    if team_map.in_seconds:
        raise ValueError("The exports show dates: a map built without in_seconds.")
    skill_ids = [column.skill.pk for column in team_map.columns]
    for row in team_map.rows:
        row.cells = _cells(row.person.pk, skill_ids, cast(list[SkillState | None], row.states))
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


def _grid_states(team_map: TeamMap) -> list[list[GridState | None]]:
    """Each row's states, as the grids draw them: a map built ``in_seconds``."""
    if not team_map.in_seconds:
        raise ValueError("The grids draw a map built in_seconds (team_map_build).")
    return [cast(list[GridState | None], row.states) for row in team_map.rows]


def _grid_context(team_map: TeamMap) -> dict[str, object]:
    return {
        "map": team_map,
        "rows": team_map.rows,
        "tz": timezone.get_current_timezone_name(),
    }


#: The detail of a rated cell (``data-d``): "level|target|self level|self moment|manager
#: level|manager moment|flags", moments as Unix seconds, empty values for none, then
#: "|certification|expiry" when the manager level is a certification's; what the cell's tip
#: says, written by ``team_map.js``. Its fixed parts depend on the cell's shape, (target, level,
#: gap, awaiting review, calibration flag, interest), as its looks do: both drawn once a shape
#: (``_map_shape``), the ratings put in a cell at a time by the grids' loops.
_MAP_SHAPES: dict[tuple, tuple[str, str, str, str]] = {}


def _map_shape(key: tuple) -> tuple[str, str, str, str]:
    """A rated map cell's HTML in four pieces: before its ids, between its ids and its
    ratings (the detail's level and target), after its ratings (the detail's flags), and after
    a certification's tail (the cell's closing quote, value, marker and tip)."""
    target, level, gap, awaiting, calibration, interest = key
    css, text, marker, words = _LOOKS.get(key[:5]) or _looks_of(*key[:5])
    shape = _MAP_SHAPES[key] = (
        f'<td class="hm {css}" tabindex="0" data-cell="',
        f'" data-d="{_NUMBER[level]}|{_NUMBER[target]}|',
        f"|{_FLAGS[awaiting, calibration, bool(interest)]}",
        _map_cell_end(text, marker, words),
    )
    return shape


def _map_cell_end(text: str, marker: str, words: str) -> str:
    return (
        f'"><span class="hm-v">{text}</span><span class="hm-m" aria-hidden="true">{marker}</span>'
        f'<span class="hm-tip">{words}</span></td>'
    )


#: A never-rated map cell around its ids: no detail.
_NEVER_RATED_HTML = (
    f'<td class="hm {_NEVER_RATED[0]}" tabindex="0" data-cell="',
    _map_cell_end(*_NEVER_RATED[1:]),
)


def _map_row_html(pk: int, skill_ids: list[int], states: list[GridState | None]) -> str:
    """A map row's cells as HTML, printed as given by ``team_map_grid.html``, straight from the
    row's states: each cell its shape (``_MAP_SHAPES``) around its ids and ratings, in one
    spelled-out loop (no call per cell: it runs 2,000 times a 50-person map; the cells as
    ``MapCell`` tuples first, then drawn, took twice as long). Not escaped: every value is an
    integer or a word of this module's vocabulary, but a certification's name, escaped by
    ``_certified``."""
    shapes, number = _MAP_SHAPES.get, _NUMBER
    never_start, never_end = _NEVER_RATED_HTML
    ids = f"{pk}-"
    parts: list[str] = []
    append = parts.append
    for skill_id, state in zip(skill_ids, states, strict=True):
        if state is None:
            append(f"{never_start}{ids}{skill_id}{never_end}")
            continue
        (
            _,
            _,
            target,
            level,
            self_level,
            self_ts,
            manager_level,
            manager_ts,
            interest,
            gap,
            _,
            _,
            awaiting,
            calibration,
            certification,
            _,
        ) = state
        key = (target, level, gap, awaiting, calibration, interest)
        start, middle, flags, end = shapes(key) or _map_shape(key)
        append(
            f"{start}{ids}{skill_id}{middle}{number[self_level]}|"
            f"{'' if self_ts is None else int(self_ts)}|{number[manager_level]}|"
            f"{'' if manager_ts is None else int(manager_ts)}{flags}"
            f"{'' if certification is None else _certified(state)}{end}"
        )
    return "".join(parts)


def _map_row(row: MapRow, cells: str, links_people: bool, person_url: tuple[str, str]) -> str:
    """A member's row of the map: their name (linked to their page for a viewer who may open
    it) and role, escaped here as Jinja2 escapes (``markupsafe``), their cells
    (``_map_row_html``), their readiness and total gap. In Python like the cells: a Jinja2
    macro called a row cost ~10 µs (0.5 ms of a map built from nothing)."""
    person = row.person
    pk = person.pk
    name = str(markup_escape(person.display_name))
    if links_people:
        name = f'<a href="{person_url[0]}{pk}{person_url[1]}">{name}</a>'
    role = person.role_name
    if role is not None:
        name += f'<span class="hm-role">{markup_escape(role)}</span>'
    percent = row.readiness.percent
    return (
        f'<tr><th scope="row" id="p{pk}" class="hm-person">{name}</th>{cells}'
        f'<td class="hm-total" data-testid="row-readiness">'
        f"{'—' if percent is None else f'{percent}%'}</td>"
        f'<td class="hm-total">{row.readiness.total_gap}</td></tr>'
    )


def team_map_grid(
    *, team_map: TeamMap, sorting: dict[str, dict[str, str]], links_people: bool
) -> dict[str, object]:
    """What the map's table (``team_map_grid.html``: headers with their sort links, one row a
    member, the totals) is drawn from, inside the map's content (``team_map_content``), from a
    map built ``in_seconds``. Each member's row is kept (``readiness.kept_people.kept_of_people``)
    under the versions the member's states were kept under (``team_map.versions``): after one
    member saved a rating, the map draws that member's row again and reads the others' as they
    were drawn (a row is what it shows of the member, the same in any order: the map's columns
    and whether names link are its key)."""
    skill_ids = [column.skill.pk for column in team_map.columns]
    # Escaped once, as the template escaped it (a script prefix may hold "&" or "'").
    before, after = _person_url()
    person_url = (str(markup_escape(before)), str(markup_escape(after)))
    rows = {
        row.person.pk: (row, row_states)
        for row, row_states in zip(team_map.rows, _grid_states(team_map), strict=True)
    }

    def draw(people: list[int]) -> dict[int, tuple[str]]:
        drawn = {}
        for pk in people:
            row, row_states = rows[pk]
            cells = _map_row_html(pk, skill_ids, row_states)
            drawn[pk] = (_map_row(row, cells, links_people, person_url),)
        return drawn

    kept = kept_of_people(
        "team-map-row",
        viewer=Viewer.rights(team_map.team, links_people=links_people),
        versions=team_map.versions,
        people=list(rows),
        parts=(tuple(skill_ids),),
        build=draw,
    )
    return {
        **_grid_context(team_map),
        "sorting": sorting,
        # Printed as it is: each row drawn by ``_map_row``, escaped there.
        "rows_html": "".join(["\n" + kept[pk][0] for pk in rows]),
    }


def team_map_content(*, context: dict[str, object]) -> PageContent:
    """The map page's content (``team_map_content.html``) from the view's ``context`` (with
    ``grid``, what ``team_map_grid`` gives; ``filters``, ``can_edit``): drawn by Jinja2, the
    grid included in the same rendering, so that its 460 KB are joined into the page once,
    where a fragment rendered apart was copied again (its own string, then safe, then in the
    page), and the Django template copied it at each block. The team pages' header, a Django
    template shared with the other team pages, comes rendered (it needs nothing of the
    request); the legend is included (``team_legend.html``). The page's whole content, for
    ``readiness.fragments.page_around`` (not marked safe: that copies it)."""
    team = cast(Team, context["team"])
    header = render_to_string(
        "assessments/team_header.html", {**context, "heading": "Team skill map", "page": "map"}
    )
    urls = {
        name: reverse(f"assessments:team-{name}", args=[team.pk])
        for name in ("edit", "review", "export")
    }
    return jinja2_page_content(
        CONTENT_TEMPLATE,
        **{
            **context,
            **cast(dict, context["grid"]),
            "header": header,
            "urls": urls,
        },
    )


def team_map_filters(*, form: object, team_map: TeamMap, filtered: bool) -> SafeString:
    """The filter form of the map and the editor (``TeamMapFilterForm``'s choices, the sort
    select with an option a column)."""
    return _render(FILTERS_TEMPLATE, form=form, map=team_map, filtered=filtered)
