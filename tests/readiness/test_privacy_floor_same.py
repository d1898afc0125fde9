"""The privacy floor's suppression, kept without passes over every group (issue 18: the
dashboard at 100,000 people), hides exactly what the rule's plain statement hides: the
passes of ``_suppress_by_passes`` (the implementation before) on varied groups and trees —
small teams, nested ones, everything hidden, nothing hidden, readers who manage a subtree."""

import random
from types import SimpleNamespace

import pytest

from readiness.privacy_floor import (
    DIRECT,
    ORGANIZATION,
    ROLLUP,
    aggregate_hidden,
    suppress,
    team_tree_hidden,
)


@pytest.fixture(autouse=True)
def _floor(settings):
    settings.MIN_AGGREGATE_PEOPLE = 5


def _suppress_by_passes(counts, groups, *, exempt=(), unshown=()):  # noqa: ANN001, ANN202
    """The rule as stated: whole passes over the groups until one hides nothing."""
    groups = [(total, list(parts)) for total, parts in groups]
    hidden = {k for k, n in counts.items() if k not in exempt and aggregate_hidden(n)}
    hidden |= set(unshown)

    def secret(key):  # noqa: ANN001, ANN202
        return key in hidden and counts.get(key, 0) > 0

    def candidates(keys):  # noqa: ANN001, ANN202
        return sorted(
            (k for k in keys if k not in hidden and k not in exempt and counts.get(k, 0) > 0),
            key=lambda k: (counts[k], str(k)),
        )

    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            if sum(secret(key) for key in [total, *parts]) != 1:
                continue
            others = candidates(parts) or candidates([total])
            if others:
                hidden.add(others[0])
                changed = True
    return hidden


def _tree_by_passes(*, teams, direct_people, exempt_paths=(), unteamed=None):  # noqa: ANN001, ANN202
    """The team tree's groups as ``team_tree_hidden`` made them before, through the passes."""

    def parent(team):  # noqa: ANN001, ANN202
        ids = team.path.strip("/").split("/")
        return int(ids[-2]) if len(ids) > 1 else None

    children = {team.pk: [] for team in teams}
    rollup = dict.fromkeys(children, 0)
    for team in teams:
        if parent(team) in children:
            children[parent(team)].append(team.pk)
        for ancestor in (int(p) for p in team.path.strip("/").split("/")):
            if ancestor in rollup:
                rollup[ancestor] += direct_people.get(team.pk, 0)
    counts = {}
    for pk in children:
        counts[(ROLLUP, pk)] = rollup[pk]
        counts[(DIRECT, pk)] = direct_people.get(pk, 0)
    groups = [
        ((ROLLUP, pk), [(DIRECT, pk), *((ROLLUP, c) for c in kids)])
        for pk, kids in children.items()
    ]
    if unteamed is not None:
        tops = [team.pk for team in teams if parent(team) not in children]
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
    return _suppress_by_passes(counts, groups, exempt=exempt)


def _tree(rng: random.Random, size: int, sizes: list[int]) -> tuple[list, dict[int, int]]:
    teams, people = [], {}
    for pk in rng.sample(range(1, size * 3), size):  # ids in no particular order
        parent = rng.choice([None, *teams[-6:], *teams[:3]]) if teams else None
        teams.append(SimpleNamespace(pk=pk, path=f"{parent.path if parent else '/'}{pk}/"))
        people[pk] = rng.choice(sizes)
    teams.sort(key=lambda team: team.path)
    return teams, people


SIZES = {
    "mixed": [0, 1, 2, 3, 4, 5, 6, 8, 12],
    "small teams": [0, 1, 2, 3, 4],
    "all hidden": [1, 2],
    "none hidden": [5, 9, 40],
    "mostly large": [0, 3, 6, 7, 9, 11, 25],
}


@pytest.mark.parametrize("sizes", SIZES.values(), ids=SIZES.keys())
def test_team_trees_hide_exactly_what_the_passes_hide(sizes):
    rng = random.Random(18)
    for _ in range(150):
        teams, people = _tree(rng, rng.randint(1, 60), sizes)
        unteamed = rng.choice([None, 0, 2, 7])
        managed = [t.path for t in rng.sample(teams, rng.choice([0, 0, 1, 2]) % (len(teams) + 1))]
        expected = _tree_by_passes(
            teams=teams, direct_people=people, exempt_paths=managed, unteamed=unteamed
        )
        hidden = team_tree_hidden(
            teams=teams, direct_people=people, exempt_paths=managed, unteamed=unteamed
        )
        assert hidden == expected, (teams, people, managed, unteamed)


def test_a_large_tree_hides_exactly_what_the_passes_hide():
    """2,000 teams on four levels, many of them small: chains of suppression across levels."""
    rng = random.Random(100_000)
    teams, people = [], {}
    for pk in range(1, 2001):
        parents = [t for t in teams[-40:] if t.path.count("/") < 5]
        parent = rng.choice(parents) if parents and rng.random() < 0.9 else None
        teams.append(SimpleNamespace(pk=pk, path=f"{parent.path if parent else '/'}{pk}/"))
        people[pk] = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 14, 30])
    teams.sort(key=lambda team: team.path)
    expected = _tree_by_passes(teams=teams, direct_people=people, unteamed=3)
    assert team_tree_hidden(teams=teams, direct_people=people, unteamed=3) == expected
    assert len(expected) > 500  # the test walks long chains, not a trivial case


def test_overlapping_groups_hide_exactly_what_the_passes_hide():
    """Any groups (not a tree): figures in several groups, repeated parts, exempt and unshown
    figures, groups whose only candidate is the total."""
    rng = random.Random(2026)
    for _ in range(400):
        keys = [f"k{i}" for i in range(rng.randint(1, 25))]
        counts = {key: rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 20]) for key in keys}
        groups = []
        for _ in range(rng.randint(1, 12)):
            total, *parts = rng.choices(keys, k=rng.randint(2, 6))
            groups.append((total, parts))
        exempt = set(rng.sample(keys, rng.randint(0, min(3, len(keys)))))
        unshown = set(rng.sample(keys, rng.randint(0, min(2, len(keys)))))
        expected = _suppress_by_passes(counts, groups, exempt=exempt, unshown=unshown)
        assert suppress(counts, groups, exempt=exempt, unshown=unshown) == expected
