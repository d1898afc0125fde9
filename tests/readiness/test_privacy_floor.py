"""The privacy floor's one function (``readiness.privacy_floor``): the threshold itself, and
complementary suppression over groups of figures that add up and over the team tree."""

import random
from types import SimpleNamespace

import pytest

from readiness.privacy_floor import (
    DIRECT,
    ORGANIZATION,
    ROLLUP,
    TOTAL,
    aggregate_hidden,
    parts_hidden,
    suppress,
    team_tree_hidden,
)


@pytest.fixture(autouse=True)
def _floor(settings):
    settings.MIN_AGGREGATE_PEOPLE = 5


def test_the_floor_hides_fewer_than_min_people_and_shows_exactly_min_people():
    assert aggregate_hidden(4) is True  # MIN - 1
    assert aggregate_hidden(5) is False  # MIN
    assert aggregate_hidden(0) is True  # nothing to show


def test_the_floor_follows_the_setting(settings):
    settings.MIN_AGGREGATE_PEOPLE = 3
    assert (aggregate_hidden(2), aggregate_hidden(3)) == (True, False)


def test_one_hidden_part_hides_the_next_smallest_so_it_cannot_be_subtracted():
    # 20 = 4 + 6 + 10: the 4 is below the floor; total − 10 − 6 would give it back.
    hidden = suppress({"t": 20, "a": 4, "b": 6, "c": 10}, [("t", ["a", "b", "c"])])
    assert hidden == {"a", "b"}


def test_two_hidden_parts_need_nothing_more():
    hidden = suppress({"t": 17, "a": 3, "b": 4, "c": 10}, [("t", ["a", "b", "c"])])
    assert hidden == {"a", "b"}


def test_a_part_over_nobody_gives_nothing_away_and_is_never_the_complement():
    # "a" (0) is hidden for having nothing to show; the 4 is then alone: the 6 goes too.
    hidden = suppress({"t": 20, "z": 0, "a": 4, "b": 6, "c": 10}, [("t", ["z", "a", "b", "c"])])
    assert hidden == {"z", "a", "b"}


def test_the_total_goes_when_no_other_part_can():
    # The 4 and a part over nobody: the total would be the 4 itself.
    assert suppress({"t": 4, "a": 4, "z": 0}, [("t", ["a", "z"])]) == {"t", "a", "z"}
    # The only other part is exempt (the reader sees those people anyway): hide the total.
    hidden = suppress({"t": 10, "a": 4, "b": 6}, [("t", ["a", "b"])], exempt={"b"})
    assert hidden == {"a", "t"}


def test_exempt_figures_are_shown_whatever_their_size():
    assert suppress({"t": 9, "a": 3, "b": 6}, [("t", ["a", "b"])], exempt={"a", "t"}) == set()


def test_an_unshown_part_counts_as_hidden():
    # 20 = 4 + 10 + (6 people no page shows): two unknowns, nothing to add.
    assert suppress(
        {"t": 20, "a": 4, "b": 10, "r": 6}, [("t", ["a", "b", "r"])], unshown={"r"}
    ) == {"a", "r"}


def test_parts_hidden_answers_keys_and_the_total():
    assert parts_hidden(total=9, parts={"tech": 6, "users": 3}) == {"tech", "users"}
    assert parts_hidden(total=10, parts={"tech": 5, "users": 5}) == set()
    assert parts_hidden(total=4, parts={"tech": 4}) == {"tech", TOTAL}
    # Three people belong to no shown part: the 4 is not recoverable.
    assert parts_hidden(total=13, parts={"tech": 6, "users": 4}) == {"users"}


def _team(pk, path):  # noqa: ANN001, ANN202
    return SimpleNamespace(pk=pk, path=path)


