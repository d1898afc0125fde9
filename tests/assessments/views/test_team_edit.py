"""The grid editor: pre-filled selects, only changed cells saved, conflicts, bulk insert."""

import datetime as dt
import math
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import SkillRating
from tests.assessments.team_posts import EditorFormReader, editor_form, editor_post
from tests.factories import SkillRatingFactory, UserFactory
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    clear_framework(skills=True)


def manager_ratings():  # noqa: ANN201
    return SkillRating.objects.filter(source="manager")


def test_editor_is_prefilled_with_current_manager_ratings(make_team_org, client):
    org = make_team_org(people=2, skills=2)
    client.force_login(org.manager)
    data = editor_form(client, org.team)
    for person in org.people:
        for skill in org.skills:
            latest = person.ratings.filter(skill=skill, source="manager").first()
            assert data[f"c-{person.pk}-{skill.pk}"] == (str(latest.level) if latest else "")
    body = client.get(reverse("assessments:team-edit", args=[org.team.pk])).content.decode()
    # Every select is labelled by its member and its skill.
    person, skill = org.people[0], org.skills[0]
    assert f'name="c-{person.pk}-{skill.pk}" aria-labelledby="p{person.pk} s{skill.pk}"' in body


def test_saving_records_only_the_changed_cells(make_team_org, client):
    org = make_team_org(people=3, skills=3)
    client.force_login(org.manager)
    data = editor_form(client, org.team)
    last_id = SkillRating.objects.order_by("-id").values_list("id", flat=True).first()
    first, second = org.people[0], org.people[1]
    data[f"c-{first.pk}-{org.skills[0].pk}"] = "4"
    data[f"c-{second.pk}-{org.skills[1].pk}"] = "3"

    response = editor_post(client, org.team, data)

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:team-detail", args=[org.team.pk])
    new = SkillRating.objects.filter(id__gt=last_id)
    assert {(r.person_id, r.skill_id, r.level, r.source, r.rated_by_id) for r in new} == {
        (first.pk, org.skills[0].pk, 4, "manager", org.manager.pk),
        (second.pk, org.skills[1].pk, 3, "manager", org.manager.pk),
    }


def test_submitting_the_form_unchanged_records_nothing(make_team_org, client):
    org = make_team_org(people=2, skills=3)
    client.force_login(org.manager)
    before = SkillRating.objects.count()
    response = editor_post(client, org.team, editor_form(client, org.team))
    assert response.status_code == 302
    assert SkillRating.objects.count() == before


def test_bad_level_saves_nothing(make_team_org, client):
    org = make_team_org(people=2, skills=2)
    client.force_login(org.manager)
    data = editor_form(client, org.team)
    data[f"c-{org.people[0].pk}-{org.skills[0].pk}"] = "3"
    data[f"c-{org.people[1].pk}-{org.skills[1].pk}"] = "9"
    before = SkillRating.objects.count()
    response = editor_post(client, org.team, data)
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert SkillRating.objects.count() == before


# --- Conflicts -------------------------------------------------------------------------------


@pytest.fixture
def two_managers(make_team_org):
    org = make_team_org(people=2, skills=2)
    second = UserFactory()
    org.team.managers.add(second)
    return org, second


def second_save_after_first(client, org, second, cell: str, *, first: str, mine: dict):  # noqa: ANN001, ANN201
    """Both managers open the editor; the first saves ``cell`` at ``first``; then the second
    saves their stale form with ``mine``. Returns the second save's response."""
    client.force_login(second)
    form_b = editor_form(client, org.team)
    client.force_login(org.manager)
    form_a = editor_form(client, org.team)
    form_a[cell] = first
    assert editor_post(client, org.team, form_a).status_code == 302  # the first save wins
    client.force_login(second)
    return editor_post(client, org.team, form_b | mine)


