"""The Learn importer on fixture files written from the documented shapes (no network)."""

import datetime as dt
import json
import time

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.learn.fields import canonical_url, plain_text, taxonomy_ids
from catalog.models import (
    ImportRun,
    ImportSource,
    ImportStatus,
    LinkOrigin,
    ResourceKind,
    ResourceSkill,
    TrainingResource,
)
from catalog.services.curate import resource_retire, resource_save
from catalog.services.imports import import_run_create, import_run_execute
from catalog.tasks import run_import, sync_learn_platform
from tests.catalog.conftest import FIXTURES, fixture_bytes
from tests.factories import AudienceFactory, ProviderFactory, SkillFactory

pytestmark = pytest.mark.django_db

PROMPT_UID = "learn.wwl.apply-prompt-engineering-azure-openai"
RAG_UID = "learn.wwl.use-own-data-azure-openai"
STORAGE_UID = "learn.azure.manage-storage-accounts"
PATH_UID = "learn.wwl.build-genai-solutions"


def run_file(name: str | None = None, *, data: bytes | None = None, **options) -> ImportRun:
    """Record and execute a file import the way the task does."""
    run = import_run_create(
        source=ImportSource.FILE,
        data=data if data is not None else fixture_bytes(name),
        file_name=name or "generated.json",
        enqueue=False,
        **options,
    )
    return import_run_execute(run_id=run.pk)


def resource(uid: str) -> TrainingResource:
    return TrainingResource.objects.get(external_uid=uid)


def links(uid: str) -> dict[str, tuple[int, str]]:
    return {
        link.skill.slug: (link.level, link.origin)
        for link in ResourceSkill.objects.filter(resource__external_uid=uid).select_related("skill")
    }


# --- First import -------------------------------------------------------------------------------


def test_first_import_creates_every_kind_with_clean_fields(rules):
    run = run_file("learn_catalog_v1.json")

    assert run.status == ImportStatus.SUCCEEDED, run.error
    assert run.summary == {
        "created": 7,
        "updated": 0,
        "unchanged": 0,
        "retired": 0,
        "unmapped": 3,
        "dry_run": False,
    }
    assert run.rejections == []
    assert run.percent == 100
    assert run.payload is None  # the uploaded file does not linger in the database
    kinds = dict(TrainingResource.objects.values_list("external_uid", "kind"))
    assert sorted(kinds.values()) == sorted(
        [ResourceKind.MODULE] * 4
        + [ResourceKind.LEARNING_PATH, ResourceKind.APPLIED_SKILL, ResourceKind.CERTIFICATION]
    )

    prompt = resource(PROMPT_UID)
    # Tracking query string and locale segment gone.
    assert prompt.url == (
        "https://learn.microsoft.com/training/modules/apply-prompt-engineering-azure-openai/"
    )
    # HTML summary → plain text: no tags, no script, entities decoded, paragraphs kept.
    assert prompt.summary == "Learn what prompt engineering is & why it matters.\nThen practise it."
    assert prompt.level == 1 and prompt.duration_minutes == 36 and prompt.is_free
    assert prompt.learn_products == ["azure-openai", "azure"]
    assert prompt.upstream_modified_at == dt.datetime(2024, 5, 2, tzinfo=dt.UTC)
    assert prompt.source == "learn_catalog" and prompt.provider.slug == "microsoft-learn"

    rag = resource(RAG_UID)  # taxonomy as {id, name} objects; utm_* stripped as well
    assert rag.url == "https://learn.microsoft.com/training/modules/use-own-data-azure-openai/"
    assert rag.learn_levels == ["intermediate"] and rag.level == 2
    assert rag.learn_products == ["azure-ai-search", "azure-openai"]

    copilot = resource("learn.wwl.get-started-copilot-daily-work")  # camelCase fields
    assert copilot.duration_minutes == 25
    assert copilot.upstream_modified_at == dt.datetime(2024, 2, 1, tzinfo=dt.UTC)

    cert = resource("certification.azure-ai-engineer")
    assert cert.summary == "Design and implement Azure AI solutions."  # from its subtitle
    assert not cert.is_free
    assert cert.children_uids == [PATH_UID]


