"""The demo leader in a real Chromium: create a readiness plan with two goals, triage the
concern the demo employee raises (who then reads the response), open the dashboard and the
printable report. Every page is photographed to var/screenshots/ and checked with axe-core."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import ReadinessSnapshot
from assessments.snapshots import snapshots_write
from readiness.models import Concern, PlanGoal, ReadinessPlan, Skill
from tests.browser import page_checker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_content"),
]

PASSWORD = "leadership-browser-pass"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


check_page = page_checker("leadership")


def sign_in(page: Page, base: str, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def history_of_snapshots() -> None:
    """Nightly snapshots of the last weeks: yesterday's written by the snapshot service, the
    earlier ones the same rows with fewer people at target, so that the trends rise."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    snapshots_write(date=yesterday)
    rows = list(ReadinessSnapshot.objects.filter(date=yesterday))
    for weeks, share in ((8, 0.55), (6, 0.65), (4, 0.75), (2, 0.9)):
        ReadinessSnapshot.objects.bulk_create(
            ReadinessSnapshot(
                date=yesterday - dt.timedelta(weeks=weeks),
                team=row.team,
                audience=row.audience,
                skill=row.skill,
                people_in_scope=row.people_in_scope,
                people_at_target=int(row.people_at_target * share),
                pairs_in_scope=row.pairs_in_scope,
                pairs_at_target=int(row.pairs_at_target * share),
                mean_gap=row.mean_gap * (2 - share),
                people_assessed_within_cadence=int(row.people_assessed_within_cadence * share),
            )
            for row in rows
        )


def test_leader_plans_triages_a_concern_and_reads_the_dashboard(live_server, page: Page):
    call_command("seed_demo", people=30, password=PASSWORD)
    history_of_snapshots()
    base = live_server.url
    today = timezone.localdate()
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- lead creates a plan ---------------------------------------------------------------
    sign_in(page, base, "lead", "/plans/")
    expect(page.get_by_role("heading", name="Readiness plans", level=1)).to_be_visible()
    check_page(page, "plan-list")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Name").fill("Copilot for customer service")
    page.get_by_label("Business scenario").fill(
        "Agents answer customers faster with an AI assistant, and check every answer."
    )
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("Target date").fill((today + dt.timedelta(days=180)).isoformat())
    page.get_by_label("Status").select_option("active")
    check_page(page, "plan-create")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Now set its goals")).to_be_visible()
    plan = ReadinessPlan.objects.get(name="Copilot for customer service")

    # --- two goals -------------------------------------------------------------------------
    for audience, skill, share, days in (
        ("Tech specialists", "Prompt engineering", "70", 120),
        ("End users", "", "60", 180),
    ):
        page.get_by_role("link", name="Add a goal").click()
        page.get_by_label("Audience").select_option(label=audience)
        if skill:
            category = Skill.objects.get(name=skill).category.name
            page.get_by_label("Skill").select_option(label=f"{skill} ({category})")
        page.get_by_label("Target share (%)").fill(share)
        page.get_by_label("Due date").fill((today + dt.timedelta(days=days)).isoformat())
        if skill:
            check_page(page, "goal-form")
        page.get_by_role("button", name="Save the goal").click()
        expect(page.get_by_text("Goal added.")).to_be_visible()
    assert PlanGoal.objects.filter(plan=plan).count() == 2
    goals = page.get_by_test_id("goals")
    expect(goals.locator("article")).to_have_count(2)
    expect(
        goals.get_by_role(
            "heading",
            name=re.compile("^70% of Tech specialists at target on Prompt engineering by"),
        )
    ).to_be_visible()
    expect(goals.get_by_test_id("goal-current").first).to_have_text(re.compile(r"^\d+%$"))

    # --- the employee raises a concern -----------------------------------------------------
    sign_in(page, base, "employee", "/concerns/new/")
    page.get_by_label("What is it about?").select_option("job_impact")
    page.get_by_label("Your concern").fill("Will the assistant replace first-line agents?")
    page.get_by_label("What happens if it is not addressed? (optional)").fill(
        "People start looking elsewhere."
    )
    page.get_by_role("button", name="Raise my concern").click()
    expect(page.get_by_text("Thank you: your concern is in the register")).to_be_visible()
    concern = Concern.objects.get(text="Will the assistant replace first-line agents?")
    assert concern.plan == plan

    # --- lead triages it -------------------------------------------------------------------
    sign_in(page, base, "lead", f"/plans/{plan.pk}/")
    register = page.get_by_test_id("concerns")
    row = register.locator(f'tr[data-concern="{concern.pk}"]')
    expect(row).to_contain_text("Ethan Kim")  # leadership sees who raised it
    check_page(page, "plan-detail")
    row.get_by_role("link", name=re.compile("^Triage")).click()
    expect(page.get_by_text("Will the assistant replace first-line agents?")).to_be_visible()
    page.get_by_label("Status").select_option("addressed")
    page.get_by_label("Owner").select_option(label="Leila Haddad")
    page.get_by_label("Area that can address it").select_option("hr")
    page.get_by_label("Response").fill(
        "No: agents handle the cases the assistant cannot, and we train everyone for it."
    )
    check_page(page, "concern-triage")
    page.get_by_role("button", name="Save the triage").click()
    expect(page.get_by_text("Concern triaged.")).to_be_visible()
    expect(
        page.get_by_test_id("concerns").locator(f'tr[data-concern="{concern.pk}"]')
    ).to_contain_text("Addressed")

    # --- the employee reads the response ---------------------------------------------------
    sign_in(page, base, "employee", "/concerns/mine/")
    mine = page.get_by_test_id("concern").filter(has_text="first-line agents")
    expect(mine).to_contain_text("Addressed")
    expect(mine).to_contain_text("No: agents handle the cases the assistant cannot")
    check_page(page, "employee-concerns")
    # ... and nothing else of the plan: its pages are for leadership and its owner.
    assert page.goto(f"{base}/plans/{plan.pk}/").status == 403
    assert page.goto(f"{base}/dashboard/").status == 403

    # --- lead reads the dashboard and the report -------------------------------------------
    sign_in(page, base, "lead", "/dashboard/")
    expect(page.get_by_role("heading", name="Organization readiness", level=1)).to_be_visible()
    expect(page.get_by_test_id("kpi-readiness")).to_have_text(re.compile(r"^\d+%$"))
    expect(page.get_by_text(re.compile(r"Nightly snapshots from"))).to_be_visible()
    expect(page.locator('svg[data-chart="chart-trend"] polyline')).to_have_count(3)
    check_page(page, "dashboard")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download tables (XLSX)").click()
    assert download.value.suggested_filename.startswith("readiness-dashboard-")

    page.goto(f"{base}/plans/{plan.pk}/report/")
    expect(page.get_by_role("heading", name="Copilot for customer service")).to_be_visible()
    expect(page.get_by_text("No: agents handle the cases the assistant cannot")).to_be_visible()
    check_page(page, "report")
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "leadership-report-print.png"), full_page=True)
    page.pdf(path=str(SHOTS / "leadership-report.pdf"), format="A4", print_background=True)
    assert (SHOTS / "leadership-report.pdf").stat().st_size > 10_000
