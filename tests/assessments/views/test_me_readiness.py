"""/me/ — My readiness — and /people/<id>/, its read-only twin for managers and leadership."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import LearningPlanItem
from assessments.selectors import person_readiness
from assessments.services.effectiveness import effectiveness_refresh
from tests.factories import (
    LearningPlanItemFactory,
    PersonFactory,
    ResourceSkillFactory,
    SkillFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("assessments:my-readiness")


def test_paths_are_part_of_the_contract():
    assert URL == "/me/"
    assert reverse("assessments:person-detail", args=[7]) == "/people/7/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_person_gets_a_friendly_404(client):
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 404
    assert "not linked to a person" in response.content.decode()


def test_person_sees_readiness_gaps_and_recommendations(make_employee_org, client):
    org = make_employee_org(skills=3)
    gapless = org.skills[0]
    SkillRatingFactory(person=org.person, skill=gapless, level=3)
    client.force_login(org.person.user)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    readiness = person_readiness(person=org.person)
    assert readiness.percent == 33
    assert 'data-testid="readiness-percent">33%<' in body
    assert "1 of 3 required skills at or above target" in body
    assert 'data-testid="gap-count">2<' in body
    # manager's level shown where there is one, awaiting review where self is newer
    assert "Manager rating" in body
    assert "Awaiting manager review" in body
    # each gap lists its ranked resources with an "Add to my plan" button
    for skill in org.skills[1:]:
        assert skill.name in body
    assert org.resources[1].title in body
    assert body.count("to my plan</button>") == 2
    assert 'data-testid="next-reassessment"' in body


def test_not_assessed_and_calibration_flags(make_employee_org, client):
    org = make_employee_org(skills=2)
    never = SkillFactory()
    org.person.role.requirements.create(skill=never, target_level=1)
    SkillRatingFactory(person=org.person, skill=org.skills[0], level=4)
    SkillRatingFactory(
        person=org.person, skill=org.skills[0], level=1, source="manager", rated_by=org.manager
    )
    client.force_login(org.person.user)
    body = client.get(URL).content.decode()
    assert "Not assessed" in body
    assert "Self and manager ratings differ" in body


def test_resource_already_planned_shows_in_your_plan(make_employee_org, client):
    org = make_employee_org(skills=1)
    LearningPlanItemFactory(person=org.person, resource=org.resources[0], status="planned")
    client.force_login(org.person.user)
    body = client.get(URL).content.decode()
    assert "In your plan" in body and "to my plan</button>" not in body


def test_measured_effectiveness_breaks_a_tie(make_employee_org, client):
    org = make_employee_org(skills=1, resources_per_skill=0)
    skill = org.skills[0]
    first, proven = (TrainingResourceFactory(title=t, duration_minutes=60) for t in ("A", "B"))
    for resource in (first, proven):
        ResourceSkillFactory(resource=resource, skill=skill, level=2)
    # a colleague went from 1 to 2 with B
    start = timezone.now() - dt.timedelta(days=30)
    SkillRatingFactory(
        person=org.teammate, skill=skill, level=1, created_at=start - dt.timedelta(days=1)
    )
    LearningPlanItemFactory(
        person=org.teammate,
        resource=proven,
        status="completed",
        started_at=start,
        completed_at=start + dt.timedelta(days=5),
    )
    SkillRatingFactory(
        person=org.teammate, skill=skill, level=2, created_at=start + dt.timedelta(days=6)
    )
    effectiveness_refresh()  # the worker keeps the measured figure (services.effectiveness)
    client.force_login(org.person.user)
    body = client.get(URL).content.decode()
    assert body.index(">B</a>") < body.index(">A</a>")


def test_no_requirement_says_so(client):
    person = PersonFactory(role=None)
    from tests.orgs import clear_framework

    clear_framework()
    client.force_login(person.user)
    body = client.get(URL).content.decode()
    assert "No skill is required of your role yet" in body


def test_curated_text_is_escaped(make_employee_org, client):
    org = make_employee_org(skills=1)
    skill = org.skills[0]
    skill.name = "<script>alert(1)</script>{{ 7|add:1 }}"
    skill.save()
    resource = org.resources[0]
    resource.title = "<b>bold</b>{% now 'Y' %}"
    resource.save()
    client.force_login(org.person.user)
    body = client.get(URL).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body
    assert "{{ 7|add:1 }}" in body  # printed, never compiled
    # The recommendation cards are a Jinja2 fragment: markupsafe writes ' as &#39;.
    assert "<b>bold</b>" not in body and "&lt;b&gt;bold&lt;/b&gt;{% now &#39;Y&#39; %}" in body


def count_queries(client, django_assert_num_queries, url, user, expected):
    client.force_login(user)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "employee_org",
    [
        {"skills": 2, "ratings_per_skill": 1, "resources_per_skill": 1},
        {"skills": 12, "ratings_per_skill": 4, "resources_per_skill": 3},
    ],
    indirect=True,
    ids=["small", "large"],
)
def test_query_count_is_independent_of_skills_and_ratings(
    employee_org, client, django_assert_num_queries
):
    org = employee_org
    LearningPlanItemFactory(person=org.person, resource=org.resources[0])
    assert LearningPlanItem.objects.filter(person=org.person).count() == 1
    # 1 session, 2 user, 3 person (with team, role, audience, and the persona flags the
    # navigation reads), 4 skill states (readiness and the due rule run on them), 5 skills,
    # 6 pending cycle (none) and last submission, 7 the resource links that fit (with their
    # kept effectiveness and open plan item)
    count_queries(
        client, django_assert_num_queries, URL, org.person.user, 7
    )  # the cycle banner is the cycle of query 6


def test_with_a_cycle_pending_the_queries_are_the_same(
    make_employee_org, client, django_assert_num_queries
):
    """With a cycle pending, as without: the cycle's statement carries the person's last
    submission; the page tells the cycle and the banner shows it."""
    from assessments.models import AssessmentCycle

    org = make_employee_org(skills=3, ratings_per_skill=2)
    today = timezone.localdate()
    cycle = AssessmentCycle.objects.create(
        name="Spring check",
        opens_on=today - dt.timedelta(days=1),
        due_on=today + dt.timedelta(days=20),
        status="open",
    )
    cycle.teams.add(org.team)
    # session, user, person (+ persona flags), states, skills, pending cycle (+ last
    # submission), links
    count_queries(client, django_assert_num_queries, URL, org.person.user, 7)
    page = client.get(URL).content.decode()
    assert "An assessment cycle is open for you." in page and "Spring check" in page


# --- /people/<id>/: read-only for managers, leadership and admins ----------------------------


def detail(person) -> str:
    return reverse("assessments:person-detail", args=[person.pk])


def test_own_manager_reads_it_without_edit_buttons(make_employee_org, client):
    org = make_employee_org(skills=2)
    client.force_login(org.manager)
    response = client.get(detail(org.person))
    assert response.status_code == 200
    body = response.content.decode()
    assert org.person.display_name in body
    assert "Read-only" in body
    assert "to my plan</button>" not in body and "Update my self-assessment" not in body
    assert org.resources[0].title in body


def test_admins_and_leadership_managing_the_team_read_it(make_employee_org, client):
    org = make_employee_org(skills=1)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(detail(org.person)).status_code == 200
    # Leadership reads a person one by one only in a team they manage.
    client.force_login(org.lead)
    assert client.get(detail(org.person)).status_code == 404
    org.team.managers.add(org.lead)
    assert client.get(detail(org.person)).status_code == 200


@pytest.mark.parametrize("who", ["teammate", "outsider", "other_manager"])
def test_others_get_404(make_employee_org, client, who):
    org = make_employee_org(skills=1)
    user = getattr(org, who)
    client.force_login(getattr(user, "user", user))
    assert client.get(detail(org.person)).status_code == 404


def test_anonymous_is_sent_to_login_from_person_detail(make_employee_org, client):
    org = make_employee_org(skills=1)
    response = client.get(detail(org.person))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_person_reading_their_own_detail_goes_to_me(make_employee_org, client):
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    response = client.get(detail(org.person))
    assert response.status_code == 302 and response["Location"] == URL


def test_person_detail_query_count_for_a_manager(
    make_employee_org, client, django_assert_num_queries
):
    org = make_employee_org(skills=5, ratings_per_skill=2)
    # 1 session, 2 user, 3 groups (leadership?), 4 managed team paths, 5 person, 6 states,
    # 7 skills, 8 pending cycle (none) and last submission, 9 the links that fit (with their
    # kept effectiveness and open plan item), 10 completions verified upstream,
    # 11 certifications
    count_queries(
        client, django_assert_num_queries, detail(org.person), org.manager, 12
    )  # + persona flags (the manager has no person: no banner query)


def test_the_cycle_banner_on_my_page_is_the_cycle_my_reassessment_found(make_employee_org, client):
    """/me/ shows the banner from the open cycles it read for the reassessment (not a second
    read): the person's pending cycle, gone once they submitted; a teammate outside the
    cycle's team gets none."""
    from assessments.models import AssessmentCycle, AssessmentSubmission

    org = make_employee_org(skills=2)
    today = timezone.localdate()
    cycle = AssessmentCycle.objects.create(
        name="Autumn check",
        opens_on=today - dt.timedelta(days=3),
        due_on=today + dt.timedelta(days=10),
        status="open",
    )
    cycle.teams.add(org.team)
    client.force_login(org.person.user)
    page = client.get(URL).content.decode()
    assert 'data-testid="cycle-banner"' in page and "Autumn check" in page
    AssessmentSubmission.objects.create(
        person=org.person, cycle=cycle, kind="quick_review", submitted_at=timezone.now()
    )
    assert 'data-testid="cycle-banner"' not in client.get(URL).content.decode()
    client.force_login(org.outsider.user)
    assert 'data-testid="cycle-banner"' not in client.get(URL).content.decode()
