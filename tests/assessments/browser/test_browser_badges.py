"""An employee adds Open Badges in a real Chromium: a baked PNG (OB 2.0, hosted by a local
issuer) is verified and mapped by a curator's rule, so the plan item of its resource shows
completed, "Verified by Open Badge", and the progress bar moves; a pasted OB 3.0 JWT mapped
to a certification makes the certification appear with its expiry; a badge of someone else
is refused at the field."""

import json

import pytest
from playwright.sync_api import Page, expect

from assessments.learning_records.models import BadgeRule
from catalog.models import Certification
from tests.assessments.badge_issuer import bake_png
from tests.browser import page_checker
from tests.factories import (
    PASSWORD,
    LearningPlanItemFactory,
    PersonFactory,
    ProviderFactory,
    TrainingResourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
check_page = page_checker("badges")
EMAIL = "learner@example.com"


def test_employee_uploads_a_baked_badge_and_the_plan_item_completes(
    live_server, page: Page, badge_issuer, tmp_path
) -> None:
    person = PersonFactory(user=UserFactory(username="learner", email=EMAIL))
    prompting = TrainingResourceFactory(title="Prompt engineering basics", duration_minutes=60)
    other = TrainingResourceFactory(title="Responsible AI", duration_minutes=60)
    LearningPlanItemFactory(person=person, resource=prompting, status="planned")
    LearningPlanItemFactory(person=person, resource=other, status="planned")
    BadgeRule.objects.create(
        issuer_id=badge_issuer.url("/issuer"),
        badge_class_id=badge_issuer.badge_class("prompting"),
        badge_name="Prompt Engineering Basics",
        resource=prompting,
    )
    agent_builder = Certification.objects.create(
        name="AI Agent Builder", provider=ProviderFactory(), validity_months=12
    )
    BadgeRule.objects.create(
        issuer_id=badge_issuer.url("/issuer"),
        badge_class_id=badge_issuer.url("/achievements/agents"),
        certification=agent_builder,
    )
    baked = tmp_path / "prompting-badge.png"
    baked.write_bytes(bake_png(json.dumps(badge_issuer.ob2_hosted(EMAIL))))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/accounts/login/?next=/me/plan/")
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("plan-progress")).to_have_attribute("aria-valuenow", "0")

    # --- From the navigation to "Add an Open Badge" -----------------------------------------
    page.get_by_role("button", name="My readiness").or_(
        page.get_by_role("link", name="My readiness", exact=True)
    ).first.click()
    page.get_by_role("link", name="Verified learning").first.click()
    page.get_by_text("Add an Open Badge").click()

    # Someone else's badge: refused at the field, nothing recorded.
    others = badge_issuer.ob3_jwt(badge_issuer.ob3_credential("someone.else@example.com"))
    page.get_by_label("…or paste its JSON or JWT").fill(others)
    page.get_by_role("button", name="Verify and add this badge").click()
    expect(page.get_by_text("This badge was issued to someone else")).to_be_visible()
    expect(page.get_by_test_id("badges")).to_have_count(0)

    # The baked PNG: verified with its issuer, mapped by the curator's rule.
    page.get_by_label("…or paste its JSON or JWT").fill("")
    page.get_by_label("Badge file").set_input_files(str(baked))
    page.get_by_role("button", name="Verify and add this badge").click()
    expect(page.get_by_text("is verified and counted")).to_be_visible()
    row = page.get_by_test_id("badges").locator("tr").filter(has_text="Prompt Engineering Basics")
    expect(row.get_by_test_id("badge-status")).to_have_text("Mapped")
    expect(row).to_contain_text("Counts as completing “Prompt engineering basics”")
    expect(row).to_contain_text("verified (hosted by the issuer)")

    # An OB 3.0 credential pasted as its JWT, signed with the key its issuer publishes (a key
    # inside the credential proves no issuer: no rule counts such a badge): the certification
    # appears with its expiry.
    token = badge_issuer.ob3_jwt(
        badge_issuer.ob3_credential(EMAIL, valid_until="2027-03-31T12:00:00Z"),
        key_in_header=False,
    )
    page.get_by_text("Add an Open Badge").click()
    page.get_by_label("…or paste its JSON or JWT").fill(token)
    page.get_by_role("button", name="Verify and add this badge").click()
    expect(page.get_by_text("is verified and counted")).to_be_visible()
    certification = (
        page.get_by_test_id("certifications").locator("tr").filter(has_text="AI Agent Builder")
    )
    expect(certification).to_contain_text("Open Badge (verified)")
    expect(certification.get_by_test_id("expires")).to_have_text("31 Mar 2027")
    check_page(page, "verified")

    page.get_by_role("link", name="Learning plan").click()
    item = page.locator("tr[data-status='completed']").filter(has_text="Prompt engineering basics")
    expect(item.get_by_test_id("verified")).to_have_text("Verified by Open Badge")
    expect(page.get_by_test_id("plan-progress")).to_have_attribute("aria-valuenow", "50")
    check_page(page, "plan")


def test_a_paste_larger_than_djangos_form_limit_is_refused_at_its_field(
    live_server, page: Page
) -> None:
    """3 MB pasted: past Django's 2.5 MB of form fields (the CSRF check reads them first),
    the page answers with the field's own message, and nothing is recorded."""
    PersonFactory(user=UserFactory(username="learner", email=EMAIL))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/me/learning/")
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Add an Open Badge").click()
    page.get_by_label("…or paste its JSON or JWT").fill("x" * 3_000_000)
    page.get_by_role("button", name="Verify and add this badge").click()
    message = "This badge is too large: at most 2048 KB (this one is 2930 KB)."
    expect(page.get_by_text(message)).to_be_visible()
    field = page.get_by_label("…or paste its JSON or JWT")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.scroll_into_view_if_needed()
    check_page(page, "paste-too-large", full_page=False)
    expect(page.get_by_test_id("badges")).to_have_count(0)
