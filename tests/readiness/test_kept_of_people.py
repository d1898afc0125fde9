"""Values kept a person at a time (``readiness.kept_people.kept_of_people``): each person's value
is built once and served until that person's own rows or the global data change, the missing
ones built together in one call; and the team map that keeps its members' states and rows so:
after one member saved a rating, its next build reads that member's states and draws that
member's row, and shows exactly what a map built from nothing shows.

These tests commit (``transaction=True``): nothing is kept inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import sys

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readiness.caching import Shows, Viewer, kept_clear, kept_value
from readiness.data_version import person_versions, scoped_version
from readiness.kept_people import PeopleVersions, kept_of_people, people_versions
from readiness.near_cache import near_lookup, near_set
from tests.factories import PersonFactory, SkillRatingFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


@pytest.fixture(autouse=True)
def _kept_on(settings):
    settings.READINESS_CACHE = True
    settings.READINESS_NEAR_CACHE_BYTES = 1 << 20
    kept_clear()
    yield
    kept_clear()


class Builds:
    """A ``build`` for ``kept_of_people``: each person's value says which call built it."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def __call__(self, people: list[int]) -> dict[int, tuple]:
        self.calls.append(sorted(people))
        return {pk: (pk, len(self.calls)) for pk in people}


def _values(people: list[int], build: Builds, *, name: str = "test", **kwargs) -> dict:
    return kept_of_people(
        name,
        viewer=kwargs.pop("viewer", Viewer.anyone_let_in()),
        versions=people_versions(people),
        people=people,
        build=build,
        **kwargs,
    )


def test_each_person_is_kept_until_their_own_rows_or_the_global_data_change():
    a, b, c = (PersonFactory() for _ in range(3))
    skill = SkillRatingFactory(person=a, level=1, source="self").skill
    people = [a.pk, b.pk, c.pk]
    build = Builds()
    assert _values(people, build) == {a.pk: (a.pk, 1), b.pk: (b.pk, 1), c.pk: (c.pk, 1)}
    assert _values(people, build) == {a.pk: (a.pk, 1), b.pk: (b.pk, 1), c.pk: (c.pk, 1)}
    assert build.calls == [sorted(people)]

    SkillRatingFactory(person=b, skill=skill, level=3, source="self")  # b's version only
    assert _values(people, build) == {a.pk: (a.pk, 1), b.pk: (b.pk, 2), c.pk: (c.pk, 1)}
    assert build.calls[-1] == [b.pk]

    skill.name = "Renamed"
    skill.save()  # the global data: everyone's value again
    assert _values(people, build) == {a.pk: (a.pk, 3), b.pk: (b.pk, 3), c.pk: (c.pk, 3)}
    assert build.calls[-1] == sorted(people)
    assert len(build.calls) == 3


def test_from_the_shared_cache_and_from_the_process_copy_alike():
    a, b = PersonFactory(), PersonFactory()
    build = Builds()
    _values([a.pk, b.pk], build)
    from django.core.cache import cache

    cache.clear()  # only this process's copies left
    assert _values([a.pk, b.pk], build) == {a.pk: (a.pk, 1), b.pk: (b.pk, 1)}
    kept_clear()
    _values([a.pk, b.pk], build)
    assert len(build.calls) == 2
    # Another process: the shared entries, copied here once read.
    from readiness import near_cache

    near_cache.near_clear()
    assert _values([a.pk, b.pk], build) == {a.pk: (a.pk, 2), b.pk: (b.pk, 2)}
    assert len(build.calls) == 2


def test_each_viewer_and_each_variant_has_its_own_values():
    a = PersonFactory()
    build = Builds()
    _values([a.pk], build)
    _values([a.pk], build, parts=("other columns",))
    _values([a.pk], build, viewer=Viewer.rights(a, links_people=False))
    _values([a.pk], build, name="another")
    assert len(build.calls) == 4
    _values([a.pk], build, parts=("other columns",))
    assert len(build.calls) == 4


def test_a_person_the_build_leaves_out_gets_an_empty_tuple():
    a, b = PersonFactory(), PersonFactory()

    def build(people: list[int]) -> dict[int, tuple]:
        return {a.pk: ("a",)} if a.pk in people else {}

    for _ in range(2):  # built, then kept
        assert kept_of_people(
            "test",
            viewer=Viewer.anyone_let_in(),
            versions=people_versions([a.pk, b.pk]),
            people=[a.pk, b.pk],
            build=build,
        ) == {a.pk: ("a",), b.pk: ()}


