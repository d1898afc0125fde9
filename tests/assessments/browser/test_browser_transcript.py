"""An employee links their Microsoft Learn transcript in a real Chromium; a sync (the
service, run directly against the local server playing the transcript API) completes the
plan item of a module completed upstream: it shows completed and verified, with its real
date, and the progress bar moved; a certification appears with its expiry."""

import pytest
from playwright.sync_api import Page, expect

from assessments.learning_records.models import TranscriptLink
from assessments.learning_records.services import transcript_sync
from catalog.models import TrainingResource
from tests.assessments.transcript_server import FULL_URL, client_for
from tests.browser import page_checker
from tests.factories import (
    PASSWORD,
    LearningPlanItemFactory,
    PersonFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMBRACE = "learn.wwl.embrace-responsible-ai-principles-practices"
check_page = page_checker("transcript")


def test_employee_links_a_transcript_and_a_sync_verifies_the_plan(
    live_server, page: Page, transcript_server
) -> None:
    base, _ = transcript_server
    person = PersonFactory(user=UserFactory(username="learner"))
    TrainingResource.objects.filter(external_uid=EMBRACE).delete()
    embrace = TrainingResourceFactory(
        title="Embrace responsible AI principles", external_uid=EMBRACE, duration_minutes=60
    )
    other = TrainingResourceFactory(title="Prompt engineering basics", duration_minutes=60)
    LearningPlanItemFactory(person=person, resource=embrace, status="planned")
    LearningPlanItemFactory(person=person, resource=other, status="planned")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/accounts/login/?next=/me/plan/")
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    bar = page.get_by_test_id("plan-progress")
    expect(bar).to_have_attribute("aria-valuenow", "0")

    # --- Link the transcript from the navigation -------------------------------------------
    page.get_by_role("button", name="My readiness").or_(
        page.get_by_role("link", name="My readiness", exact=True)
    ).first.click()
    page.get_by_role("link", name="Verified learning").first.click()
    expect(page.get_by_role("heading", name="Verified learning", level=1)).to_be_visible()
    page.get_by_label("Transcript share link").fill("https://example.com/not-a-transcript")
    page.get_by_role("button", name="Link my transcript").click()
    expect(page.get_by_text("starts with https://learn.microsoft.com/")).to_be_visible()
    page.get_by_label("Transcript share link").fill(FULL_URL)
    page.get_by_role("button", name="Link my transcript").click()
    expect(page.get_by_test_id("transcript-linked")).to_contain_text("full-share")
    check_page(page, "linked")

    # --- The nightly sync runs (here: the service, against the local server) ---------------
    link = TranscriptLink.objects.get(person=person)
    with client_for(base) as client:
        transcript_sync(link_id=link.pk, client=client)

    page.reload()
    expect(page.get_by_test_id("transcript-syncs")).to_contain_text("1 plan item verified")
    expect(page.get_by_test_id("verified-completions")).to_contain_text(
        "Fundamentals of Generative AI"
    )
    certification = (
        page.get_by_test_id("certifications")
        .locator("tr")
        .filter(has_text="Azure AI Engineer Associate")
    )
    expect(certification.get_by_test_id("expires")).to_have_text("16 Jan 2027")  # Paris time
    check_page(page, "synced")

    page.get_by_role("link", name="Learning plan").click()
    row = page.locator("tr[data-status='completed']").filter(has_text="Embrace responsible AI")
    expect(row.get_by_test_id("verified")).to_have_text("Verified by Microsoft Learn")
    expect(row).to_contain_text("14 Oct 2026")
    expect(page.get_by_test_id("plan-progress")).to_have_attribute("aria-valuenow", "50")
    check_page(page, "plan")
