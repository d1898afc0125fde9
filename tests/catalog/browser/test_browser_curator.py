"""The demo curator in a real Chromium: upload a Learn catalog file, watch the import's progress
bar reach 100 % (a real Celery worker runs it), map an unmapped item to a skill — and the demo
employee then sees it recommended for the matching gap. Every page is photographed to
var/screenshots/ and checked with axe-core."""

import json
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from playwright.sync_api import Page, expect

from assessments.models import LearningPlanItem
from assessments.selectors import person_skill_states
from catalog.models import ImportRun, ImportStatus, ResourceSkill, TrainingResource
from readiness.celery import app as celery_app
from readiness.models import Person, Skill
from tests.browser import page_checker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_content"),
]

PASSWORD = "curator-browser-pass"
NEW_UID = "learn.wwl.browser-test-quick-start"
NEW_TITLE = "A ten-minute quick start nobody has mapped yet"


check_page = page_checker("curator")


@pytest.fixture(scope="module")
def celery_worker():
    """A real Celery worker in a thread, on the test settings' in-memory broker."""
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield


def catalog_file(tmp_path: Path) -> Path:
    """A Catalog API file: 400 modules a rule maps (prompting) and one nobody maps."""
    modules = [
        {
            "uid": f"learn.browser.prompt-{n}",
            "type": "module",
            "title": f"Prompt patterns, part {n}",
            "summary": "<p>Patterns for <b>better prompts</b>.</p>",
            "levels": ["beginner"],
            "products": ["azure-openai"],
            "duration_in_minutes": 30 + n % 40,
            "url": f"https://learn.microsoft.com/en-us/training/modules/prompt-{n}/?WT.mc_id=api",
        }
        for n in range(400)
    ]
    modules.append(
        {
            "uid": NEW_UID,
            "type": "module",
            "title": NEW_TITLE,
            "summary": "Start here: <em>ten minutes</em>.",
            "levels": ["beginner"],
            "products": ["some-product-no-rule-knows"],
            "duration_in_minutes": 10,
            "url": "https://learn.microsoft.com/en-us/training/modules/quick-start/?WT.mc_id=api",
        }
    )
    path = tmp_path / "learn-catalog.json"
    path.write_text(json.dumps({"modules": modules}))
    return path


def employee_gap() -> tuple[Skill, int]:
    """A skill the demo employee has a gap on: (skill, target level)."""
    person = Person.objects.select_related("role").get(user__username="employee")
    gaps = sorted(
        (s for s in person_skill_states(person=person).values() if s.gap > 0),
        key=lambda s: (-s.gap, s.skill_id),
    )
    assert gaps, "the demo employee should have a gap"
    return Skill.objects.get(pk=gaps[0].skill_id), gaps[0].target


