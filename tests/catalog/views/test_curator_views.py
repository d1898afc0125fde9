"""Curator pages: refusals, resource + skills in one form, the unmapped queue, rules, import."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import (
    ImportRun,
    ImportStatus,
    LinkOrigin,
    ResourceSkill,
    SkillMappingRule,
    TrainingResource,
)
from catalog.services.imports import import_run_execute
from catalog.tasks import run_import
from readiness.permissions import LEADERSHIP_GROUP
from tests.catalog.conftest import fixture_bytes
from tests.factories import (
    AudienceFactory,
    ResourceSkillFactory,
    SkillFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(rules):
    """Two imported items: one mapped by a rule, one in the unmapped queue."""
    mapped = TrainingResourceFactory(
        title="Prompt patterns", external_uid="learn.mapped", source="learn_catalog", level=1
    )
    ResourceSkillFactory(resource=mapped, skill=rules["prompting"], level=2, origin="rule")
    unmapped = TrainingResourceFactory(
        title="Storage accounts",
        external_uid="learn.unmapped",
        source="learn_catalog",
        level=2,
        learn_products=["azure-storage"],
    )
    manual = TrainingResourceFactory(title="Our internal clinic")  # never in the queue
    return {"mapped": mapped, "unmapped": unmapped, "manual": manual}


def curator_urls(resource_id: int, rule_id: int, run_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("catalog:curate")),
        ("get", reverse("catalog:resource-create")),
        ("post", reverse("catalog:resource-create")),
        ("get", reverse("catalog:resource-edit", args=[resource_id])),
        ("post", reverse("catalog:resource-edit", args=[resource_id])),
        ("post", reverse("catalog:resource-retire", args=[resource_id])),
        ("get", reverse("catalog:unmapped")),
        ("post", reverse("catalog:unmapped")),
        ("get", reverse("catalog:rules")),
        ("post", reverse("catalog:rules")),
        ("get", reverse("catalog:rule-edit", args=[rule_id])),
        ("post", reverse("catalog:rule-edit", args=[rule_id])),
        ("post", reverse("catalog:rules-apply")),
        ("get", reverse("catalog:import")),
        ("post", reverse("catalog:import")),
        ("get", reverse("catalog:import-detail", args=[run_id])),
        ("get", reverse("catalog:import-status", args=[run_id])),
    ]


@pytest.fixture
def every_curator_url(imported):
    run = ImportRun.objects.create(source="file", status=ImportStatus.SUCCEEDED)
    return curator_urls(imported["mapped"].pk, SkillMappingRule.objects.first().pk, run.pk)


@pytest.fixture
def leader(db):
    user = UserFactory(username="leader-user")
    user.groups.add(Group.objects.get_or_create(name=LEADERSHIP_GROUP)[0])
    return user


def test_anonymous_visitors_are_sent_to_login(client, every_curator_url):
    for method, url in every_curator_url:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["employee", "manager", "leader"])
def test_non_curators_are_refused(client, every_curator_url, request, who):
    client.force_login(request.getfixturevalue(who))
    for method, url in every_curator_url:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url)
    assert not ImportRun.objects.exclude(status=ImportStatus.SUCCEEDED).exists()
    assert TrainingResource.objects.filter(is_active=False).count() == 0


@pytest.mark.parametrize("who", ["curator", "admin"])
def test_curators_and_admins_reach_every_page(client, every_curator_url, curator, who):
    user = curator if who == "curator" else UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    for method, url in every_curator_url:
        if method == "get":
            assert client.get(url).status_code == 200, url


# --- Resources ----------------------------------------------------------------------------------


def resource_post(**overrides) -> dict:
    data = {
        "title": "Our prompt clinic",
        "url": "https://intranet.example.com/prompt-clinic",
        "kind": "course",
        "provider": "",
        "summary": "Bring a prompt, leave with a better one.",
        "duration_minutes": "90",
        "level": "1",
        "is_free": "on",
        "locale": "en-us",
        "is_active": "on",
        "curator_notes": "",
        "skills-TOTAL_FORMS": "2",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "1000",
        "skills-0-skill": "",
        "skills-0-level": "",
        "skills-1-skill": "",
        "skills-1-level": "",
    }
    data.update(overrides)
    return data


def test_a_curator_creates_a_resource_with_its_skills_in_one_form(client, curator, imported, rules):
    audience = AudienceFactory()
    client.force_login(curator)
    response = client.post(
        reverse("catalog:resource-create"),
        resource_post(
            provider=imported["manual"].provider_id,
            audiences=[audience.pk],
            **{
                "skills-0-skill": rules["prompting"].pk,
                "skills-0-level": "3",
                "skills-1-skill": rules["rag"].pk,
                "skills-1-level": "2",
            },
        ),
    )
    resource = TrainingResource.objects.get(title="Our prompt clinic")
    assert response.status_code == 302 and response["Location"] == resource.get_absolute_url()
    assert list(resource.audiences.all()) == [audience]
    assert set(resource.skill_links.values_list("skill__slug", "level", "origin")) == {
        ("prompting", 3, LinkOrigin.CURATOR),
        ("grounding", 2, LinkOrigin.CURATOR),
    }
    assert resource.curated_fields == []  # not imported: nothing to protect it from


def test_invalid_input_is_shown_at_the_field_and_nothing_is_saved(client, curator, imported, rules):
    client.force_login(curator)
    response = client.post(
        reverse("catalog:resource-create"),
        resource_post(
            provider=imported["manual"].provider_id,
            url="javascript:alert(1)",
            **{
                "skills-0-skill": rules["prompting"].pk,
                "skills-0-level": "3",
                "skills-1-skill": rules["prompting"].pk,
                "skills-1-level": "2",
            },
        ),
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert "is listed twice" in response.content.decode()
    assert not TrainingResource.objects.filter(title="Our prompt clinic").exists()


def test_editing_an_imported_resource_makes_the_edits_the_curators(
    client, curator, imported, rules
):
    resource = imported["mapped"]
    link = resource.skill_links.get()
    client.force_login(curator)
    response = client.post(
        reverse("catalog:resource-edit", args=[resource.pk]),
        resource_post(
            title="Prompt patterns (our pick)",
            url=resource.url,
            kind=resource.kind,
            provider=resource.provider_id,
            summary=resource.summary,
            duration_minutes=resource.duration_minutes,
            level=resource.level,
            locale=resource.locale,
            **{
                "skills-TOTAL_FORMS": "3",
                "skills-INITIAL_FORMS": "1",
                "skills-0-id": link.pk,
                "skills-0-resource": resource.pk,
                "skills-0-skill": rules["prompting"].pk,
                "skills-0-level": "3",
                "skills-2-skill": "",
                "skills-2-level": "",
            },
        ),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    resource.refresh_from_db()
    assert resource.title == "Prompt patterns (our pick)"
    assert set(resource.curated_fields) >= {"title", "skills"}
    assert "summary" not in resource.curated_fields  # untouched: still the import's
    link.refresh_from_db()
    assert (link.level, link.origin) == (3, LinkOrigin.CURATOR)


def test_retire_and_restore(client, curator, imported):
    resource = imported["mapped"]
    client.force_login(curator)
    url = reverse("catalog:resource-retire", args=[resource.pk])
    client.post(url, {"action": "retire"})
    resource.refresh_from_db()
    assert not resource.is_active and resource.retired_at and "is_active" in resource.curated_fields
    assert resource not in client.get(reverse("catalog:list")).context["resources"]
    client.post(url, {"action": "restore"})
    resource.refresh_from_db()
    assert resource.is_active and resource.retired_at is None


def test_the_retire_view_takes_only_posts(client, curator, imported):
    client.force_login(curator)
    url = reverse("catalog:resource-retire", args=[imported["mapped"].pk])
    assert client.get(url).status_code == 405


# --- Unmapped queue -----------------------------------------------------------------------------


def test_the_queue_lists_imported_items_that_build_no_skill(client, curator, imported):
    client.force_login(curator)
    response = client.get(reverse("catalog:unmapped"))
    assert list(response.context["page"].object_list) == [imported["unmapped"]]
    assert (
        client.get(reverse("catalog:unmapped"), {"q": "azure-storage"})
        .context["page"]
        .paginator.count
        == 1
    )
    assert (
        client.get(reverse("catalog:unmapped"), {"q": "nothing-like-it"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_mapping_in_bulk_moves_items_out_of_the_queue(client, curator, imported, rules):
    second = TrainingResourceFactory(
        title="Queues", external_uid="learn.q2", source="learn_platform", level=None
    )
    client.force_login(curator)
    response = client.post(
        reverse("catalog:unmapped"),
        {
            "resources": [imported["unmapped"].pk, second.pk],
            "action": "map",
            "skill": rules["rag"].pk,
            "level": "",
        },
    )
    assert response.status_code == 302
    assert set(
        ResourceSkill.objects.filter(skill=rules["rag"]).values_list(
            "resource__external_uid", "level", "origin"
        )
    ) == {
        ("learn.unmapped", 3, LinkOrigin.CURATOR),  # intermediate: one above, 3
        ("learn.q2", 2, LinkOrigin.CURATOR),  # no difficulty: treated as beginner
    }
    assert client.get(reverse("catalog:unmapped")).context["page"].paginator.count == 0


def test_the_queue_refuses_a_map_without_a_skill_and_items_not_in_it(
    client, curator, imported, rules
):
    client.force_login(curator)
    response = client.post(
        reverse("catalog:unmapped"),
        {
            "resources": [imported["unmapped"].pk],
            "action": "map",
            "skill": "",
        },
    )
    assert response.status_code == 400
    assert "Choose the skill these items build." in response.content.decode()
    response = client.post(
        reverse("catalog:unmapped"),
        {
            "resources": [imported["manual"].pk],
            "action": "map",
            "skill": rules["rag"].pk,
        },
    )
    assert response.status_code == 400
    assert not ResourceSkill.objects.filter(skill=rules["rag"]).exists()


def test_retiring_from_the_queue(client, curator, imported):
    client.force_login(curator)
    client.post(
        reverse("catalog:unmapped"), {"resources": [imported["unmapped"].pk], "action": "retire"}
    )
    imported["unmapped"].refresh_from_db()
    assert not imported["unmapped"].is_active


@pytest.mark.parametrize("size", [2, 30])
def test_the_queue_costs_the_same_queries_whatever_its_size(
    client, curator, rules, size, django_assert_num_queries
):
    for n in range(size):
        TrainingResourceFactory(external_uid=f"learn.gen-{n}", source="learn_catalog")
    client.force_login(curator)
    # session, user, groups, count, page (+provider), the form's resources choices and
    # skill choices.
    with django_assert_num_queries(8):  # + persona flags (navigation)
        client.get(reverse("catalog:unmapped"))


# --- Rules --------------------------------------------------------------------------------------


def test_a_curator_adds_edits_and_deletes_a_rule(client, curator, rules):
    skill = SkillFactory()
    client.force_login(curator)
    response = client.post(
        reverse("catalog:rules"),
        {
            "skill": skill.pk,
            "field": "subject",
            "value": "  machine   learning ",
            "level_rule": "fixed",
            "fixed_level": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert "Choose the level this rule gives." in response.content.decode()

    client.post(
        reverse("catalog:rules"),
        {
            "skill": skill.pk,
            "field": "subject",
            "value": "  machine   learning ",
            "level_rule": "fixed",
            "fixed_level": "2",
            "is_active": "on",
        },
    )
    rule = SkillMappingRule.objects.get(skill=skill)
    assert (rule.value, rule.fixed_level) == ("machine learning", 2)

    response = client.post(
        reverse("catalog:rule-edit", args=[rule.pk]),
        {
            "skill": skill.pk,
            "field": "subject",
            "value": "machine-learning",
            "level_rule": "difficulty",
            "fixed_level": "3",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.value, rule.level_rule, rule.fixed_level, rule.is_active) == (
        "machine-learning",
        "difficulty",
        None,
        False,
    )

    client.post(reverse("catalog:rule-edit", args=[rule.pk]), {"delete": "1"})
    assert not SkillMappingRule.objects.filter(pk=rule.pk).exists()
    # Every write went through the service: one audit version each, by the curator.
    history = SkillMappingRule.history.filter(id=rule.pk).order_by("history_date")
    assert list(history.values_list("history_type", "history_user", "value")) == [
        ("+", curator.pk, "machine learning"),
        ("~", curator.pk, "machine-learning"),
        ("-", curator.pk, "machine-learning"),
    ]


def test_applying_the_rules_now_maps_matching_items(client, curator, imported, rules):
    SkillMappingRule.objects.create(skill=rules["rag"], field="product", value="azure-storage")
    client.force_login(curator)
    response = client.post(reverse("catalog:rules-apply"), {"next": "unmapped"})
    assert response["Location"] == reverse("catalog:unmapped")
    link = ResourceSkill.objects.get(resource=imported["unmapped"])
    assert (link.skill, link.level, link.origin) == (rules["rag"], 3, LinkOrigin.RULE)


# --- Import -------------------------------------------------------------------------------------


def upload(client, name: str = "learn_catalog_v1.json", **fields):
    data = {"file": SimpleUploadedFile(name, fixture_bytes(name), "application/json"), **fields}
    return client.post(reverse("catalog:import"), data)


def test_an_upload_is_queued_then_its_page_shows_progress_and_summary(
    client, curator, rules, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(run_import, "delay", queued.append)
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert queued == [run.pk]
    assert run.requested_by == curator and run.file_name == "learn_catalog_v1.json"

    # Queued: the page refreshes itself without JavaScript, and loads the polling script.
    body = client.get(run.get_absolute_url()).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body
    assert "js/import-progress.js" in body
    assert 'aria-valuenow="0"' in body
    status = client.get(reverse("catalog:import-status", args=[run.pk])).json()
    assert status["status"] == "queued" and status["percent"] == 0 and not status["finished"]

    # Another upload meanwhile is refused with a message.
    response = upload(client)
    assert response.status_code == 400
    assert f"Import #{run.pk} is still queued" in response.content.decode()

    import_run_execute(run_id=run.pk)  # what the worker does

    status = client.get(reverse("catalog:import-status", args=[run.pk])).json()
    assert status["status"] == "succeeded" and status["percent"] == 100 and status["finished"]
    assert status["summary"]["created"] == 7
    body = client.get(run.get_absolute_url()).content.decode()
    assert "http-equiv" not in body and "import-progress.js" not in body
    assert 'aria-valuenow="100"' in body
    assert 'data-testid="created">7<' in body
    assert "Map the 3 unmapped items" in body


def test_a_failed_import_shows_its_error(client, curator, rules, monkeypatch):
    monkeypatch.setattr(run_import, "delay", lambda pk: None)
    client.force_login(curator)
    upload(client, "wrong_shape_list.json")
    run = import_run_execute(run_id=ImportRun.objects.get().pk)
    body = client.get(run.get_absolute_url()).content.decode()
    assert "The import stopped; nothing was written." in body
    assert "it holds a list" in body


def test_rejections_are_listed_on_the_run_page(client, curator, rules, monkeypatch):
    monkeypatch.setattr(run_import, "delay", lambda pk: None)
    client.force_login(curator)
    upload(client, "learn_catalog_rejections.json")
    run = import_run_execute(run_id=ImportRun.objects.get().pk)
    body = client.get(run.get_absolute_url()).content.decode()
    assert "Rejected: it has no URL." in body and "learn.bad.no-url" in body


def test_an_upload_needs_a_file(client, curator, rules):
    client.force_login(curator)
    response = client.post(reverse("catalog:import"), {"retire_missing": "on"})
    assert response.status_code == 400
    assert not ImportRun.objects.exists()


def test_the_platform_sync_is_refused_when_not_configured(client, curator, rules, settings):
    settings.LEARN_CLIENT_SECRET = ""
    client.force_login(curator)
    body = client.get(reverse("catalog:import")).content.decode()
    assert "Not configured." in body and "Sync now" not in body
    response = client.post(reverse("catalog:import"), {"platform": "1"})
    assert response.status_code == 400
    assert "not configured" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_platform_sync_is_queued_when_configured(client, curator, rules, settings, monkeypatch):
    settings.LEARN_TENANT_ID = settings.LEARN_CLIENT_ID = settings.LEARN_CLIENT_SECRET = "x"
    monkeypatch.setattr(run_import, "delay", lambda pk: None)
    client.force_login(curator)
    assert "Sync now" in client.get(reverse("catalog:import")).content.decode()
    response = client.post(reverse("catalog:import"), {"platform": "1", "dry_run": "on"})
    run = ImportRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    assert run.source == "platform" and run.dry_run and run.retire_missing