def test_second_manager_sees_the_conflict_and_nothing_is_written(client, two_managers):
    org, second = two_managers
    person, skill = org.people[0], org.skills[0]
    cell, other = f"c-{person.pk}-{skill.pk}", f"c-{org.people[1].pk}-{org.skills[1].pk}"
    before = SkillRating.objects.count()

    response = second_save_after_first(
        client, org, second, cell, first="3", mine={cell: "1", other: "4"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="conflicts"' in body
    assert f'data-conflict="{person.pk}-{skill.pk}"' in body
    assert "Nothing was saved" in body
    assert "manager rating" in body and org.manager.get_full_name() in body
    # Only the first manager's rating was written: not even the cell without conflict.
    assert SkillRating.objects.count() == before + 1
    # The second manager's choices are still in the grid.
    reader = EditorFormReader()
    reader.feed(body)
    assert reader.data[cell] == "1" and reader.data[other] == "4"


def decide(client, team, body: str, choice: str | None):  # noqa: ANN001, ANN201
    reader = EditorFormReader()
    reader.feed(body)
    data = reader.data
    for key in data["conflicts"].split(","):
        if choice:
            data[f"resolve-{key}"] = choice
    return editor_post(client, team, data)


@pytest.mark.parametrize(("choice", "expected"), [("theirs", 3), ("mine", 1)])
def test_manager_decides_each_conflicting_cell(client, two_managers, choice, expected):
    org, second = two_managers
    person, skill = org.people[0], org.skills[0]
    cell, other = f"c-{person.pk}-{skill.pk}", f"c-{org.people[1].pk}-{org.skills[1].pk}"
    conflict_page = second_save_after_first(
        client, org, second, cell, first="3", mine={cell: "1", other: "4"}
    ).content.decode()

    response = decide(client, org.team, conflict_page, choice)

    assert response.status_code == 302
    latest = person.ratings.filter(skill=skill, source="manager").first()
    assert latest.level == expected
    assert latest.rated_by == (org.manager if choice == "theirs" else second)
    assert org.people[1].ratings.filter(skill=org.skills[1], source="manager").first().level == 4


def test_undecided_conflict_writes_nothing(client, two_managers):
    org, second = two_managers
    cell = f"c-{org.people[0].pk}-{org.skills[0].pk}"
    conflict_page = second_save_after_first(
        client, org, second, cell, first="3", mine={cell: "1"}
    ).content.decode()
    before = SkillRating.objects.count()

    response = decide(client, org.team, conflict_page, None)

    assert response.status_code == 200
    assert "Decide for each cell" in response.content.decode()
    assert SkillRating.objects.count() == before


def test_same_choice_as_the_other_manager_is_no_conflict(client, two_managers):
    org, second = two_managers
    cell = f"c-{org.people[0].pk}-{org.skills[1].pk}"
    response = second_save_after_first(client, org, second, cell, first="3", mine={cell: "3"})
    assert response.status_code == 302


def test_a_self_rating_after_the_page_loaded_is_a_conflict_too(make_team_org, client):
    org = make_team_org(people=1, skills=1)
    person, skill = org.people[0], org.skills[0]
    client.force_login(org.manager)
    data = editor_form(client, org.team)
    SkillRatingFactory(person=person, skill=skill, level=4, source="self")
    data[f"c-{person.pk}-{skill.pk}"] = "1"
    response = editor_post(client, org.team, data)
    assert 'data-testid="conflicts"' in response.content.decode()
    assert "self-rating" in response.content.decode()


def test_post_of_another_team_member_is_refused(make_team_org, client):
    org = make_team_org(people=1, skills=1)
    stranger = make_team_org(people=1, skills=1)
    client.force_login(org.manager)
    data = editor_form(client, org.team)
    data[f"c-{stranger.people[0].pk}-{stranger.skills[0].pk}"] = "4"
    response = editor_post(client, org.team, data)
    assert response.status_code == 200
    assert not stranger.people[0].ratings.filter(source="manager", level=4).exists()


# --- Queries and bulk insert -------------------------------------------------------------------


def test_editor_get_queries_do_not_grow_with_the_team(
    make_team_org, client, django_assert_num_queries
):
    small = make_team_org(people=3, skills=4)
    big = make_team_org(people=50, skills=40, categories=5)
    for org in (small, big):
        client.force_login(org.manager)
        url = reverse("assessments:team-edit", args=[org.team.pk])
        client.get(url)
        # session, user, persona flags, the team's access (one statement; was managed paths,
        # team, can-edit), the filters' audiences and categories (one statement; was two),
        # members, states (readiness summed from them: no second statement), skills; the
        # cycle banner
        with django_assert_num_queries(9):
            assert client.get(url).status_code == 200


def changed_form(client, org, cells: int) -> dict:  # noqa: ANN001
    data = editor_form(client, org.team)
    keys = [k for k in data if k.startswith("c-")][:cells]
    for key in keys:
        data[key] = "4" if data[key] != "4" else "1"
    return data


def test_editor_post_queries_do_not_grow_with_the_team(
    make_team_org, client, django_assert_num_queries
):
    small = make_team_org(people=3, skills=4)
    big = make_team_org(people=50, skills=40, categories=5)
    for org in (small, big):
        client.force_login(org.manager)
        data = changed_form(client, org, 3)
        # session, user, persona flags, the team's access (was three); the service: savepoint,
        # can-edit, lock the members' rows, states, then manager_ratings_record: savepoint,
        # active skills, insert, the webhook endpoints ("rating.recorded"), release, release
        with django_assert_num_queries(14):
            assert editor_post(client, org.team, data).status_code == 302


def test_saving_a_full_50_by_40_grid_is_one_bulk_insert(make_team_org, client):
    org = make_team_org(people=50, skills=40, categories=5)
    client.force_login(org.manager)
    data = editor_form(client, org.team)
    for key in [k for k in data if k.startswith("c-")]:
        data[key] = "4"  # every cell changes (none was at 4)
    before = SkillRating.objects.count()

    with CaptureQueriesContext(connection) as ctx:
        response = editor_post(client, org.team, data)

    assert response.status_code == 302
    assert SkillRating.objects.count() == before + 2000
    inserts = [
        q
        for q in ctx.captured_queries
        if q["sql"].startswith('INSERT INTO "assessments_skillrating"')
    ]
    # One INSERT statement on PostgreSQL; SQLite caps the parameters of one statement, so
    # Django splits the same bulk_create into batches there.
    fields = [f for f in SkillRating._meta.concrete_fields if not f.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * 2000)
    assert len(inserts) == math.ceil(2000 / batch)
    if connection.vendor == "postgresql":
        assert len(inserts) == 1
    assert len(ctx.captured_queries) < 40


def test_changes_show_on_the_map_after_saving(make_team_org, client):
    org = make_team_org(people=1, skills=1, rated=False, target=3)
    person, skill = org.people[0], org.skills[0]
    SkillRatingFactory(
        person=person,
        skill=skill,
        level=1,
        source="self",
        created_at=timezone.now() - dt.timedelta(days=1),
    )
    client.force_login(org.manager)
    data = editor_form(client, org.team)
    data[f"c-{person.pk}-{skill.pk}"] = "3"
    response = client.post(reverse("assessments:team-edit", args=[org.team.pk]), data, follow=True)
    body = response.content.decode()
    assert "Saved 1 rating." in body
    cell = re.search(rf'<td class="hm ([^"]*)"[^>]*data-cell="{person.pk}-{skill.pk}"', body)
    assert cell.group(1) == "hm-ok"
    assert 'data-testid="row-readiness">100%<' in body