def test_rules_attach_skills_and_a_path_builds_what_its_modules_build(rules):
    run_file("learn_catalog_v1.json")

    rule = LinkOrigin.RULE
    # Keyword "Prompt" (beginner → one above: 2) and product azure-openai.
    assert links(PROMPT_UID) == {"prompting": (2, rule), "llm": (2, rule)}
    # Intermediate → 3; the fixed rule says 3.
    assert links(RAG_UID) == {"llm": (3, rule), "grounding": (3, rule)}
    # The path matches no rule itself; its modules are in the same file.
    path = resource(PATH_UID)
    assert path.children_uids == [PROMPT_UID, RAG_UID]
    assert path.duration_minutes == 36 + 45  # no duration upstream: the sum of its modules
    assert links(PATH_UID) == {"prompting": (2, rule), "llm": (3, rule), "grounding": (3, rule)}
    # No rule matches these: they wait in the unmapped queue.
    assert links(STORAGE_UID) == {}
    assert links("certification.azure-ai-engineer") == {}


# --- Re-imports ---------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(rules):
    run_file("learn_catalog_v1.json")
    before = list(TrainingResource.objects.order_by("pk").values())
    link_ids = sorted(ResourceSkill.objects.values_list("pk", "level"))

    run = run_file("learn_catalog_v1.json")

    assert run.summary["created"] == 0 and run.summary["updated"] == 0
    assert run.summary["unchanged"] == 7 and run.summary["retired"] == 0
    assert list(TrainingResource.objects.order_by("pk").values()) == before  # updated_at too
    assert sorted(ResourceSkill.objects.values_list("pk", "level")) == link_ids


def test_second_import_retires_the_missing_item_and_updates_the_changed_one(rules):
    run_file("learn_catalog_v1.json")

    run = run_file("learn_catalog_v2.json")

    # The RAG module changed; its path's duration is the sum of its modules, so it changed too.
    assert run.summary == {
        "created": 0,
        "updated": 2,
        "unchanged": 4,
        "retired": 1,
        "unmapped": 2,
        "dry_run": False,
    }
    storage = resource(STORAGE_UID)  # retired, never deleted
    assert not storage.is_active and storage.retired_at is not None
    rag = resource(RAG_UID)
    assert rag.title == "Implement RAG with Azure OpenAI Service"
    assert rag.duration_minutes == 55
    assert resource(PATH_UID).duration_minutes == 36 + 55

    # Back upstream: back in the catalog.
    run = run_file("learn_catalog_v1.json")
    assert run.summary["updated"] == 3 and run.summary["retired"] == 0
    storage.refresh_from_db()
    assert storage.is_active and storage.retired_at is None


def test_a_curators_edits_survive_reimports(rules):
    run_file("learn_catalog_v1.json")
    rag = resource(RAG_UID)
    everyone = AudienceFactory(slug="cat-test-everyone", name="Cat test audience")
    extra_skill = SkillFactory(slug="curated-skill")
    rag.title = "RAG, explained by our curator"
    rag.curator_notes = "Pairs well with our internal RAG clinic."
    resource_save(
        resource=rag,
        audiences=[everyone],
        skill_levels=None,
        touched={"title", "audiences", "curator_notes"},
    )
    ResourceSkill.objects.create(resource=rag, skill=extra_skill, level=4)  # a curator's link
    prompt = resource(PROMPT_UID)
    resource_save(  # the curator drops a rule link: the resource's skills are now theirs
        resource=prompt, audiences=[], skill_levels={rules["prompting"]: 3}, touched={"skills"}
    )
    resource_retire(resource=resource("learn.wwl.get-started-copilot-daily-work"))

    run = run_file("learn_catalog_v2.json")
    assert run.status == ImportStatus.SUCCEEDED

    rag.refresh_from_db()
    assert rag.title == "RAG, explained by our curator"  # curator-owned
    assert rag.duration_minutes == 55  # not curator-owned: follows upstream
    assert rag.curator_notes == "Pairs well with our internal RAG clinic."
    assert list(rag.audiences.all()) == [everyone]
    assert links(RAG_UID)["curated-skill"] == (4, LinkOrigin.CURATOR)
    assert links(PROMPT_UID) == {"prompting": (3, LinkOrigin.CURATOR)}
    assert not resource("learn.wwl.get-started-copilot-daily-work").is_active  # stays retired