def sign_in(page: Page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_curator_imports_watches_progress_maps_and_the_employee_gets_it(
    live_server, page: Page, celery_worker, tmp_path
):
    call_command("seed_demo", people=20, password=PASSWORD)
    skill, target = employee_gap()
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- The import page: upload a file -----------------------------------------------------
    sign_in(page, live_server.url, "curator", "/catalog/curate/import/")
    expect(page.get_by_role("heading", name="Microsoft Learn import", level=1)).to_be_visible()
    check_page(page, "1-import")
    page.get_by_label("Catalog JSON file").set_input_files(str(catalog_file(tmp_path)))
    # A partial file: keep the rest of the catalog.
    page.get_by_label("This file is the whole catalog").uncheck()
    page.get_by_role("button", name="Upload and import").click()

    # --- The run page: the bar moves to 100 % without a reload, then the summary ----------
    expect(page.get_by_role("heading", name="Import #", level=1)).to_be_visible()
    bar = page.get_by_test_id("progress")
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    expect(page.get_by_test_id("import-summary")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("created")).to_have_text("401")
    check_page(page, "2-import-finished")
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED and run.summary["unmapped"] == 1

    # --- The unmapped queue: map the new item to the employee's gap skill -------------------
    page.get_by_role("link", name="Map the 1 unmapped item").click()
    expect(page.get_by_role("heading", name="Unmapped queue", level=1)).to_be_visible()
    check_page(page, "3-unmapped-queue")
    page.get_by_role("checkbox", name=NEW_TITLE).check()
    page.get_by_label("Skill they build").select_option(label=skill.name)
    page.get_by_label("Level it brings").select_option(value=str(target))
    page.get_by_role("button", name="Map to this skill").click()
    expect(page.get_by_text(f"1 item mapped to “{skill.name}”.")).to_be_visible()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    check_page(page, "4-unmapped-queue-empty")
    resource = TrainingResource.objects.get(external_uid=NEW_UID)
    assert ResourceSkill.objects.filter(resource=resource, skill=skill, level=target).exists()

    # --- The catalog and the resource's page ---------------------------------------------------
    page.goto(f"{live_server.url}/catalog/?q=quick+start")
    expect(page.get_by_role("link", name=NEW_TITLE)).to_be_visible()
    check_page(page, "5-catalog")
    page.get_by_role("link", name=NEW_TITLE).click()
    expect(page.get_by_role("heading", name=NEW_TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("cell", name=skill.name)).to_be_visible()
    check_page(page, "6-resource")
    page.goto(f"{live_server.url}/catalog/curate/rules/")
    check_page(page, "7-rules")
    page.goto(f"{live_server.url}/catalog/curate/{resource.pk}/edit/")
    check_page(page, "8-resource-edit")

    # --- The employee: it is recommended for the matching gap --------------------------------
    page.context.clear_cookies()
    sign_in(page, live_server.url, "employee", "/me/")
    expect(page.get_by_role("heading", name="My readiness", level=1)).to_be_visible()
    card = page.locator(f'#recommended .card[data-skill="{skill.slug}"]')
    expect(card.get_by_role("link", name=NEW_TITLE)).to_be_visible()
    check_page(page, "9-employee-recommended")


def learn_modules(numbers: range, *, title: str = "Catalog module") -> list[dict]:
    return [
        {
            "uid": f"learn.browser.catalog-{n}",
            "type": "module",
            "title": f"{title} {n}",
            "levels": ["beginner"],
            "products": ["azure-openai"],
            "duration_in_minutes": 20,
            "url": f"https://learn.microsoft.com/en-us/training/modules/catalog-{n}/",
        }
        for n in numbers
    ]


def test_a_five_item_file_over_a_sixty_item_catalog_retires_nothing_by_default(
    live_server, page: Page, celery_worker, tmp_path
):
    call_command("seed_demo", people=12, password=PASSWORD)
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps({"modules": learn_modules(range(60))}))
    call_command("import_learn", file=whole)
    catalog = TrainingResource.objects.filter(external_uid__startswith="learn.browser.catalog-")
    assert catalog.filter(is_active=True).count() == 60
    # Five items: two of the catalog's, renamed upstream, and three new ones.
    five = learn_modules(range(2), title="Renamed module") + learn_modules(range(60, 63))
    partial = tmp_path / "five-items.json"
    partial.write_text(json.dumps({"modules": five}))
    titles = [item["title"] for item in five]
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- Upload with the defaults: the box is unticked ---------------------------------------
    sign_in(page, live_server.url, "curator", "/catalog/curate/import/")
    expect(page.get_by_label("This file is the whole catalog")).not_to_be_checked()
    page.get_by_label("Catalog JSON file").set_input_files(str(partial))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_test_id("progress")).to_have_attribute(
        "aria-valuenow", "100", timeout=30_000
    )
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_be_visible(timeout=10_000)
    for title in titles:
        expect(summary.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(
        page.get_by_test_id("outcome-created").get_by_role(
            "link", name="Catalog module 61", exact=True
        )
    ).to_be_visible()
    expect(
        page.get_by_test_id("outcome-updated").get_by_role(
            "link", name="Renamed module 0", exact=True
        )
    ).to_be_visible()
    expect(page.get_by_test_id("outcome-retired")).to_have_count(0)
    check_page(page, "10-five-items-default")
    assert catalog.filter(is_active=True).count() == 63  # nothing retired

    # The demo employee has one of the items the whole-catalog file lacks in their plan.
    skill, target = employee_gap()
    employee = Person.objects.get(user__username="employee")
    doomed = catalog.get(title="Catalog module 59")
    ResourceSkill.objects.update_or_create(resource=doomed, skill=skill, defaults={"level": target})
    LearningPlanItem.objects.create(person=employee, resource=doomed, skill=skill, status="planned")

    # --- Ticked: a dry run names how many would go; nothing goes without the confirmation ------
    page.goto(f"{live_server.url}/catalog/curate/import/")
    page.get_by_label("Catalog JSON file").set_input_files(str(partial))
    page.get_by_label("This file is the whole catalog").check()
    page.get_by_role("button", name="Upload and import").click()
    confirmation = page.get_by_test_id("retire-confirmation")
    expect(confirmation).to_be_visible(timeout=30_000)
    expect(confirmation).to_contain_text("retires 58 items")
    expect(confirmation).to_contain_text("active learning plans of 1 person")
    expect(confirmation.get_by_role("button", name="Retire 58 items and import")).to_be_visible()
    expect(
        page.get_by_test_id("outcome-retired").get_by_role(
            "link", name="Catalog module 59", exact=True
        )
    ).to_be_visible()
    check_page(page, "11-whole-catalog-confirmation")
    assert catalog.filter(is_active=True).count() == 63  # still nothing retired
    confirmation.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Microsoft Learn import", level=1)).to_be_visible()
    assert catalog.filter(is_active=True).count() == 63

    # --- Confirmed: the 58 go, and the employee's plan says so with a replacement -------------
    page.goto(f"{live_server.url}/catalog/curate/import/")
    page.get_by_label("Catalog JSON file").set_input_files(str(partial))
    page.get_by_label("This file is the whole catalog").check()
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_role("button", name="Retire 58 items and import").click(timeout=30_000)
    expect(page.get_by_test_id("outcome-retired")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("outcome-retired")).to_contain_text("in 1 learning plan")
    check_page(page, "12-whole-catalog-confirmed")
    assert catalog.filter(is_active=True).count() == 5

    page.context.clear_cookies()
    sign_in(page, live_server.url, "employee", "/me/plan/")
    retired = page.get_by_test_id("retired-upstream")
    expect(retired).to_contain_text("Retired upstream")
    expect(retired).to_contain_text(f"Replacement for {skill.name}:")
    check_page(page, "13-employee-plan-retired-upstream")

    # --- The audit: each resource the import wrote, by the curator, "via Learn import" --------
    page.context.clear_cookies()
    sign_in(page, live_server.url, "admin", "/audit/?kind=catalog.trainingresource")
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    retired_row = page.get_by_test_id("audit-entry").filter(has_text="Catalog module 59").first
    expect(retired_row).to_contain_text("curator")
    expect(retired_row).to_contain_text("via Learn import")
    check_page(page, "14-audit-import")
