"""Review of pending self-ratings: accept, adjust, accept all, and the stale-list case."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import SkillRating
from assessments.selectors import skill_states
from readiness.models import Person
from tests.factories import SkillRatingFactory, UserFactory
from tests.orgs import clear_framework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def blank_framework():
    clear_framework(skills=True)


def pending(team) -> set[tuple[int, int]]:  # noqa: ANN001
    return {
        (s.person_id, s.skill_id)
        for s in skill_states(people=Person.objects.filter(team=team))
        if s.awaiting_review
    }


def review_form(client, team) -> dict[str, str]:  # noqa: ANN001
    body = client.get(reverse("assessments:team-review", args=[team.pk])).content.decode()
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_review_lists_every_pending_self_rating(team_org, client):
    org = team_org
    client.force_login(org.manager)
    body = client.get(reverse("assessments:team-review", args=[org.team.pk])).content.decode()
    shown = set(re.findall(r'data-pending="(\d+)-(\d+)"', body))
    assert {(int(p), int(s)) for p, s in shown} == pending(org.team)
    assert f"Accept all {len(shown)}" in body


def test_accept_records_a_manager_rating_at_the_self_level(make_team_org, client):
    org = make_team_org(people=1, skills=2)
    person, key = org.people[0], sorted(pending(org.team))[0]
    self_level = (
        SkillRating.objects.filter(person_id=key[0], skill_id=key[1], source="self").first().level
    )
    client.force_login(org.manager)
    data = review_form(client, org.team) | {"accept": f"{key[0]}-{key[1]}"}

    response = client.post(reverse("assessments:team-review", args=[org.team.pk]), data)

    assert response.status_code == 302
    latest = person.ratings.filter(skill_id=key[1], source="manager").first()
    assert latest.level == self_level and latest.rated_by == org.manager
    assert key not in pending(org.team)


def test_adjust_records_the_chosen_level(make_team_org, client):
    org = make_team_org(people=1, skills=2)
    key = sorted(pending(org.team))[0]
    raw = f"{key[0]}-{key[1]}"
    client.force_login(org.manager)
    data = review_form(client, org.team) | {"adjust": raw, f"level-{raw}": "4"}
    client.post(reverse("assessments:team-review", args=[org.team.pk]), data)
    latest = SkillRating.objects.filter(person_id=key[0], skill_id=key[1], source="manager").first()
    assert latest.level == 4
    assert key not in pending(org.team)


def test_accept_all_in_one_click(team_org, client):
    org = team_org  # 3 people, 4 skills
    before = pending(org.team)
    assert len(before) >= 3
    client.force_login(org.manager)
    data = review_form(client, org.team) | {"accept_all": "1"}
    response = client.post(
        reverse("assessments:team-review", args=[org.team.pk]), data, follow=True
    )
    assert f"Recorded {len(before)} manager ratings." in response.content.decode()
    assert pending(org.team) == set()
    assert 'data-testid="no-pending"' in response.content.decode()


def test_a_newer_self_rating_since_the_page_loaded_stops_accept_all(make_team_org, client):
    org = make_team_org(people=2, skills=2)
    client.force_login(org.manager)
    data = review_form(client, org.team) | {"accept_all": "1"}
    person_id, skill_id = sorted(pending(org.team))[0]
    SkillRatingFactory(
        person_id=person_id,
        skill_id=skill_id,
        level=4,
        source="self",
        created_at=timezone.now() + dt.timedelta(seconds=1),
    )
    before = SkillRating.objects.count()
    response = client.post(reverse("assessments:team-review", args=[org.team.pk]), data)
    assert response.status_code == 200
    assert "changed since you opened the page" in response.content.decode()
    assert SkillRating.objects.count() == before


def test_review_queries_do_not_grow_with_the_team(make_team_org, client, django_assert_num_queries):
    for org in (
        make_team_org(people=3, skills=4),
        make_team_org(people=50, skills=40, categories=5),
    ):
        client.force_login(org.manager)
        url = reverse("assessments:team-review", args=[org.team.pk])
        client.get(url)
        # session, user, persona flags, the team with the reader's access, members, states, skills of
        # the pending ratings, the latest two self ratings of each pending pair (note, evidence,
        # previous level); the cycle banner
        with django_assert_num_queries(9):
            client.get(url)


@pytest.fixture
def team_with_history(make_team_org):  # noqa: ANN201
    """Two members: Ann raised one skill (with a note and evidence) over the manager's level and
    rated another the first time; Bob's newer self level equals the manager's (not pending)."""
    org = make_team_org(people=2, skills=2, rated=False)
    ann, bob = org.people
    first, second = org.skills
    day = dt.timedelta(days=1)
    t0 = timezone.now() - 10 * day
    first.descriptor_2, first.descriptor_3 = "Applies prompts with a checklist", "Designs prompts"
    first.save()
    SkillRatingFactory(person=ann, skill=first, level=2, created_at=t0)
    SkillRatingFactory(
        person=ann,
        skill=first,
        level=2,
        source="manager",
        rated_by=org.manager,
        created_at=t0 + day,
    )
    SkillRatingFactory(
        person=ann,
        skill=first,
        level=3,
        created_at=t0 + 2 * day,
        note="Shipped the prompt library",
        evidence_url="https://example.com/lib",
    )
    SkillRatingFactory(person=ann, skill=second, level=1, created_at=t0 + 2 * day)
    SkillRatingFactory(
        person=bob, skill=first, level=1, source="manager", rated_by=org.manager, created_at=t0
    )
    SkillRatingFactory(person=bob, skill=first, level=1, created_at=t0 + day)
    return org, ann, bob


def test_review_groups_by_member_with_note_evidence_previous_levels_and_descriptors(
    team_with_history, client
):
    org, ann, bob = team_with_history
    first, second = org.skills
    client.force_login(org.manager)
    body = client.get(reverse("assessments:team-review", args=[org.team.pk])).content.decode()

    # A self level newer than the manager's but equal to it is not pending.
    assert pending(org.team) == {(ann.pk, first.pk), (ann.pk, second.pk)}
    assert f'data-member="{ann.pk}"' in body and f'data-member="{bob.pk}"' not in body
    assert f"Accept all 2 for {ann.display_name}" in body
    row = body[body.index(f'data-pending="{ann.pk}-{first.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "“Shipped the prompt library”" in row
    assert 'href="https://example.com/lib"' in row
    assert "Designs prompts" in row  # the self level's descriptor
    assert "Applies prompts with a checklist" in row  # the manager level's descriptor
    assert re.search(r'data-testid="previous-self">2<', row)
    first_time = body[body.index(f'data-pending="{ann.pk}-{second.pk}"') :]
    assert "first rating" in first_time[: first_time.index("</tr>")]


def test_accept_all_for_a_member_records_only_theirs(team_with_history, client):
    org, ann, _bob = team_with_history
    carl = org.people[0].__class__.objects.create(user=UserFactory(), team=org.team, role=ann.role)
    SkillRatingFactory(person=carl, skill=org.skills[0], level=4)
    client.force_login(org.manager)
    assert len(pending(org.team)) == 3
    data = review_form(client, org.team) | {"accept_member": str(ann.pk)}
    response = client.post(
        reverse("assessments:team-review", args=[org.team.pk]), data, follow=True
    )
    assert "Recorded 2 manager ratings." in response.content.decode()
    assert pending(org.team) == {(carl.pk, org.skills[0].pk)}
    assert set(
        ann.ratings.filter(source="manager", rated_by=org.manager).values_list("level", flat=True)
    ) == {3, 1, 2}


@pytest.mark.parametrize("who", ["other_manager", "member"])
def test_accept_member_is_refused_to_others(team_with_history, make_team_org, client, who):
    org, ann, _bob = team_with_history
    user = (
        make_team_org(people=1, skills=1, rated=False).manager
        if who == "other_manager"
        else ann.user
    )
    client.force_login(user)
    data = {
        "pending": f"{ann.pk}-{org.skills[1].pk}",
        f"self-{ann.pk}-{org.skills[1].pk}": "1",
        "accept_member": str(ann.pk),
    }
    response = client.post(reverse("assessments:team-review", args=[org.team.pk]), data)
    assert response.status_code == 404
    assert not SkillRating.objects.filter(
        person=ann, skill=org.skills[1], source="manager"
    ).exists()