def test_a_rejected_item_is_not_taken_for_missing(rules):
    run_file("learn_catalog_v1.json")
    document = json.loads(fixture_bytes("learn_catalog_v1.json"))
    for module in document["modules"]:
        if module["uid"] == STORAGE_UID:
            del module["title"]

    run = run_file(data=json.dumps(document).encode())

    assert run.summary["retired"] == 0
    assert [r["uid"] for r in run.rejections] == [STORAGE_UID]
    assert resource(STORAGE_UID).is_active


def test_a_partial_file_can_keep_what_it_lacks(rules):
    run_file("learn_catalog_v1.json")
    run = run_file("learn_catalog_v2.json", retire_missing=False)
    assert run.summary["retired"] == 0
    assert resource(STORAGE_UID).is_active


def test_a_resource_entered_by_hand_is_adopted_by_its_url(rules):
    manual = TrainingResource.objects.create(
        title="Prompt engineering (entered by hand)",
        url="https://learn.microsoft.com/training/modules/apply-prompt-engineering-azure-openai/",
        kind=ResourceKind.MODULE,
        provider=ProviderFactory(slug="some-provider"),
    )
    run = run_file("learn_catalog_v1.json")
    assert run.summary["created"] == 6 and run.summary["updated"] == 1
    manual.refresh_from_db()
    assert manual.external_uid == PROMPT_UID
    assert manual.source == "learn_catalog"
    assert TrainingResource.objects.count() == 7


def test_dry_run_reports_without_writing(rules):
    run = run_file("learn_catalog_v1.json", dry_run=True)
    assert run.status == ImportStatus.SUCCEEDED
    assert run.summary["created"] == 7 and run.summary["dry_run"]
    assert not TrainingResource.objects.exists()
    assert not ResourceSkill.objects.exists()


# --- Bad input ----------------------------------------------------------------------------------


def test_per_item_rejections_are_listed_and_the_rest_imported(rules):
    run = run_file("learn_catalog_rejections.json")

    assert run.status == ImportStatus.SUCCEEDED
    assert run.summary["created"] == 2
    assert set(TrainingResource.objects.values_list("external_uid", flat=True)) == {
        "learn.ok.first",
        "learn.ok.second",
    }
    reasons = [(r["uid"], r["reason"]) for r in run.rejections]
    assert reasons == [
        ("", "Rejected: it has no uid."),
        ("learn.bad.no-title", "Rejected: it has no title."),
        ("learn.bad.no-url", "Rejected: it has no URL."),
        (
            "learn.bad.script-url",
            "Rejected: its URL is not an http(s) address: 'javascript:alert(1)'.",
        ),
        (
            "learn.bad.duration",
            "Rejected: its duration is not a number of minutes: 'about an hour'.",
        ),
        ("", "Rejected: it is a str, not an object."),
        ("learn.ok.first", "Rejected: its uid appears twice in the input."),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_json.txt", "The file is not valid JSON: Expecting value at line 1, column 1."),
        ("wrong_shape_list.json", "it holds a list"),
        ("wrong_shape_object.json", "it has none of the keys modules, learningPaths"),
        ("wrong_shape_modules_not_list.json", '"modules" must be a list of items; it is a object'),
    ],
)
def test_a_file_that_is_not_a_catalog_fails_clearly_and_writes_nothing(rules, name, message):
    run_file("learn_catalog_v1.json")
    before = list(TrainingResource.objects.order_by("pk").values())

    run = run_file(name)

    assert run.status == ImportStatus.FAILED
    assert message in run.error
    assert run.summary == {}
    assert list(TrainingResource.objects.order_by("pk").values()) == before


