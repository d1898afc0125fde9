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

import heapq
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
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
    exempt = set(exempt)
    keys = list(counts)
    index = {key: i for i, key in enumerate(keys)}
    for key in (*unshown, *(k for total, parts in groups for k in (total, *parts))):
        if key not in index:
            index[key] = len(keys)
            keys.append(key)
    people = [counts.get(key, 0) for key in keys]
    hidden = bytearray(
        key in counts and key not in exempt and aggregate_hidden(counts[key]) for key in keys
    )
    for key in unshown:
        hidden[index[key]] = 1
    starts, members = [0], []
    for total, parts in groups:
        members.append(index[total])
        members.extend(index[key] for key in parts)
        starts.append(len(members))
    _suppress_flat(
        people,
        starts,
        members,
        exempt=bytearray(key in exempt for key in keys),
        hidden=hidden,
        order=lambda i: str(keys[i]),
    )
    return {key for key, secret in zip(keys, hidden, strict=True) if secret}


def _suppress_flat(
    people: list[int],
    starts: list[int],
    members: list[int],
    *,
    exempt: bytearray,
    hidden: bytearray,
    order: Callable[[int], str],
) -> None:
    """``suppress`` over figures numbered from 0 (``people[i]``: how many people figure i is
    over), in flat lists: group g is ``members[starts[g]]`` (its total), then its parts up to
    ``starts[g + 1]``. ``hidden`` holds the figures hidden to start with, and gets the others;
    ``order`` breaks ties between parts of the same size. No object per figure or group: a
    tree of thousands of teams, at every dashboard visit, would keep the collector busy.

    The rule is a pass over the groups in order, again and again until a pass hides nothing:
    a group with exactly one hidden figure over somebody hides one more. Here each group's
    count of such figures is kept up to date as figures are hidden, and only the groups with
    exactly one are visited, in the order the passes would reach them (the same figures
    hidden in the same order: the same answer).
    """
    groups = len(starts) - 1
    # The groups of each figure, flat as well.
    first = [0] * (len(people) + 1)
    for key in members:
        first[key + 1] += 1
    for key in range(len(people)):
        first[key + 1] += first[key]
    fill = first[:]
    in_groups = [0] * len(members)
    secrets = [0] * groups
    for group in range(groups):
        for position in range(starts[group], starts[group + 1]):
            key = members[position]
            in_groups[fill[key]] = group
            fill[key] += 1
            if hidden[key] and people[key] > 0:
                secrets[group] += 1
    ones = {group for group in range(groups) if secrets[group] == 1}
    this_pass = sorted(ones)  # a heap: already ordered
    next_pass: list[int] = []
    changed = False

    def candidate(key: int) -> bool:
        return not hidden[key] and not exempt[key] and people[key] > 0

    while True:
        if not this_pass:
            if not changed:
                return
            this_pass, next_pass, changed = next_pass, [], False
            heapq.heapify(this_pass)
            continue
        group = heapq.heappop(this_pass)
        if group not in ones:
            continue
        ones.discard(group)  # two hidden figures from now on, or stuck at one for good
        # One hidden figure: it is the total minus the shown parts (or the sum of the
        # parts). Hide the smallest other part, else the total.
        total = members[starts[group]]
        others = [k for k in members[starts[group] + 1 : starts[group + 1]] if candidate(k)]
        others = others or ([total] if candidate(total) else [])
        if not others:
            continue
        key = min(others, key=lambda k: (people[k], order(k)))
        hidden[key] = 1
        changed = True
        for position in range(first[key], first[key + 1]):
            other = in_groups[position]
            secrets[other] += 1
            if secrets[other] == 1:
                ones.add(other)
                heapq.heappush(this_pass if other > group else next_pass, other)
            else:
                ones.discard(other)


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
    n = len(teams)
    position = {team.pk: t for t, team in enumerate(teams)}
    # Figure 2t is team t's roll-up, 2t + 1 its direct members; 2n and 2n + 1 everyone and
    # the people in no team.
    people = [0] * (2 * n + 2)
    parent = [-1] * n
    for t, team in enumerate(teams):
        ancestors = [int(part) for part in team.path.strip("/").split("/") if part]
        if len(ancestors) > 1:
            parent[t] = position.get(ancestors[-2], -1)
        direct = direct_people.get(team.pk, 0)
        people[2 * t + 1] = direct
        if direct:
            for ancestor in ancestors:
                if ancestor in position:
                    people[2 * position[ancestor]] += direct
    # Each team's group: its roll-up, its direct members, its children's roll-ups.
    starts, sizes = [0], [2] * n
    for t in range(n):
        if parent[t] >= 0:
            sizes[parent[t]] += 1
    for t in range(n):
        starts.append(starts[-1] + sizes[t])
    members = [0] * starts[-1]
    fill = [start + 2 for start in starts[:-1]]
    for t in range(n):
        members[starts[t]], members[starts[t] + 1] = 2 * t, 2 * t + 1
        if parent[t] >= 0:
            members[fill[parent[t]]] = 2 * t
            fill[parent[t]] += 1
    if unteamed is not None:
        people[2 * n + 1] = unteamed
        members += [2 * n, 2 * n + 1, *(2 * t for t in range(n) if parent[t] < 0)]
        people[2 * n] = unteamed + sum(people[2 * t] for t in range(n) if parent[t] < 0)
        starts.append(len(members))
    exempt = bytearray(len(people))
    exempt_paths = tuple(exempt_paths)
    if exempt_paths:
        for t, team in enumerate(teams):
            if team.path.startswith(exempt_paths):
                exempt[2 * t] = exempt[2 * t + 1] = 1
    floor = min_people()
    figures = len(people) if unteamed is not None else 2 * n
    # ``aggregate_hidden``'s rule, its floor read once for the 5,580 figures of 2,790 teams.
    hidden = bytearray(not exempt[i] and people[i] < floor for i in range(figures))
    hidden += bytearray(len(people) - figures)

    def key(i: int) -> tuple[str, int]:
        team = i // 2
        return (DIRECT if i % 2 else ROLLUP, teams[team].pk if team < n else ORGANIZATION)

    _suppress_flat(
        people, starts, members, exempt=exempt, hidden=hidden, order=lambda i: str(key(i))
    )
    return {key(i) for i in range(figures) if hidden[i]}
