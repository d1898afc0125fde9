"""A confirmation never undoes a manager, in a real Chromium: the manager adjusts a member's
level on the review page; the member then says "Nothing changed — confirm my ratings". The
manager's level still counts, the member's readiness is unchanged, and the manager's review
queue is unchanged. Pages are photographed to var/screenshots/ and checked with axe-core."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import AssessmentSubmission
from assessments.selectors import person_skill_states
from tests.browser import page_checker
from tests.factories import SkillRatingFactory
from tests.orgs import clear_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "confirm-browser-pass"

check_page = page_checker("confirm")


def sign_in(page: Page, base: str, user, next_url: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def queue(page: Page) -> list[str]:
    rows = page.locator("tr[data-pending]")
    return sorted(rows.nth(i).get_attribute("data-pending") for i in range(rows.count()))


def test_a_confirmation_keeps_the_managers_adjustment(make_team_org, live_server, page: Page):
    clear_framework(skills=True)
    org = make_team_org(people=2, skills=2, target=3, rated=False)
    ann, bob = org.people
    adjusted, accepted = org.skills
    for user in (org.manager, ann.user):
        user.set_password(PASSWORD)
        user.save()
    earlier = timezone.now() - dt.timedelta(days=10)
    for skill in org.skills:
        SkillRatingFactory(person=ann, skill=skill, level=3, created_at=earlier)
    SkillRatingFactory(person=bob, skill=adjusted, level=2, created_at=earlier)  # stays queued
    review = f"/teams/{org.team.pk}/review/"
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- The manager adjusts Ann's first skill 3 → 2 and accepts her second ----------------
    sign_in(page, live_server.url, org.manager, review)
    expect(page.get_by_role("heading", name=ann.display_name, level=2)).to_be_visible()
    check_page(page, "1-review")
    row = page.locator(f'tr[data-pending="{ann.pk}-{adjusted.pk}"]')
    row.get_by_role("combobox").select_option("2")
    row.get_by_role("button", name="Adjust").click()
    expect(page.get_by_text("Recorded 1 manager rating.")).to_be_visible()
    page.locator(f'tr[data-pending="{ann.pk}-{accepted.pk}"]').get_by_role(
        "button", name="Accept 3"
    ).click()
    expect(page.get_by_text("Recorded 1 manager rating.")).to_be_visible()
    queue_before = queue(page)
    assert queue_before == [f"{bob.pk}-{adjusted.pk}"]

    # --- Ann: readiness counts the manager's 2; she confirms "nothing changed" -------------
    sign_in(page, live_server.url, ann.user, "/me/")
    expect(page.get_by_role("heading", name="My readiness", level=1)).to_be_visible()
    readiness = page.get_by_test_id("readiness-percent")
    expect(readiness).to_have_text("50%")  # one of two skills at target 3
    page.goto(f"{live_server.url}/me/assessment/")
    check_page(page, "2-self-assessment")
    page.get_by_role("button", name="Nothing changed — confirm my ratings").click()
    expect(page.get_by_text("your ratings are confirmed")).to_be_visible()
    expect(page.get_by_test_id("readiness-percent")).to_have_text("50%")
    check_page(page, "3-my-readiness-after-confirming")
    assert AssessmentSubmission.objects.filter(person=ann, kind="quick_review").count() == 1
    state = person_skill_states(person=ann)[adjusted.pk]
    assert (state.level, state.self_level, state.awaiting_review) == (2, 3, False)

    # --- The manager's queue is as it was ---------------------------------------------------
    sign_in(page, live_server.url, org.manager, review)
    expect(page.get_by_role("heading", name=bob.display_name, level=2)).to_be_visible()
    assert queue(page) == queue_before
    expect(page.get_by_role("heading", name=ann.display_name, level=2)).to_have_count(0)
