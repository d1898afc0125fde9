"""The Django admin: every page answers, changelists keep a constant query count, ratings stay
append-only."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import SkillRating
from catalog.models import ImportRun
from tests.factories import (
    AssessmentCycleFactory,
    AudienceFactory,
    PersonFactory,
    ResourceSkillFactory,
    SkillFactory,
    SkillRatingFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Written by the application: the admin shows them but does not let anyone add them by hand.
VIEW_ONLY = {
    "assessments.assessmentsubmission",
    "assessments.reminder",
    "assessments.readinesssnapshot",
    "assessments.sweep",
    "catalog.importrun",
    # Webhooks: endpoints are registered on their page or the API (which make and show the
    # secret once); deliveries are written by the events.
    "readiness.webhookendpoint",
    "readiness.webhookdelivery",
    # HR upserts queued by the API (POST /api/v1/hr/upsert/), applied by a worker.
    "readiness.hrupsertjob",
    # django-axes' sign-in records (an admin unlocks an account by deleting its attempts).
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
}
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_and_add_page_answer(admin_client, app_label, model_name):
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    add = reverse(f"admin:{app_label}_{model_name}_add")

    assert admin_client.get(changelist).status_code == 200
    expected = 403 if f"{app_label}.{model_name}" in VIEW_ONLY else 200
    assert admin_client.get(add).status_code == expected


def test_admin_index_lists_the_three_apps(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert "Readiness administration" in html
    for app_label in ("readiness", "catalog", "assessments"):
        assert reverse("admin:app_list", args=[app_label]) in html


def test_anonymous_is_sent_to_admin_login(client):
    response = client.get(reverse("admin:readiness_skill_changelist"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def _changelist_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _make_ratings(count: int) -> None:
    cycle = AssessmentCycleFactory()
    for _ in range(count):
        SkillRatingFactory(rated_by=UserFactory(), cycle=cycle)


def _make_people(count: int) -> None:
    PersonFactory.create_batch(count)


def _make_resources(count: int) -> None:
    audience = AudienceFactory()
    for _ in range(count):
        link = ResourceSkillFactory()
        link.resource.audiences.add(audience)


# The queries of each changelist, whatever the number of rows (two sizes below):
#   session, user, the list filters' choices (one query per related-model filter),
#   COUNT filtered, COUNT total, the page of rows (joined with list_select_related),
#   and for a date_hierarchy its bounds and its distinct dates.
CHANGELISTS = [
    # filters: skill category, cycle; + 2 date-hierarchy queries
    ("admin:assessments_skillrating_changelist", _make_ratings, 9),
    # filters: team, role, role's audience
    ("admin:readiness_person_changelist", _make_people, 8),
    # filters: provider, audiences
    ("admin:catalog_trainingresource_changelist", _make_resources, 7),
]


@pytest.mark.parametrize(("url_name", "make", "queries"), CHANGELISTS)
@pytest.mark.parametrize("rows", [3, 30])
def test_changelist_query_count_is_pinned(
    admin_client, django_assert_num_queries, url_name, make, queries, rows
):
    url = reverse(url_name)
    make(rows)
    admin_client.get(url)  # warm the content-type cache

    with django_assert_num_queries(queries):
        response = admin_client.get(url)

    assert response.status_code == 200
    changelist = response.context["cl"]
    # Seed content (data migrations) may add rows of its own.
    assert changelist.result_count == changelist.model._default_manager.count() >= rows


@pytest.mark.parametrize(("url_name", "make", "queries"), CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, url_name, make, queries):
    url = reverse(url_name)
    make(2)
    admin_client.get(url)
    few = _changelist_queries(admin_client, url)

    make(20)
    many = _changelist_queries(admin_client, url)

    assert few == many == queries


def test_skill_rating_can_be_added_with_the_admin_as_rater(admin_client, admin_user):
    person = PersonFactory()
    skill = SkillFactory()

    response = admin_client.post(
        reverse("admin:assessments_skillrating_add"),
        {
            "person": person.pk,
            "skill": skill.pk,
            "level": 3,
            "source": "manager",
            "note": "",
            "evidence_url": "",
            "created_at_0": "2026-01-05",
            "created_at_1": "10:00:00",
        },
    )

    assert response.status_code == 302
    rating = SkillRating.objects.get()
    assert (rating.person, rating.skill, rating.level) == (person, skill, 3)
    assert rating.rated_by == admin_user


def test_skill_rating_is_view_only_and_never_deleted(admin_client):
    rating = SkillRatingFactory(level=1)
    change_url = reverse("admin:assessments_skillrating_change", args=[rating.pk])

    response = admin_client.get(change_url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()

    response = admin_client.post(
        change_url, {"person": rating.person_id, "skill": rating.skill_id, "level": 4}
    )
    assert response.status_code == 403
    delete_url = reverse("admin:assessments_skillrating_delete", args=[rating.pk])
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(reverse("admin:assessments_skillrating_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    rating.refresh_from_db()
    assert rating.level == 1


def test_skill_change_page_groups_the_five_descriptors(admin_client):
    skill = SkillFactory()

    html = admin_client.get(reverse("admin:readiness_skill_change", args=[skill.pk])).content
    html = html.decode()

    assert "Level descriptors" in html
    for level in range(5):
        assert f'name="descriptor_{level}"' in html


@pytest.mark.parametrize(
    ("url_name", "factory", "inline_prefixes"),
    [
        ("admin:readiness_team_change", "team", ["members"]),
        ("admin:readiness_role_change", "role", ["requirements"]),
        ("admin:catalog_trainingresource_change", "resource", ["skill_links"]),
    ],
)
def test_change_pages_carry_their_inlines(admin_client, url_name, factory, inline_prefixes):
    person = PersonFactory()
    obj = {
        "team": person.team,
        "role": person.role,
        "resource": ResourceSkillFactory().resource,
    }[factory]

    html = admin_client.get(reverse(url_name, args=[obj.pk])).content.decode()

    for prefix in inline_prefixes:
        assert f'name="{prefix}-TOTAL_FORMS"' in html


def test_person_changelist_searches_user_name_and_email(admin_client):
    match = PersonFactory(user=UserFactory(username="grace", email="hopper@example.com"))
    PersonFactory(user=UserFactory(username="alan", email="turing@example.com"))
    url = reverse("admin:readiness_person_changelist")

    response = admin_client.get(url, {"q": "hopper"})

    assert list(response.context["cl"].result_list) == [match]


def test_resource_changelist_filters_the_unmapped_queue(admin_client):
    mapped = ResourceSkillFactory().resource
    unmapped = TrainingResourceFactory()
    url = reverse("admin:catalog_trainingresource_changelist")

    unmapped_ids = {r.pk for r in admin_client.get(url, {"mapped": "no"}).context["cl"].result_list}
    mapped_ids = {r.pk for r in admin_client.get(url, {"mapped": "yes"}).context["cl"].result_list}

    assert unmapped.pk in unmapped_ids and mapped.pk not in unmapped_ids
    assert mapped.pk in mapped_ids and unmapped.pk not in mapped_ids


def _resource_form(resource, **changes) -> dict:
    data = {
        "title": resource.title,
        "url": resource.url,
        "kind": resource.kind,
        "provider": resource.provider_id,
        "summary": resource.summary,
        "level": resource.level or "",
        "duration_minutes": resource.duration_minutes or "",
        "is_free": "on",
        "audiences": [a.pk for a in resource.audiences.all()],
        "locale": resource.locale,
        "is_active": "on",
        "retired_at_0": "",
        "retired_at_1": "",
        "curator_notes": "",
        "curated_fields": "[]",
        "external_uid": resource.external_uid or "",
        "learn_levels": "[]",
        "learn_roles": "[]",
        "learn_products": "[]",
        "learn_subjects": "[]",
        "children_uids": "[]",
        "skill_links-TOTAL_FORMS": "0",
        "skill_links-INITIAL_FORMS": "0",
    }
    # Fields with a callable default carry their initial value in a hidden input, as a browser
    # would send it.
    for name in (
        "curated_fields",
        "learn_levels",
        "learn_roles",
        "learn_products",
        "learn_subjects",
        "children_uids",
    ):
        data[f"initial-{name}"] = "[]"
    data.update(changes)
    return data


def test_editing_an_imported_resource_pins_the_edited_fields(admin_client):
    resource = TrainingResourceFactory(source="learn_catalog", external_uid="learn.x", level=1)
    skill = SkillFactory()
    url = reverse("admin:catalog_trainingresource_change", args=[resource.pk])

    response = admin_client.post(
        url,
        _resource_form(
            resource,
            title="A clearer title",
            level="2",
            **{
                "skill_links-TOTAL_FORMS": "1",
                "skill_links-0-skill": str(skill.pk),
                "skill_links-0-level": "3",
            },
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    resource.refresh_from_db()
    assert resource.title == "A clearer title"
    assert resource.curated_fields == ["level", "skills", "title"]
    assert resource.skill_links.get().origin == "curator"


def test_editing_a_manual_resource_pins_nothing(admin_client):
    resource = TrainingResourceFactory()
    url = reverse("admin:catalog_trainingresource_change", args=[resource.pk])

    response = admin_client.post(url, _resource_form(resource, title="Renamed"))

    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.title, resource.curated_fields) == ("Renamed", [])


@pytest.mark.parametrize(("status", "deletable"), [("running", False), ("succeeded", True)])
def test_import_run_is_view_only_and_deletable_once_finished(admin_client, status, deletable):
    run = ImportRun.objects.create(source="file", status=status, file_name="catalog.json")

    change = admin_client.get(reverse("admin:catalog_importrun_change", args=[run.pk]))
    delete = admin_client.get(reverse("admin:catalog_importrun_delete", args=[run.pk]))

    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert delete.status_code == (200 if deletable else 403)