def test_the_issues_example_a_parent_minus_its_children_is_hidden():
    # Team 2 (3 direct members) has sub-teams 7, 8, 9 of 5, 6 and 9 people; its department,
    # team 1, has no member of its own. Team 2's roll-up (23) minus 7, 8 and 9 would be the 3.
    teams = [
        _team(1, "/1/"),
        _team(2, "/1/2/"),
        _team(7, "/1/2/7/"),
        _team(8, "/1/2/8/"),
        _team(9, "/1/2/9/"),
    ]
    hidden = team_tree_hidden(teams=teams, direct_people={2: 3, 7: 5, 8: 6, 9: 9})
    assert (DIRECT, 2) in hidden
    assert (ROLLUP, 7) in hidden  # the smallest sub-team goes with it
    assert {(ROLLUP, 1), (ROLLUP, 2), (ROLLUP, 8), (ROLLUP, 9)}.isdisjoint(hidden)
    # Team 7's own figure is its roll-up (no sub-team): hidden with it.
    assert (DIRECT, 7) in hidden


def test_teams_the_reader_manages_are_shown_in_full():
    teams = [_team(1, "/1/"), _team(2, "/1/2/"), _team(3, "/1/3/")]
    hidden = team_tree_hidden(teams=teams, direct_people={2: 2, 3: 8}, exempt_paths=["/1/2/"])
    assert (ROLLUP, 2) not in hidden and (DIRECT, 2) not in hidden
    # Team 1 (10) minus team 3 (8) gives team 2, which this reader sees anyway.
    assert (ROLLUP, 3) not in hidden and (ROLLUP, 1) not in hidden


def test_the_people_in_no_team_make_one_more_group_with_the_departments():
    teams = [_team(1, "/1/"), _team(2, "/2/")]
    hidden = team_tree_hidden(teams=teams, direct_people={1: 7, 2: 6}, unteamed=2)
    # Everyone (15) minus the departments would give the 2 people in no team.
    assert (DIRECT, ORGANIZATION) in hidden and (ROLLUP, 2) in hidden
    assert (ROLLUP, 1) not in hidden and (ROLLUP, ORGANIZATION) not in hidden


def _random_tree(rng: random.Random) -> tuple[list, dict[int, int]]:
    teams, people = [], {}
    for pk in range(1, rng.randint(2, 14)):
        parent = rng.choice([None, *teams]) if teams else None
        teams.append(_team(pk, f"{parent.path if parent else '/'}{pk}/"))
        people[pk] = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12])
    return teams, people


def test_no_hidden_figure_is_one_subtraction_away_in_random_trees():
    """After suppression every group (a team's roll-up = its direct members + its children's
    roll-ups; everyone = the departments + the people in no team) holds no hidden figure over
    somebody, or at least two: no single subtraction gives a hidden one back."""
    rng = random.Random(20261206)
    for _ in range(300):
        teams, people = _random_tree(rng)
        unteamed = rng.choice([0, 2, 7])
        hidden = team_tree_hidden(teams=teams, direct_people=people, unteamed=unteamed)
        rollup = {
            t.pk: sum(
                n
                for pk, n in people.items()
                if any(o.pk == pk and o.path.startswith(t.path) for o in teams)
            )
            for t in teams
        }
        counts = {
            **{(ROLLUP, pk): n for pk, n in rollup.items()},
            **{(DIRECT, pk): n for pk, n in people.items()},
            (DIRECT, ORGANIZATION): unteamed,
        }
        groups = []
        for team in teams:
            children = [t.pk for t in teams if t.path.rsplit("/", 2)[0] + "/" == team.path]
            groups.append([(DIRECT, team.pk), *((ROLLUP, c) for c in children), (ROLLUP, team.pk)])
        tops = [t.pk for t in teams if t.path.count("/") == 2]
        counts[(ROLLUP, ORGANIZATION)] = unteamed + sum(rollup[pk] for pk in tops)
        groups.append(
            [(DIRECT, ORGANIZATION), *((ROLLUP, pk) for pk in tops), (ROLLUP, ORGANIZATION)]
        )
        for key, n in counts.items():
            if 0 < n < 5:
                assert key in hidden, (key, n)
        for group in groups:
            secrets = [key for key in group if key in hidden and counts[key] > 0]
            assert len(secrets) != 1, (group, secrets, counts)
