"""The self-assessment at a large framework in a real Chromium (issue 18), with the keyboard
only: rate two skills with the arrow keys, open "Add a note", write a note and an evidence link,
watch the unsaved counter and the category's count, save with Enter. At 1366 x 900 at least six
skills fit on a screen; axe-core finds no violation. Photographed to var/screenshots/."""

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import SkillRating
from assessments.selectors import person_skill_states
from bench.framework164 import build_framework
from readiness.models import Skill
from tests.browser import SHOTS, photograph, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "self-assessment-browser-pass"


def sign_in(page: Page, base: str, skills: int):  # noqa: ANN201
    user = build_framework(skills=skills, username=f"assessor{skills}")
    user.set_password(PASSWORD)
    user.save()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/accounts/login/?next=/me/assessment/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Self-assessment", level=1)).to_be_visible()
    return user


def rows_on_screen(page: Page) -> int:
    """Skill rows wholly inside the viewport, the sticky save bar's height excluded."""
    return page.evaluate(
        """() => {
          const bar = document.querySelector('.save-bar').getBoundingClientRect();
          return [...document.querySelectorAll('fieldset.sk')].filter((row) => {
            const box = row.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= bar.top;
          }).length;
        }"""
    )


def test_rating_with_the_keyboard_only_counts_unsaved_changes(live_server, page: Page):
    user = sign_in(page, live_server.url, skills=16)
    person = user.person
    rows = page.locator("fieldset.sk")
    expect(rows).to_have_count(16)
    first, second = rows.nth(0), rows.nth(1)
    slugs = [row.get_attribute("id").removeprefix("skill-") for row in (first, second)]
    photograph(page, "self-assessment-16-skills", full_page=False)
    first.evaluate("row => row.scrollIntoView({block: 'start', behavior: 'instant'})")
    assert rows_on_screen(page) >= 6

    # The first skill was rated 1 before: its level's descriptor shows; the others wait.
    checked = first.get_by_role("radio", name=re.compile(r"^1 · Foundational"))
    expect(checked).to_be_checked()
    expect(first.get_by_text(re.compile("^Knows what"))).to_be_visible()
    expect(first.get_by_text(re.compile("^Leads "))).to_be_hidden()

    # Keyboard only: focus the chosen level (as Tab does), arrow right to 2.
    checked.focus()
    page.keyboard.press("ArrowRight")
    expect(first.get_by_role("radio", name=re.compile(r"^2 · Practitioner"))).to_be_checked()
    expect(first.get_by_text(re.compile("^Applies "))).to_be_visible()
    counter = page.get_by_test_id("unsaved")
    expect(counter).to_have_text("1 unsaved change")

    # Tab to the switch, then to "Add a note": Enter opens it; Tab into the note and the link.
    page.keyboard.press("Tab")
    expect(first.get_by_role("switch")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    note = first.get_by_label("Note")
    expect(note).to_be_visible()
    page.keyboard.press("Tab")
    expect(note).to_be_focused()
    page.keyboard.type("Led the retention review this spring.")
    page.keyboard.press("Tab")
    page.keyboard.type("https://example.com/retention-review")
    expect(counter).to_have_text("1 unsaved change")  # still one skill changed

    # Tab on to the next skill (rated 1 before): Tab lands on its level, the arrows move it.
    page.keyboard.press("Tab")
    expect(second.get_by_role("radio", name=re.compile(r"^1 · "))).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(second.get_by_role("radio", name=re.compile(r"^3 · "))).to_be_checked()
    expect(counter).to_have_text("2 unsaved changes")
    category = page.locator("details.cat").first
    expect(category.locator("[data-changed]")).to_have_text("2")

    photograph(page, "self-assessment-keyboard", full_page=False)
    violations = serious_violations(page)
    assert not violations, "\n".join(violations)

    # Back to the evidence link (Shift+Tab) and Enter: the form is saved.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your self-assessment is saved: 2 skills recorded.")).to_be_visible()
    states = person_skill_states(person=person)
    skills = [Skill.objects.get(slug=slug).pk for slug in slugs]
    assert states[skills[0]].self_level == 2 and states[skills[1]].self_level == 3
    latest = SkillRating.objects.filter(person=person, skill_id=skills[0]).first()
    assert latest.note == "Led the retention review this spring."
    assert latest.evidence_url == "https://example.com/retention-review"


def test_at_164_skills_six_or_more_fit_on_a_screen(live_server, page: Page):
    sign_in(page, live_server.url, skills=164)
    expect(page.locator("fieldset.sk")).to_have_count(164)
    photograph(page, "self-assessment-164-skills", full_page=False)
    page.locator("fieldset.sk").nth(20).evaluate(
        "row => row.scrollIntoView({block: 'start', behavior: 'instant'})"
    )
    assert rows_on_screen(page) >= 6
    photograph(page, "self-assessment-164-skills-scrolled", full_page=False)
    assert (SHOTS / "self-assessment-164-skills.png").exists()
