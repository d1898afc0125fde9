"""The demo employee in a real Chromium: self-assess two gaps up to target, watch readiness
rise, plan a recommended resource, complete it, watch the progress bar move. Every page is
photographed to var/screenshots/ and checked with axe-core."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from catalog.models import Provider, ResourceSkill, TrainingResource
from readiness.models import Audience, Skill
from tests.browser import page_checker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_content"),
]

PASSWORD = "employee-browser-pass"


check_page = page_checker("employee")


def curator_adds_a_course() -> None:
    """Every resource the seeded catalog offers for the demo employee's gaps is already in their
    plan; a curator adds one more, so that the employee has something new to plan."""
    resource = TrainingResource.objects.create(
        title="Securing generative AI applications, hands-on",
        url="https://learning.example.com/securing-genai-apps/",
        kind="course",
        provider=Provider.objects.get(slug="internal"),
        duration_minutes=90,
        level=1,
    )
    resource.audiences.add(Audience.objects.get(slug="tech-specialists"))
    ResourceSkill.objects.create(
        resource=resource, skill=Skill.objects.get(slug="securing-ai-apps"), level=2
    )


def percent(page: Page) -> int:
    return int(page.get_by_test_id("readiness-percent").inner_text().rstrip("%"))


def test_employee_closes_two_gaps_and_completes_learning(live_server, page: Page):
    call_command("seed_demo", people=30, password=PASSWORD)
    curator_adds_a_course()
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/accounts/login/?next=/me/")
    page.get_by_label("Username").fill("employee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # --- My readiness: the starting point --------------------------------------------------
    expect(page.get_by_role("heading", name="My readiness", level=1)).to_be_visible()
    before = percent(page)
    gap_rows = page.get_by_test_id("gaps-table").locator("tbody tr")
    gaps_before = gap_rows.count()
    assert gaps_before >= 2
    expect(page.get_by_test_id("gap-count")).to_have_text(str(gaps_before))
    add_buttons = page.get_by_role("button", name=re.compile("to my plan$"))
    addable = page.locator("#recommended .card").filter(has=add_buttons).first
    # Keep the gap whose resource the employee will plan: close two others.
    reserved = addable.get_attribute("data-skill")
    picked = []
    for index in range(gaps_before):
        row = gap_rows.nth(index)
        target, own = int(row.get_attribute("data-target")), row.get_attribute("data-self")
        # Rating a skill at the level already recorded is no change (no new row), so a
        # newer, lower manager rating would still count: pick skills rated below target.
        slug = row.get_attribute("data-skill")
        if slug != reserved and (own == "" or int(own) < target):
            picked.append((slug, target))
        if len(picked) == 2:
            break
    assert len(picked) == 2
    check_page(page, "1-my-readiness")

    # --- Self-assessment: rate the two skills at their targets ----------------------------
    page.get_by_role("link", name="Update my self-assessment").click()
    expect(page.get_by_role("heading", name="Self-assessment", level=1)).to_be_visible()
    check_page(page, "2-self-assessment")
    for slug, target in picked:
        block = page.locator(f"#skill-{slug}")
        radio = block.get_by_role("radio", name=re.compile(rf"^{target} · "))
        radio.check()
        expect(radio).to_be_checked()
    page.get_by_role("button", name="Save my self-assessment").click()

    # --- Back on My readiness: the two gaps are gone, readiness rose ---------------------
    expect(page.get_by_text("Your self-assessment is saved")).to_be_visible()
    expect(page.get_by_test_id("gap-count")).to_have_text(str(gaps_before - 2))
    for slug, _target in picked:
        expect(page.get_by_test_id("gaps-table").locator(f'tr[data-skill="{slug}"]')).to_have_count(
            0
        )
        expect(page.get_by_test_id("met-table").locator(f'tr[data-skill="{slug}"]')).to_have_count(
            1
        )
    assert percent(page) > before
    check_page(page, "3-my-readiness-after")

    # --- Add a recommended resource with a known duration to the plan ---------------------
    choice = (
        page.locator(f'#recommended .card[data-skill="{reserved}"] li')
        .filter(has=page.get_by_role("button", name=re.compile("to my plan$")))
        .first
    )
    title = choice.get_by_role("link").first.inner_text()
    choice.get_by_role("button", name=re.compile("to my plan$")).click()
    expect(page.get_by_text(f"“{title}” is now in your learning plan.")).to_be_visible()

    # --- My learning plan: complete it, the bar moves ---------------------------------------
    main = page.locator("#main")  # the page, not the navigation's menus (hidden until opened)
    main.get_by_role("link", name="Learning plan", exact=True).click()
    expect(page.get_by_role("heading", name="My learning plan", level=1)).to_be_visible()
    bar = page.get_by_test_id("plan-progress")
    progress_before = int(bar.get_attribute("aria-valuenow"))
    check_page(page, "4-learning-plan")
    row = page.locator("tr", has=page.get_by_role("link", name=title, exact=True))
    row.get_by_role("button", name=re.compile("^Complete")).click()
    expect(page.get_by_test_id("reassess-prompt")).to_contain_text(title)
    expect(page.get_by_test_id("plan-progress")).not_to_have_attribute(
        "aria-valuenow", str(progress_before)
    )
    assert (
        int(page.get_by_test_id("plan-progress").get_attribute("aria-valuenow")) > progress_before
    )
    check_page(page, "5-learning-plan-completed")

    # --- The reassess link opens the form with those skills highlighted -------------------
    page.get_by_role("link", name=re.compile(r"^Reassess th(is skill|ese skills)$")).click()
    expect(page.get_by_text("Time to reassess.")).to_be_visible()
    expect(page.locator(".skill-highlight").first).to_be_visible()
    check_page(page, "6-reassess")

    # --- History, and the concerns pages ---------------------------------------------------
    main.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_role("heading", name="My level over time")).to_be_visible()
    expect(page.locator("svg.level-chart").first).to_be_visible()
    check_page(page, "7-history")

    main.get_by_role("link", name="My concerns", exact=True).click()
    expect(page.get_by_role("heading", name="My concerns", level=1)).to_be_visible()
    main.get_by_role("link", name="Raise a concern", exact=True).click()
    expect(page.get_by_role("heading", name="Raise a concern")).to_be_visible()
    check_page(page, "8-concern-new")
    page.get_by_label("What is it about?").select_option(label="Data privacy and security")
    page.get_by_label("Your concern").fill("Can customer data end up in prompts we send out?")
    page.get_by_label("Hide my name from my manager").check()
    page.get_by_role("button", name="Raise my concern").click()
    expect(page.get_by_text("Can customer data end up in prompts")).to_be_visible()
    check_page(page, "9-concerns-mine")