def test_nothing_is_kept_with_the_cache_off_nor_inside_a_transaction(settings):
    a = PersonFactory()
    build = Builds()
    with transaction.atomic():
        assert people_versions([a.pk]) is None
        _values([a.pk], build)
        _values([a.pk], build)
    settings.READINESS_CACHE = False
    _values([a.pk], build)
    assert len(build.calls) == 3
    with pytest.raises(TypeError):
        kept_of_people("test", viewer=None, versions=None, people=[a.pk], build=build)


def test_a_process_copies_a_tuple_only_when_told_it_is_frozen():
    near_set("k-list", "v", ("a", ["mutable"]), built_at=0.0)
    assert near_lookup("k-list", "v") is None
    near_set("k-states", "v", ((1, "a"),), built_at=2e9, frozen=True)
    assert near_lookup("k-states", "v")[1] == ((1, "a"),)
    # kept_value's values stay uncopied unless text: an API list is a caller's to change.
    a = PersonFactory()
    listed = kept_value(
        "list", viewer=Viewer.anyone_let_in(), shows=Shows.person(a.pk), build=lambda: (1, 2)
    )
    assert listed == (1, 2)


def test_each_persons_version_is_their_scoped_version():
    rated, unrated = PersonFactory(), PersonFactory()
    SkillRatingFactory(person=rated, level=2, source="self")
    SkillRatingFactory(person=rated, level=3, source="self")
    found = person_versions(connection, [rated.pk, unrated.pk])
    assert found == {
        rated.pk: scoped_version(connection, "person", rated.pk),
        unrated.pk: scoped_version(connection, "person", unrated.pk),
    }
    assert found[unrated.pk] == "0:None"
    versions = people_versions([rated.pk])
    assert isinstance(versions, PeopleVersions) and versions.of == {rated.pk: found[rated.pk]}


# --- The team map ---------------------------------------------------------------------------


def _map(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return CSRF_VALUE.sub(r"\1token\2", response.content.decode())


def _from_nothing(user, url: str) -> str:
    with override_settings(READINESS_CACHE=False):
        return _map(user, url)


def test_after_a_members_save_the_map_reads_and_draws_that_member_only(make_team_org):
    org = make_team_org(people=4, skills=3)
    saver, other = org.people[1], org.people[2]
    url = reverse("assessments:team-detail", args=[org.team.pk])
    assert _map(org.manager, url) == _from_nothing(org.manager, url)
    # Sorted otherwise: a page of its own, its members' rows as they were kept; fewer columns
    # (a category): rows of their own.
    category = f"?category={org.skills[0].category_id}"
    for query in ("?sort=gap", category):
        assert _map(org.manager, url + query) == _from_nothing(org.manager, url + query)
    assert _map(org.manager, url + category).count('class="hm ') < _map(org.manager, url).count(
        'class="hm '
    )

    SkillRatingFactory(person=saver, skill=org.skills[0], level=4, source="self")
    client = Client()
    client.force_login(org.manager)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    states = [q for q in queries.captured_queries if "FULL JOIN latest" in q["sql"]]
    assert len(states) == 1, [q["sql"][:80] for q in queries.captured_queries]
    # One person's, by a scalar (its text: ``$1`` once prepared, ``%s`` before).
    assert re.search(r"FROM readiness_person WHERE id = (\$1|%s|\d+)\)", states[0]["sql"])
    assert CSRF_VALUE.sub(r"\1token\2", page) == _from_nothing(org.manager, url)
    assert f'data-cell="{saver.pk}-{org.skills[0].pk}" data-d="4|' in page

    # A member renamed (the global data): every row drawn again, the name shown.
    other.user.first_name, other.user.last_name = "Zed", "Renamed"
    other.user.save()
    renamed = _map(org.manager, url)
    assert "Zed Renamed" in renamed
    assert renamed == _from_nothing(org.manager, url)
    assert _map(org.manager, url + "?sort=gap") == _from_nothing(org.manager, url + "?sort=gap")


def test_a_member_shown_unlinked_has_a_row_of_their_own(settings, make_team_org):
    """Whether names link is the viewer's right, part of the rows' keys: a teammate reading
    the map (``TEAM_MAP_VISIBLE_TO_MEMBERS``) gets rows without links after the manager's."""
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    org = make_team_org(people=3, skills=2)
    url = reverse("assessments:team-detail", args=[org.team.pk])
    manager_map = _map(org.manager, url)
    teammate_map = _map(org.people[0].user, url)
    link = reverse("assessments:person-detail", args=[org.people[1].pk])
    assert f'href="{link}"' in manager_map
    assert f'href="{link}"' not in teammate_map
    assert teammate_map == _from_nothing(org.people[0].user, url)


# --- Lifetimes, and the editor's fresh states --------------------------------------------------


def test_a_value_made_from_kept_values_lives_no_longer_than_the_oldest_of_them(
    settings, time_machine
):
    """A page drawn from rows drawn from states shows the clock as of the oldest of them (a
    certification that lapses at 14:00): it lives ``READINESS_CACHE_SECONDS`` from that, not
    from its own build (which would make up to three lifetimes)."""
    settings.READINESS_CACHE_SECONDS = 15 * 60
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    a, b = PersonFactory(), PersonFactory()
    skill = SkillRatingFactory(person=a, level=1, source="self").skill
    states, pages = Builds(), []

    def page() -> str:
        def build() -> str:
            people = [a.pk, b.pk]
            versions = people_versions(people)
            kept_states = kept_of_people(
                "states",
                viewer=Viewer.anyone_let_in(),
                versions=versions,
                people=people,
                build=states,
            )
            drawn = kept_of_people(
                "rows",
                viewer=Viewer.anyone_let_in(),
                versions=versions,
                people=people,
                build=lambda missing: {pk: (f"row of {kept_states[pk]}",) for pk in missing},
            )
            pages.append(1)
            return f"page {len(pages)}: {sorted(drawn.values())}"

        return kept_value(
            "page", viewer=Viewer.anyone_let_in(), shows=Shows.person(b.pk), build=build
        )

    assert page().startswith("page 1")
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 10, tzinfo=dt.UTC), tick=False)
    SkillRatingFactory(person=b, skill=skill, level=2, source="self")  # b's version moves
    assert page().startswith("page 2")  # b's rows shown: built again, a's states kept
    assert states.calls == [sorted([a.pk, b.pk]), [b.pk]]  # a's states kept since 09:00
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 14, tzinfo=dt.UTC), tick=False)
    assert page().startswith("page 2")  # kept
    # 09:15:30: the page is as of a's states of 09:00, and goes with them; b's (09:10) too,
    # drawn in that page's build.
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 15, 30, tzinfo=dt.UTC), tick=False)
    assert page().startswith("page 3")
    assert states.calls[-1] == sorted([a.pk, b.pk])