def test_an_unexpected_error_fails_the_run_and_writes_nothing(rules, monkeypatch):
    def explode(**kwargs):
        TrainingResource.objects.all().delete()  # a half-done write…
        raise RuntimeError("disk full")

    monkeypatch.setattr("catalog.learn.importer._apply", lambda plan, **kwargs: explode())
    run = run_file("learn_catalog_v1.json")
    assert run.status == ImportStatus.FAILED
    assert "unexpected error (RuntimeError)" in run.error
    assert not TrainingResource.objects.exists()


def test_an_empty_upload_is_refused(rules):
    with pytest.raises(ValidationError, match="Choose a catalog JSON file"):
        import_run_create(source=ImportSource.FILE, data=b"", enqueue=False)


def test_only_one_import_runs_at_a_time(rules):
    import_run_create(source=ImportSource.FILE, data=b"{}", enqueue=False)
    with pytest.raises(ValidationError, match="still queued"):
        import_run_create(source=ImportSource.FILE, data=b"{}", enqueue=False)


# --- Scale --------------------------------------------------------------------------------------


def generated_catalog(size: int, *, version: int = 1) -> bytes:
    """``size`` modules (a third match a rule) and paths grouping them ten by ten."""
    modules = [
        {
            "uid": f"learn.gen.module-{n}",
            "type": "module",
            "title": f"Generated module {n}" + (" on prompt design" if n % 3 == 0 else ""),
            "summary": f"<p>Module <b>{n}</b>, version {version}.</p>",
            "levels": ["beginner" if n % 2 else "intermediate"],
            "products": ["azure-openai"] if n % 5 == 0 else ["azure"],
            "roles": [{"id": "developer", "name": "Developer"}],
            "duration_in_minutes": 10 + n % 50,
            "url": f"https://learn.microsoft.com/en-us/training/modules/gen-{n}/?WT.mc_id=api",
            "last_modified": "2024-01-01T00:00:00Z",
        }
        for n in range(size)
    ]
    paths = [
        {
            "uid": f"learn.gen.path-{p}",
            "type": "learningPath",
            "title": f"Generated path {p}",
            "levels": ["beginner"],
            "url": f"https://learn.microsoft.com/en-us/training/paths/gen-{p}/",
            "modules": [f"learn.gen.module-{n}" for n in range(p * 10, p * 10 + 10)],
        }
        for p in range(size // 100)
    ]
    return json.dumps({"modules": modules, "learningPaths": paths}).encode()


def count_queries(data: bytes) -> tuple[ImportRun, int, float]:
    run = import_run_create(source=ImportSource.FILE, data=data, enqueue=False)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        run = import_run_execute(run_id=run.pk)
    return run, len(queries), time.perf_counter() - started


def test_a_large_import_costs_the_same_number_of_queries_as_a_small_one(rules):
    # Content types are read once per process and kept: after another test's flush the first
    # import would also pay for reading them again. Count the import's own statements only.
    ContentType.objects.clear_cache()
    for model in apps.get_models():
        ContentType.objects.get_for_model(model)
    small_run, small, _ = count_queries(generated_catalog(500))
    assert small_run.summary["created"] == 505, small_run.error
    TrainingResource.objects.all().delete()

    big_run, big, seconds = count_queries(generated_catalog(5000))

    assert big_run.summary["created"] == 5050, big_run.error
    assert TrainingResource.objects.count() == 5050
    # One audit version per resource written, in the same constant number of statements.
    assert (
        TrainingResource.history.filter(
            history_change_reason="via Learn import", history_type="+"
        ).count()
        == 505 + 5050
    )
    assert (
        ResourceSkill.objects.filter(resource__kind="module").count() == 1667 + 1000
    )  # "prompt" every 3rd, azure-openai every 5th
    # Claim, read + 21 progress steps, the writes and their audit history, the summary: the
    # same at 500 and at 5,000.
    assert big == small
    assert big <= 45
    print(f"\n5,000-item first import: {big} queries, {seconds:.2f} s")  # noqa: T201

    # Again, unchanged; then every item changed: still the same bound.
    again, again_queries, seconds = count_queries(generated_catalog(5000))
    assert again.summary["unchanged"] == 5050 and again_queries <= 45
    changed, changed_queries, seconds = count_queries(generated_catalog(5000, version=2))
    assert changed.summary["updated"] == 5000 and changed_queries <= 45
    assert "version 2" in TrainingResource.objects.get(external_uid="learn.gen.module-7").summary
    print(f"5,000-item update: {changed_queries} queries, {seconds:.2f} s")  # noqa: T201


# --- Command and tasks --------------------------------------------------------------------------


def test_the_command_prints_the_summary_and_rejections(rules, capsys):
    call_command("import_learn", "--file", str(FIXTURES / "learn_catalog_rejections.json"))
    out = capsys.readouterr().out
    assert "created 2, updated 0, unchanged 0, retired 0, unmapped 1, rejected 7" in out
    assert "rejected learn.bad.no-url 'No URL here': Rejected: it has no URL." in out


def test_the_command_dry_run_writes_nothing(rules, capsys):
    call_command("import_learn", "--file", str(FIXTURES / "learn_catalog_v1.json"), "--dry-run")
    assert "Dry run, nothing written: created 7" in capsys.readouterr().out
    assert not TrainingResource.objects.exists()


def test_the_command_fails_clearly_on_a_bad_file(rules):
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_learn", "--file", str(FIXTURES / "not_json.txt"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_learn", "--file", str(FIXTURES / "missing.json"))


