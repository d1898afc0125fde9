"""What the grid editor shows: each cell's select (the manager's current level, or their own
unsaved choice after a conflict), the row's stale-form token, and its content, drawn as the
team map's (``presenters.teams``: the cell shapes and looks it shares, the Jinja2 rendering).
"""

from __future__ import annotations

from typing import NamedTuple, cast

from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape

from assessments.presenters.teams import (
    _LOOKS,
    _MAP_SHAPES,
    _NEVER_RATED,
    _NUMBER,
    EDIT_CONTENT_TEMPLATE,
    _certified,
    _grid_context,
    _grid_states,
    _map_shape,
)
from assessments.selectors.teams import TeamMap, moments_version
from readiness.fragments import PageContent, jinja2_page_content
from readiness.models import Level, Team


def team_edit_content(*, context: dict[str, object], request: HttpRequest) -> PageContent:
    """The grid editor's content (``team_edit_content.html``) from the view's ``context``
    (with its ``grid``, ``filters``, ``errors`` and conflicts), drawn by Jinja2 as the map's
    (``team_map_content``). The header and the conflicts are the Django templates they were
    (the legend is included); the errors are escaped as Django escapes (its quotes differ
    from Jinja2's). The page's whole content, for ``readiness.fragments.page_around``."""
    team = cast(Team, context["team"])
    header_context = {**context, "heading": "Fill in the team skill map", "page": "edit"}
    return jinja2_page_content(
        EDIT_CONTENT_TEMPLATE,
        **{
            **context,
            **cast(dict, context["grid"]),
            "header": render_to_string(
                "assessments/team_header.html", {**header_context, "can_edit": True}
            ),
            "conflicts": render_to_string("assessments/team_edit_conflicts.html", context),
            "errors": [conditional_escape(error) for error in context["errors"]],  # type: ignore[attr-defined]
            "action": request.get_full_path(),
            "csrf_input": csrf_input(request),
            "map_url": reverse("assessments:team-detail", args=[team.pk]),
        },
    )


#: The option lists of a cell's select, by (the level selected, whether "–" is offered).
_OPTIONS_HTML = {
    (selected, blank): (
        (f'<option value=""{" selected" if selected is None else ""}>–</option>' if blank else "")
        + "".join(
            f"<option{' selected' if selected == level else ''}>{level}</option>"
            for level in Level.values
        )
    )
    for selected in (None, *Level.values)
    for blank in (True, False)
}
#: An editor cell's HTML in pieces, one set a shape: the map's shape (``_MAP_SHAPES``) with
#: the level chosen in the select and the manager's latest level (the one the page was drawn
#: with); drawn once for good. Never-rated cells by the level chosen alone.
_EDITOR_SHAPES: dict[tuple, tuple[str, str, str]] = {}
_EDITOR_NEVER_RATED: dict[int | None, tuple[str, str]] = {}


def _editor_start(css: str, chosen: int | None, seen: int | None, target: int | None) -> str:
    changed = " is-changed" if chosen != seen else ""
    return f'<td class="hm {css}{changed}"' + (f' data-t="{target}"' if target else "")


def _editor_end(chosen: int | None, seen: int | None, words: str) -> str:
    options = _OPTIONS_HTML[chosen, seen is None]
    return (
        f'" aria-describedby="scale" data-seen="{_NUMBER[seen]}">{options}</select>'
        f'<span class="hm-tip">{words}</span></td>'
    )


def _editor_shape(key: tuple) -> tuple[str, str, str]:
    """A rated editor cell's HTML in three pieces: before its detail's ratings (the cell, its
    detail's level and target), after them (the detail's flags, before a certification's
    tail), and, after its select's name and label, the rest (its options and tip)."""
    target, level, gap, awaiting, calibration, interest, chosen, seen = key
    map_key = key[:6]
    _, middle, flags, _ = _MAP_SHAPES.get(map_key) or _map_shape(map_key)
    css, _, _, words = _LOOKS[key[:5]]
    shape = _EDITOR_SHAPES[key] = (
        _editor_start(css, chosen, seen, target) + middle.removeprefix('"'),
        flags,
        _editor_end(chosen, seen, words),
    )
    return shape


def _editor_never_rated(chosen: int | None) -> tuple[str, str]:
    css, _, _, words = _NEVER_RATED
    shape = _EDITOR_NEVER_RATED[chosen] = (
        _editor_start(css, chosen, None, None),
        _editor_end(chosen, None, words),
    )
    return shape


class EditorGrid(NamedTuple):
    #: What the editor's table (``team_editor_grid.html``) is drawn from, inside the editor's
    #: content (``team_edit_content``), as the map's (``team_map_grid``).
    context: dict[str, object]
    changed: int  # cells whose select holds another level than the manager's latest


def team_editor_grid(
    *, team_map: TeamMap, values: dict[tuple[int, int], int] | None = None
) -> EditorGrid:
    """What the editor's table shows: headers, one row a member with its stale-form token, a
    select a cell pre-filled with the current manager rating (or ``values``, the manager's own unsaved
    choices after a conflict); and how many cells hold a change. Each row's cells in one
    spelled-out loop, as ``_map_row_html`` (not escaped for the same reasons), from a map built
    ``in_seconds``."""
    skill_ids = [column.skill.pk for column in team_map.columns]
    states = _grid_states(team_map)
    shapes, never_shapes, number = _EDITOR_SHAPES.get, _EDITOR_NEVER_RATED.get, _NUMBER
    version_of, values = moments_version, values or {}
    changed = 0
    cells_html: list[str] = []
    versions: list[str] = []
    for row, row_states in zip(team_map.rows, states, strict=True):
        pk = row.person.pk
        select, label = f'><select name="c-{pk}-', f'" aria-labelledby="p{pk} s'
        tokens: list[str] = []
        parts: list[str] = []
        append = parts.append
        for skill_id, state in zip(skill_ids, row_states, strict=True):
            if state is None:
                chosen = values.get((pk, skill_id)) if values else None
                changed += chosen is not None
                start, end = never_shapes(chosen) or _editor_never_rated(chosen)
                append(f"{start}{select}{skill_id}{label}{skill_id}{end}")
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
            if values:
                chosen = values.get((pk, skill_id), manager_level)
                changed += chosen != manager_level
            else:
                chosen = manager_level
            key = (target, level, gap, awaiting, calibration, interest, chosen, manager_level)
            start, flags, end = shapes(key) or _editor_shape(key)
            append(
                f"{start}{number[self_level]}|"
                f"{'' if self_ts is None else int(self_ts)}|{number[manager_level]}|"
                f"{'' if manager_ts is None else int(manager_ts)}{flags}"
                f"{'' if certification is None else _certified(state)}"
                f'"{select}{skill_id}{label}{skill_id}{end}'
            )
            version = version_of(self_ts, manager_ts)
            if version:
                tokens.append(f"{skill_id}:{number[manager_level]}:{version}")
        cells_html.append("".join(parts))
        versions.append(",".join(tokens))
    return EditorGrid(
        {**_grid_context(team_map), "cells_html": cells_html, "versions": versions}, changed
    )
