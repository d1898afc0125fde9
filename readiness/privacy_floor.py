"""The privacy floor: which aggregates a reader may not see. Every page, API answer and export
that shows a figure over a group of people asks this module, never the setting directly.

The rule (README, "Privacy floor"):

- A figure over fewer than ``settings.MIN_AGGREGATE_PEOPLE`` people is hidden
  (``aggregate_hidden``) from a reader who may not see those people individually.
- Figures that add up — a parent team's roll-up is its direct members plus its sub-teams'
  roll-ups; everyone in scope is the sum of the departments (or of the audiences) — form a
  group. In a group, a hidden figure could be recovered by subtracting the shown ones, so
  ``suppress`` hides a second one (complementary suppression, as statistical offices do): the
  smallest other part, or the total when no other part is left. It repeats until every group
  has no hidden figure or at least two, so no hidden figure is one subtraction away.
- Figures the reader may see anyway (those over people they manage) are never hidden, and
  never hidden for the sake of someone else's group either.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)


def min_people() -> int:
    """The smallest group whose figures may be shown (``MIN_AGGREGATE_PEOPLE``)."""
    return settings.MIN_AGGREGATE_PEOPLE


def aggregate_hidden(people: int) -> bool:
    """Whether a figure over ``people`` people, on its own, is below the floor. Groups of
    figures that add up go through ``suppress`` instead, which starts from this."""
    return people < min_people()


def suppress(
    counts: Mapping[K, int],
    groups: Iterable[tuple[K, Sequence[K]]],
    *,
    exempt: Collection[K] = (),
    unshown: Collection[K] = (),
) -> set[K]:
    """The figures to hide among ``counts`` (figure → how many people it is over).

    ``groups`` lists the figures that add up, as ``(total, parts)``: the people of ``total``
    are exactly those of its ``parts``. A figure over nobody is hidden (there is nothing to
    show) but gives nothing away, so it never counts as the second hidden figure of a group.
    ``exempt`` figures are shown whatever their size (the reader sees those people anyway);
    ``unshown`` ones are parts no page shows (they start hidden).
    """
    groups = [(total, list(parts)) for total, parts in groups]
    hidden = {
        key for key, people in counts.items() if key not in exempt and aggregate_hidden(people)
    } | set(unshown)

    def secret(key: K) -> bool:
        return key in hidden and counts.get(key, 0) > 0

    def candidates(keys: Iterable[K]) -> list[K]:
        return sorted(
            (k for k in keys if k not in hidden and k not in exempt and counts.get(k, 0) > 0),
            key=lambda k: (counts[k], str(k)),
        )

    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            members = [total, *parts]
            if sum(secret(key) for key in members) != 1:
                continue
            # One hidden figure: it is the total minus the shown parts (or the sum of the
            # parts). Hide the smallest other part, else the total.
            others = candidates(parts) or candidates([total])
            if others:
                hidden.add(others[0])
                changed = True
    return hidden


#: The key of the total in what ``parts_hidden`` answers.
TOTAL = ("total",)


def parts_hidden(*, total: int, parts: Mapping[K, int]) -> set:
    """Which of ``parts`` (key → people) and of their ``total`` (``TOTAL``) to hide, when the
    parts add up to the total: one group for ``suppress``. People in the total but in none of
    the parts (say, of a role in the Everyone audience) are a part no page shows. Pages that
    show the same total or parts (the dashboard, the audiences API, the home page) must call
    this with the same figures, so they hide the same ones."""
    counts: dict = {("part", key): people for key, people in parts.items()}
    counts[TOTAL] = total
    rest = total - sum(parts.values())
    unshown = []
    if rest > 0:
        counts[("rest",)] = rest
        unshown.append(("rest",))
    hidden = suppress(counts, [(TOTAL, [key for key in counts if key != TOTAL])], unshown=unshown)
    return {key[1] if key[0] == "part" else key for key in hidden if key != ("rest",)}


#: A team's figure over its whole sub-tree (the team list, the teams API) and over its direct
#: members only (the header of its page).
ROLLUP, DIRECT = "rollup", "direct"
#: The key of the figure over everyone (no team has id 0).
ORGANIZATION = 0


def _parent(team) -> int | None:  # noqa: ANN001
    ancestors = team.path.strip("/").split("/")
    return int(ancestors[-2]) if len(ancestors) > 1 else None


def team_tree_hidden(
    *,
    teams: Iterable,
    direct_people: Mapping[int, int],
    exempt_paths: Collection[str] = (),
    unteamed: int | None = None,
) -> set[tuple[str, int]]:
    """The team figures to hide, as ``(ROLLUP, team id)`` and ``(DIRECT, team id)``.

    ``teams`` must be the whole tree (teams with ``pk`` and ``path``: what is hidden for one
    team depends on its parent and siblings); ``direct_people`` is how many people each team's
    own figure is over. A team's roll-up is its direct members plus its children's roll-ups:
    each team makes one group for ``suppress``. Teams under one of ``exempt_paths`` (what the
    reader manages) are shown in full. With ``unteamed`` (how many people have no team), the
    top teams and those people add up to everyone (``(ROLLUP, ORGANIZATION)``), a figure the
    dashboard shows: one more group.
    """
    teams = list(teams)
    children: dict[int, list[int]] = {team.pk: [] for team in teams}
    rollup: dict[int, int] = dict.fromkeys(children, 0)
    for team in teams:
        ancestors = [int(part) for part in team.path.strip("/").split("/") if part]
        parent = _parent(team)
        if parent is not None and parent in children:
            children[parent].append(team.pk)
        for ancestor in ancestors:
            if ancestor in rollup:
                rollup[ancestor] += direct_people.get(team.pk, 0)
    counts: dict[tuple[str, int], int] = {}
    for pk in children:
        counts[(ROLLUP, pk)] = rollup[pk]
        counts[(DIRECT, pk)] = direct_people.get(pk, 0)
    groups = [
        ((ROLLUP, pk), [(DIRECT, pk), *((ROLLUP, child) for child in kids)])
        for pk, kids in children.items()
    ]
    if unteamed is not None:
        tops = [team.pk for team in teams if _parent(team) not in children]
        counts[(DIRECT, ORGANIZATION)] = unteamed
        counts[(ROLLUP, ORGANIZATION)] = unteamed + sum(rollup[pk] for pk in tops)
        groups.append(
            ((ROLLUP, ORGANIZATION), [(DIRECT, ORGANIZATION), *((ROLLUP, pk) for pk in tops)])
        )
    exempt = {
        (kind, team.pk)
        for team in teams
        if any(team.path.startswith(path) for path in exempt_paths)
        for kind in (ROLLUP, DIRECT)
    }
    return suppress(counts, groups, exempt=exempt)
