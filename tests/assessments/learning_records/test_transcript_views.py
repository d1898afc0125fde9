"""The "Verified learning" tab: linking a transcript (only the share id and locale kept; a bad
link refused at the field), "Sync now" (a real queued task, run eagerly against the local
server), unlinking; the verified badge on the plan; what the manager sees on the person's
page. Who may reach each URL is in tests/security/test_permission_matrix.py."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.learning_records.models import BadgeAward, TranscriptLink, VerifiedCompletion
from assessments.learning_records.services import transcript_link_set
from assessments.models import LearningPlanItem
from catalog.models import TrainingResource
from readiness.celery import app as celery_app
from tests.assessments.transcript_server import (
    FULL_URL,
)
from tests.factories import LearningPlanItemFactory

PAGE = reverse("assessments:my-verified-learning")
SYNC = reverse("assessments:my-transcript-sync")
UNLINK = reverse("assessments:my-transcript-unlink")
EMBRACE = "learn.wwl.embrace-responsible-ai-principles-practices"

pytestmark = pytest.mark.django_db


def test_the_page_is_reachable_from_the_navigation(make_employee_org, client) -> None:
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    home = client.get(reverse("assessments:my-readiness")).content.decode()
    assert f'href="{PAGE}"' in home
    page = client.get(PAGE).content.decode()
    assert "Link my transcript" in page and "Nothing verified yet." in page


def test_linking_keeps_only_the_share_id_and_locale(make_employee_org, client) -> None:
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    response = client.post(PAGE, {"url": FULL_URL})
    assert response.status_code == 302
    link = TranscriptLink.objects.get(person=org.person)
    assert (link.share_id, link.locale) == ("full-share", "en-us")
    page = client.get(PAGE).content.decode()
    assert "Sync now" in page and "sample-learner" not in page


def test_a_bad_link_is_refused_at_the_field_and_nothing_saved(make_employee_org, client) -> None:
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    response = client.post(PAGE, {"url": "https://example.com/en-us/users/x/transcript/abcd"})
    assert response.status_code == 200
    assert "starts with https://learn.microsoft.com/" in response.content.decode()
    assert response.context["form"].errors["url"]
    assert not TranscriptLink.objects.exists()


def test_sync_now_without_a_link_says_what_to_do(make_employee_org, client) -> None:
    org = make_employee_org(skills=1)
    client.force_login(org.person.user)
    response = client.post(SYNC, follow=True)
    assert "Link your Microsoft Learn transcript first." in response.content.decode()


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_sync_now_reads_the_transcript_and_shows_the_result(
    make_employee_org, client, transcript_server, eager_celery, django_capture_on_commit_callbacks
) -> None:
    org = make_employee_org(skills=1)
    resource = org.resources[0]
    TrainingResource.objects.filter(external_uid=EMBRACE).delete()  # the seeded one
    resource.external_uid = EMBRACE
    resource.save()
    item = LearningPlanItemFactory(person=org.person, resource=resource, status="planned")
    transcript_link_set(person=org.person, url=FULL_URL)
    client.force_login(org.person.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SYNC)
    item.refresh_from_db()
    assert item.status == "completed" and item.verified_by == "microsoft_learn"
    page = client.get(PAGE).content.decode()
    assert (
        "3 completions read: 3 new completions, 1 plan item verified, 2 new certifications." in page
    )
    assert "Fundamentals of Generative AI" in page and "Not in the catalog" in page
    plan = client.get(reverse("assessments:my-plan")).content.decode()
    assert "Verified by Microsoft Learn" in plan


def test_unlink_forgets_the_link_and_keeps_the_history(make_employee_org, client) -> None:
    org = make_employee_org(skills=1)
    transcript_link_set(person=org.person, url=FULL_URL)
    VerifiedCompletion.objects.create(
        person=org.person,
        source="microsoft_learn",
        external_uid="m",
        title="A module",
        kind="module",
        completed_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
    )
    client.force_login(org.person.user)
    client.post(UNLINK)
    assert not TranscriptLink.objects.exists()
    assert "A module" in client.get(PAGE).content.decode()


def _complete(person, count: int, resources=()) -> None:
    resources = list(resources)
    for index in range(count):
        VerifiedCompletion.objects.create(
            person=person,
            source="microsoft_learn",
            external_uid=f"uid-{index}",
            title=f"Upstream module {index}",
            kind="module",
            resource=resources[index] if resources else None,
            completed_at=dt.datetime(2026, 10, 1 + index, tzinfo=dt.UTC),
        )


def test_the_manager_sees_completions_outside_the_plan_on_the_persons_page(
    make_employee_org, client
) -> None:
    org = make_employee_org(skills=1)
    _complete(org.person, 1)
    in_plan = org.resources[0]
    VerifiedCompletion.objects.create(
        person=org.person,
        source="microsoft_learn",
        external_uid="planned-uid",
        title="Planned module",
        kind="module",
        resource=in_plan,
        completed_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    )
    LearningPlanItemFactory(
        person=org.person,
        resource=in_plan,
        status="completed",
        completed_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    )
    client.force_login(org.manager)
    page = client.get(reverse("assessments:person-detail", args=[org.person.pk]))
    text = page.content.decode()
    assert "Completed on Microsoft Learn" in text
    assert "Upstream module 0" in text and "Not in the catalog" in text
    assert "Planned module" in text and "In the plan" in text
    # Another team's manager does not reach the page at all.
    client.force_login(org.other_manager)
    assert client.get(reverse("assessments:person-detail", args=[org.person.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_pages_keep_a_constant_query_count(
    make_employee_org, client, django_assert_num_queries, count
) -> None:
    org = make_employee_org(skills=2, resources_per_skill=3)
    transcript_link_set(person=org.person, url=FULL_URL)
    _complete(org.person, count, org.resources)
    client.force_login(org.person.user)
    client.get(PAGE)  # warm the session
    # 1 session, 2 user, 3 person (with the persona flags), 4 open cycles (banner), 5 link,
    # 6 syncs, 7 completions (with in-plan and resource); the reassess prompt: 8 completed plan
    # items, 9 verified completions, 10 last submission, 11 last rating per skill, 12 skills
    # built, 13 certifications (with their curated entry), 14 Open Badges (with their rule's
    # target)
    for i in range(count):
        BadgeAward.objects.create(
            person=org.person,
            spec_version="2.0",
            assertion_id=f"https://issuer.example/a/{i}",
            issuer_id="https://issuer.example/issuer",
            issuer_name="Issuer",
            badge_class_id=f"https://issuer.example/b/{i}",
            name=f"Badge {i}",
            issued_on=dt.date(2026, 11, 2),
            verification="hosted",
            verified_at=timezone.now(),
            status="waiting",
        )
    with django_assert_num_queries(14):
        assert client.get(PAGE).status_code == 200


def test_the_reassess_prompt_rests_on_verified_dates_and_says_so(make_employee_org, client) -> None:
    org = make_employee_org(skills=2)
    first, second = org.resources  # each builds one of the two skills
    # build_employee_org's ratings are from now: completions after them prompt, one before does not.
    later = timezone.now() + dt.timedelta(minutes=5)
    _complete(org.person, 1, [first])
    VerifiedCompletion.objects.filter(resource=first).update(completed_at=later)
    LearningPlanItemFactory(
        person=org.person, resource=second, status="completed", completed_at=later
    )
    client.force_login(org.person.user)
    page = client.get(PAGE)
    prompt = page.context["reassess"]
    assert {skill.pk for skill in prompt.skills} == {skill.pk for skill in org.skills}
    assert prompt.basis == "2 completions, 1 verified"
    assert 'Based on <span data-testid="reassess-basis">2 completions, 1 verified</span>' in (
        page.content.decode()
    )
    # Rated since: nothing to prompt.
    VerifiedCompletion.objects.update(completed_at=timezone.now() - dt.timedelta(days=30))
    LearningPlanItem.objects.update(completed_at=timezone.now() - dt.timedelta(days=30))
    assert client.get(PAGE).context["reassess"].skills == []