def test_the_grid_editor_reads_its_states_fresh(make_team_org, time_machine):
    """The editor's conflict check compares the states it drew with the database's at the
    save: a certification that lapsed since the map kept the states must not be drawn (it
    would be called someone else's change at every try)."""
    from tests.assessments.team_posts import editor_form, editor_post
    from tests.factories import certification_counted_as_rating

    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    org = make_team_org(people=2, skills=1, rated=False)
    person, skill = org.people[0], org.skills[0]
    row = certification_counted_as_rating(
        person=person,
        skill=skill,
        checked_by=org.manager,
        earned_on=dt.date(2027, 1, 15),
        expires_on=dt.date(2027, 3, 10),
    )
    # It lapses at 09:05 today (as a transcript's exact expiry would).
    type(row).objects.filter(pk=row.pk).update(
        expires_at=dt.datetime(2027, 3, 3, 9, 5, tzinfo=dt.UTC)
    )
    client = Client()
    client.force_login(org.manager)
    url = reverse("assessments:team-detail", args=[org.team.pk])
    assert f'data-cell="{person.pk}-{skill.pk}" data-d="3|' in _map(org.manager, url)

    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 10, tzinfo=dt.UTC), tick=False)
    data = editor_form(client, org.team)
    data[f"c-{person.pk}-{skill.pk}"] = "2"
    response = editor_post(client, org.team, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_copied_tuple_counts_its_items_fields():
    """The process's budget counts a person's states whole: the tuple, each state, and each
    state's fields (a moment, a name), not the tuple's pointers alone."""
    from readiness.near_cache import size_of

    state = (1_000_001, 2_000_002, 1_712_345_678.25, "A certification's name")
    pointers = sys.getsizeof((state, state))
    whole = size_of((state, state))
    assert whole == pointers + 2 * (sys.getsizeof(state) + sum(map(sys.getsizeof, state)))
    assert size_of(("row",)) == sys.getsizeof(("row",)) + sys.getsizeof("row")
    assert size_of("page") == sys.getsizeof("page")
