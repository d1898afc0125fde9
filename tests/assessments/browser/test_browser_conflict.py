"""Two managers of one team in a real Chromium: the second saves a stale editor after the first
rated a cell meanwhile, and decides the conflict. "Keep theirs" shows their level in the cell
at once (the cell is no longer counted as changed), "Use mine" puts the manager's level back;
the save then records what the grid shows. The conflict page is photographed to
var/screenshots/ and checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import SkillRating
from tests.browser import page_checker
from tests.factories import SkillRatingFactory, UserFactory
from tests.orgs import clear_framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "conflict-browser-pass"

check_page = page_checker("manager-conflict")


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/teams/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My teams", level=1)).to_be_visible()


def test_a_conflict_decision_shows_in_the_grid_at_once(make_team_org, live_server, page: Page):
    clear_framework(skills=True)
    org = make_team_org(people=2, skills=2)  # every cell of skill 0 has a manager rating
    second = UserFactory(first_name="Sam", last_name="Second")
    second.set_password(PASSWORD)
    second.save()
    org.team.managers.add(second)
    first = org.manager
    person, skill = org.people[0], org.skills[0]
    other_person, other_skill = org.people[1], org.skills[1]
    page.set_viewport_size({"width": 1280, "height": 900})

    # The second manager opens the editor; the first manager then rates a cell at 3.
    sign_in(page, live_server.url, second.username)
    page.goto(f"{live_server.url}/teams/{org.team.pk}/edit/")
    conflicted = page.locator(f'select[name="c-{person.pk}-{skill.pk}"]')
    seen = conflicted.input_value()
    assert seen != "3"
    SkillRatingFactory(person=person, skill=skill, level=3, source="manager", rated_by=first)

    # The second manager changes that cell to 1 and another one to 2, and saves.
    conflicted.select_option("1")
    page.locator(f'select[name="c-{other_person.pk}-{other_skill.pk}"]').select_option("2")
    page.get_by_role("button", name="Save changes").first.click()

    conflicts = page.get_by_test_id("conflicts")
    expect(conflicts).to_be_visible()
    expect(conflicts.get_by_role("heading")).to_have_text(
        "Someone rated a cell you changed after you opened this page"
    )
    cell = conflicted.locator("xpath=..")
    expect(conflicted).to_have_value("1")
    expect(cell).to_have_class(re.compile(r"\bis-changed\b"))
    expect(page.locator("[data-change-count]")).to_have_text("2 unsaved changes")
    check_page(page, "undecided")

    # Keep theirs: the cell shows their 3 at once and no longer counts as a change.
    conflicts.get_by_label("Keep theirs").check()
    expect(conflicted).to_have_value("3")
    expect(cell).not_to_have_class(re.compile(r"\bis-changed\b"))
    expect(page.locator("[data-change-count]")).to_have_text("1 unsaved change")
    check_page(page, "keep-theirs")

    # Use mine: the manager's 1 is back, and counted again.
    conflicts.get_by_label("Use mine").check()
    expect(conflicted).to_have_value("1")
    expect(cell).to_have_class(re.compile(r"\bis-changed\b"))
    expect(page.locator("[data-change-count]")).to_have_text("2 unsaved changes")

    # Once decided, a level picked in the cell itself moves the decision along.
    conflicted.select_option("3")
    expect(conflicts.get_by_label("Keep theirs")).to_be_checked()
    expect(cell).not_to_have_class(re.compile(r"\bis-changed\b"))
    conflicted.select_option("1")
    expect(conflicts.get_by_label("Use mine")).to_be_checked()
    expect(page.locator("[data-change-count]")).to_have_text("2 unsaved changes")

    # Keep theirs again, and save: their rating stays, the other change is recorded.
    conflicts.get_by_label("Keep theirs").check()
    expect(conflicted).to_have_value("3")
    before = SkillRating.objects.count()
    conflicts.get_by_role("button", name="Save with these decisions").click()
    expect(page.get_by_text("Saved 1 rating.")).to_be_visible()
    assert SkillRating.objects.count() == before + 1
    latest = person.ratings.filter(skill=skill, source="manager").order_by("-created_at").first()
    assert (latest.level, latest.rated_by) == (3, first)
    other = other_person.ratings.filter(skill=other_skill, source="manager").first()
    assert (other.level, other.rated_by) == (2, second)