def test_the_command_needs_credentials_for_the_platform(rules, settings):
    settings.LEARN_CLIENT_SECRET = ""
    with pytest.raises(CommandError, match="not configured"):
        call_command("import_learn", "--platform")


def test_the_queued_task_runs_the_import(rules):
    run = import_run_create(
        source=ImportSource.FILE, data=fixture_bytes("learn_catalog_v1.json"), enqueue=False
    )
    run_import.run(run.pk)  # the task body, as a worker would call it
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED and run.summary["created"] == 7
    # A redelivered message (acks_late) finds the run done and does nothing.
    run_import.run(run.pk)
    assert TrainingResource.objects.count() == 7


def test_queuing_an_import_sends_the_task_after_commit(
    rules, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(run_import, "delay", lambda run_id: sent.append(run_id))
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_create(source=ImportSource.FILE, data=b"{}")
    assert sent == [run.pk]


def test_the_weekly_sync_only_logs_without_credentials(rules, settings, caplog):
    settings.LEARN_TENANT_ID = settings.LEARN_CLIENT_ID = settings.LEARN_CLIENT_SECRET = ""
    with caplog.at_level("INFO", logger="catalog.tasks"):
        assert sync_learn_platform.run() is None
    assert "Learn Platform sync skipped" in caplog.text
    assert not ImportRun.objects.exists()


# --- Normalisers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "https://learn.microsoft.com/en-us/training/modules/x?WT.mc_id=api_CatalogApi",
            "https://learn.microsoft.com/training/modules/x/",
        ),
        (
            "https://LEARN.microsoft.com/training/paths/y/?wt.mc_id=a&tabs=python#intro",
            "https://learn.microsoft.com/training/paths/y/?tabs=python",
        ),
        (
            "https://www.linkedin.com/learning/paths/z?utm_source=x&utm_medium=y",
            "https://www.linkedin.com/learning/paths/z",
        ),
    ],
)
def test_canonical_urls(raw, clean):
    assert canonical_url(raw) == clean


def test_plain_text_drops_markup_and_keeps_words():
    assert plain_text("<h2>Title</h2><ul><li>one &lt;b&gt;</li><li>two</li></ul>") == (
        "Title\none <b>\ntwo"
    )
    assert plain_text('<img src=x onerror="alert(1)">Safe<style>p{}</style>') == "Safe"
    assert plain_text(None) == ""


def test_taxonomy_values_as_strings_objects_or_a_mix():
    assert taxonomy_ids(["a", {"id": "b", "name": "B"}, {"name": "c"}, "a", 3]) == ["a", "b", "c"]
    assert taxonomy_ids({"id": "solo"}) == ["solo"]
    assert taxonomy_ids(None) == []
