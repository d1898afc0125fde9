"""Curation that cannot surprise: a file retires nothing unless a curator confirms a dry run
that named what would go, and every run lists its items by title."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import PlanItemStatus
from catalog.models import ImportRun, ImportStatus, TrainingResource
from catalog.services.imports import import_run_execute
from catalog.tasks import run_import
from tests.catalog.conftest import fixture_bytes
from tests.factories import LearningPlanItemFactory, PersonFactory

pytestmark = pytest.mark.django_db

STORAGE_UID = "learn.azure.manage-storage-accounts"
STORAGE_TITLE = "Manage Azure storage accounts"


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    monkeypatch.setattr(run_import, "delay", lambda pk: None)


def upload(client, name: str, **fields):
    data = {"file": SimpleUploadedFile(name, fixture_bytes(name), "application/json"), **fields}
    return client.post(reverse("catalog:import"), data)


def run_latest() -> ImportRun:
    """Execute the newest run, as the worker would."""
    return import_run_execute(run_id=ImportRun.objects.order_by("-pk").first().pk)


@pytest.fixture
def catalog_v1(client, curator, rules):
    client.force_login(curator)
    upload(client, "learn_catalog_v1.json")
    run = run_latest()
    assert run.summary["created"] == 7
    return TrainingResource.objects.get(external_uid=STORAGE_UID)


def test_whole_catalog_is_unticked_by_default(client, curator):
    client.force_login(curator)
    body = client.get(reverse("catalog:import")).content.decode()
    box = body[
        body.index('name="retire_missing"') - 200 : body.index('name="retire_missing"') + 200
    ]
    assert "checked" not in box


def test_a_file_uploaded_with_the_defaults_retires_nothing_and_lists_items_by_title(
    client, catalog_v1
):
    upload(client, "learn_catalog_v2.json")
    run = run_latest()
    assert not run.dry_run and not run.retire_missing
    assert run.summary["retired"] == 0
    catalog_v1.refresh_from_db()
    assert catalog_v1.is_active
    rag = TrainingResource.objects.get(external_uid="learn.wwl.use-own-data-azure-openai")
    assert [e["title"] for e in run.outcomes["updated"]] == [
        "Implement RAG with Azure OpenAI Service",
        "Build generative AI solutions",
    ]
    body = client.get(run.get_absolute_url()).content.decode()
    assert f'<a href="{rag.get_absolute_url()}">Implement RAG with Azure OpenAI Service</a>' in body
    assert f'href="{rag.url}"' in body
    assert STORAGE_TITLE not in body


def test_the_first_run_lists_what_it_created_and_what_is_unmapped(client, curator, rules):
    client.force_login(curator)
    upload(client, "learn_catalog_v1.json")
    run = run_latest()
    created = {e["title"]: e["id"] for e in run.outcomes["created"]}
    assert len(created) == 7
    assert created[STORAGE_TITLE] == TrainingResource.objects.get(external_uid=STORAGE_UID).pk
    assert STORAGE_TITLE in [e["title"] for e in run.outcomes["unmapped"]]
    body = client.get(run.get_absolute_url()).content.decode()
    assert "Created (7)" in body and "Unmapped (no skill yet) (3)" in body


def test_whole_catalog_runs_a_dry_run_that_names_what_it_would_retire_and_the_plans(
    client, catalog_v1
):
    holders = PersonFactory.create_batch(2)
    for person in holders:
        LearningPlanItemFactory(person=person, resource=catalog_v1, status=PlanItemStatus.PLANNED)
    LearningPlanItemFactory(resource=catalog_v1, status=PlanItemStatus.COMPLETED)  # not active

    response = upload(client, "learn_catalog_v2.json", retire_missing="on")
    dry = run_latest()
    assert response["Location"] == dry.get_absolute_url()
    assert dry.dry_run and dry.awaiting_confirmation and dry.payload
    assert dry.summary["retired"] == 1
    assert dry.outcomes["retire_ids"] == [catalog_v1.pk]
    assert dry.outcomes["plans"] == 2
    catalog_v1.refresh_from_db()
    assert catalog_v1.is_active  # nothing retired yet

    body = client.get(dry.get_absolute_url()).content.decode()
    assert "retires 1 item</strong>" in body
    assert "active learning plans of <strong>2 people</strong>" in body
    assert f'<a href="{catalog_v1.get_absolute_url()}">{STORAGE_TITLE}</a>' in body
    assert "in 2 learning plans" in body
    assert "Retire 1 item and import" in body

    # Confirmed: a real run that retires exactly what the dry run listed.
    response = client.post(reverse("catalog:import-confirm", args=[dry.pk]), {"retire_count": "1"})
    real = ImportRun.objects.order_by("-pk").first()
    assert response["Location"] == real.get_absolute_url()
    assert real.confirms == dry and real.retire_only == [catalog_v1.pk] and not real.dry_run
    dry.refresh_from_db()
    assert not dry.awaiting_confirmation and dry.payload is None
    real = run_latest()
    assert real.status == ImportStatus.SUCCEEDED and real.summary["retired"] == 1
    catalog_v1.refresh_from_db()
    assert not catalog_v1.is_active
    body = client.get(real.get_absolute_url()).content.decode()
    assert "Retired (1)" in body and STORAGE_TITLE in body
    assert real.outcomes["retired"][0]["plans"] == 2

    # The same dry run cannot be confirmed twice.
    response = client.post(
        reverse("catalog:import-confirm", args=[dry.pk]), {"retire_count": "1"}, follow=True
    )
    assert "can no longer be confirmed" in response.content.decode()
    assert ImportRun.objects.count() == 3  # v1, the dry run, the confirmed run


def test_a_stale_count_is_refused_and_nothing_is_queued(client, catalog_v1):
    upload(client, "learn_catalog_v2.json", retire_missing="on")
    dry = run_latest()
    for wrong in ("0", "2", "", "x"):
        response = client.post(
            reverse("catalog:import-confirm", args=[dry.pk]), {"retire_count": wrong}, follow=True
        )
        assert "review its list and confirm again" in response.content.decode()
    assert ImportRun.objects.count() == 2
    dry.refresh_from_db()
    assert dry.awaiting_confirmation


def test_the_confirmed_run_retires_only_what_the_curator_was_shown(client, catalog_v1):
    upload(client, "learn_catalog_v2.json", retire_missing="on")
    dry = run_latest()
    # Since the dry run, another item of the same kind was added that the file lacks.
    extra = TrainingResource.objects.create(
        title="Arrived meanwhile",
        url="https://learn.microsoft.com/training/modules/meanwhile/",
        kind="module",
        provider=catalog_v1.provider,
        external_uid="learn.meanwhile",
        source=catalog_v1.source,
    )
    client.post(reverse("catalog:import-confirm", args=[dry.pk]), {"retire_count": "1"})
    real = run_latest()
    assert real.summary["retired"] == 1
    extra.refresh_from_db()
    assert extra.is_active


def test_a_newer_upload_supersedes_a_dry_run_awaiting_confirmation(client, catalog_v1):
    upload(client, "learn_catalog_v2.json", retire_missing="on")
    dry = run_latest()
    upload(client, "learn_catalog_v2.json")
    dry.refresh_from_db()
    assert not dry.awaiting_confirmation and dry.payload is None
    body = client.get(dry.get_absolute_url()).content.decode()
    assert "Retire 1 item and import" not in body


def test_only_curators_confirm(client, catalog_v1, employee, manager):
    upload(client, "learn_catalog_v2.json", retire_missing="on")
    dry = run_latest()
    url = reverse("catalog:import-confirm", args=[dry.pk])
    client.logout()
    response = client.post(url, {"retire_count": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (employee, manager):
        client.force_login(user)
        assert client.post(url, {"retire_count": "1"}).status_code == 403
    assert ImportRun.objects.count() == 2
    catalog_v1.refresh_from_db()
    assert catalog_v1.is_active


def test_the_command_still_retires_by_default_and_keep_missing_keeps(rules, capsys, tmp_path):
    from django.core.management import call_command

    for name in ("learn_catalog_v1.json", "learn_catalog_v2.json"):
        path = tmp_path / name
        path.write_bytes(fixture_bytes(name))
    call_command("import_learn", file=tmp_path / "learn_catalog_v1.json")
    call_command("import_learn", file=tmp_path / "learn_catalog_v2.json", keep_missing=True)
    assert TrainingResource.objects.get(external_uid=STORAGE_UID).is_active
    call_command("import_learn", file=tmp_path / "learn_catalog_v2.json")
    assert not TrainingResource.objects.get(external_uid=STORAGE_UID).is_active


# --- Audit history of bulk writes ----------------------------------------------------------------


def test_an_import_leaves_audit_history_per_resource_and_link_by_its_curator(client, catalog_v1):
    from catalog.models import ResourceSkill

    curator = ImportRun.objects.get().requested_by
    created = TrainingResource.history.filter(history_type="+")
    assert created.count() == 7
    assert set(created.values_list("history_user", "history_change_reason")) == {
        (curator.pk, "via Learn import")
    }
    links = ResourceSkill.history.filter(history_change_reason="via Learn import")
    assert links.count() == ResourceSkill.objects.count() > 0

    versions = TrainingResource.history.count()
    upload(client, "learn_catalog_v2.json", retire_missing="on")
    dry = run_latest()
    assert TrainingResource.history.count() == versions  # a dry run writes no history
    client.post(reverse("catalog:import-confirm", args=[dry.pk]), {"retire_count": "1"})
    run_latest()
    retired = TrainingResource.history.filter(id=catalog_v1.pk).order_by("history_date").last()
    assert (retired.history_type, retired.is_active, retired.history_change_reason) == (
        "~",
        False,
        "via Learn import",
    )
    # Updated resources get a version with their new title.
    assert TrainingResource.history.filter(
        title="Implement RAG with Azure OpenAI Service", history_type="~"
    ).exists()

    admin = curator.__class__.objects.create_superuser("root-audit", "root@example.com", "x")
    client.force_login(admin)
    body = client.get("/audit/?kind=catalog.trainingresource").content.decode()
    assert "via Learn import" in body and STORAGE_TITLE in body and curator.username in body


def test_rules_applied_and_the_unmapped_queue_leave_audit_history(client, catalog_v1, rules):
    from catalog.models import ResourceSkill, SkillMappingRule

    curator = ImportRun.objects.get().requested_by
    SkillMappingRule.objects.create(skill=rules["rag"], field="product", value="azure-storage")
    client.post(reverse("catalog:rules-apply"), {})
    link = ResourceSkill.objects.get(resource=catalog_v1)
    version = ResourceSkill.history.filter(id=link.pk).get()
    assert (version.history_type, version.history_user, version.history_change_reason) == (
        "+",
        curator,
        "via mapping rules",
    )

    unmapped = TrainingResource.objects.exclude(skill_links__isnull=False).first()
    client.post(
        reverse("catalog:unmapped"),
        {"action": "map", "resources": [unmapped.pk], "skill": rules["llm"].pk, "level": "2"},
    )
    link = ResourceSkill.objects.get(resource=unmapped)
    version = ResourceSkill.history.filter(id=link.pk).get()
    assert (version.history_user, version.history_change_reason) == (
        curator,
        "via the unmapped queue",
    )


def test_the_command_names_what_it_retired_and_with_v2_the_rest(rules, capsys, tmp_path):
    from django.core.management import call_command

    for name in ("learn_catalog_v1.json", "learn_catalog_v2.json"):
        (tmp_path / name).write_bytes(fixture_bytes(name))
    call_command("import_learn", file=tmp_path / "learn_catalog_v1.json")
    assert "created 'Manage Azure storage accounts'" not in capsys.readouterr().out
    call_command("import_learn", file=tmp_path / "learn_catalog_v2.json", dry_run=True, verbosity=2)
    out = capsys.readouterr().out
    assert f"retired '{STORAGE_TITLE}' https://learn.microsoft.com/" in out
    assert "updated 'Implement RAG with Azure OpenAI Service'" in out


def test_retiring_by_hand_says_how_many_plans_hold_it(client, catalog_v1):
    LearningPlanItemFactory(resource=catalog_v1, status=PlanItemStatus.IN_PROGRESS)
    url = reverse("catalog:resource-retire", args=[catalog_v1.pk])
    body = client.post(url, {"action": "retire"}, follow=True).content.decode()
    assert "It stays in the active learning plans of 1 person" in body
    other = TrainingResource.objects.get(external_uid="learn.wwl.use-own-data-azure-openai")
    body = client.post(
        reverse("catalog:resource-retire", args=[other.pk]), {"action": "retire"}, follow=True
    ).content.decode()
    assert "No active learning plan holds it." in body
