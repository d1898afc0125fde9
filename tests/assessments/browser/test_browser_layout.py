"""Layout a new user can read, in a real Chromium on the demo organization:

- no word is split in the middle (buttons, table headers, names) at desktop, tablet and phone
  widths; only long unbroken user text (URLs, e-mail addresses) may break, where it would
  overflow;
- the team map keeps its footer rows (required of, at target, mean gap, interested) in view at
  the bottom of its scroll box, its rotated skill names inside their own columns, and links
  each member's name to their page.

Pages are photographed to var/screenshots/ and checked with axe-core."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from catalog.models import TrainingResource
from readiness.models import Person, Team
from tests.browser import page_checker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_content"),
]

PASSWORD = "layout-browser-pass"
check_page = page_checker("layout")

#: Words (split at spaces and hyphens, where a line may break) whose text covers more than one
#: line box: a word broken in the middle. Words over 30 characters (URLs, addresses) may break.
SPLIT_WORDS_JS = r"""
() => {
  const split = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest(".visually-hidden, script, style, select, textarea")) continue;
    if (!el.getClientRects().length) continue;
    const words = /[^\s\-\u2010-\u2014]+/g;
    let m;
    while ((m = words.exec(node.data))) {
      if (m[0].length > 30) continue;
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const boxes = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      if (boxes.length > 1) split.push(`${m[0]} in <${el.tagName.toLowerCase()} class="${el.className}">`);
    }
  }
  return split;
}
"""


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


def test_no_word_is_split_in_the_middle_on_the_main_pages(live_server, page: Page):
    call_command("seed_demo", people=30, password=PASSWORD)
    team = Team.objects.get(managers__username="manager", members__user__username="employee")
    paths = [
        reverse("assessments:team-detail", args=[team.pk]),
        reverse("assessments:team-review", args=[team.pk]),
        reverse("assessments:team-gaps", args=[team.pk]),
        reverse("assessments:team-edit", args=[team.pk]),
        reverse("assessments:my-readiness"),
        reverse("assessments:my-plan"),
        reverse("assessments:my-history"),
        reverse("catalog:list"),
        reverse("assessments:dashboard"),
    ]
    sign_in(page, live_server.url, "manager")
    # The pages this change touched, through axe-core too: the catalog and a resource's page
    # with "Add to my plan", a member's page (linked from the map), the product's 404.
    resource = TrainingResource.objects.filter(is_active=True, skill_links__isnull=False).first()
    member = Person.objects.filter(team=team, is_active=True).exclude(user__username="manager")
    for name, path in [
        ("catalog", reverse("catalog:list")),
        ("resource", resource.get_absolute_url()),
        ("member", reverse("assessments:person-detail", args=[member.first().pk])),
        ("not-found", "/teams/999999/"),
    ]:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(live_server.url + path)
        check_page(page, name)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    for width in (1440, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(live_server.url + path)
            assert page.evaluate(SPLIT_WORDS_JS) == [], f"{path} at {width}px"
    page.context.clear_cookies()

    # An audited change whose label is one long unbroken string (a pasted address).
    resource.title = "https://learn.example.com/" + "a" * 160
    resource.save()
    sign_in(page, live_server.url, "admin")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + reverse("audit:list"))
        expect(page.get_by_text(resource.title).first).to_be_visible()
        if width == 1440:
            check_page(page, "audit")
            # The long string breaks inside its cell instead of widening the table.
            assert page.locator(".table-responsive").evaluate(
                "el => el.scrollWidth <= el.clientWidth"
            )
        assert page.evaluate(SPLIT_WORDS_JS) == [], f"/audit/ at {width}px"
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def assert_on_top(page: Page, selector: str) -> None:
    """The element is what the user sees at its centre (not hidden under or outside a box)."""
    shown = page.locator(selector).evaluate("""el => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit !== null && el.contains(hit);
    }""")
    assert shown, f"{selector} is not visible"


def test_the_team_map_shows_its_footer_keeps_skill_names_apart_and_links_members(
    live_server,
    page: Page,
):
    call_command("seed_demo", people=30, password=PASSWORD)
    team = Team.objects.get(managers__username="manager", members__user__username="employee")
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server.url, "manager")
    page.goto(live_server.url + reverse("assessments:team-detail", args=[team.pk]))

    grid = page.locator(".hm-scroll")
    # (Bootstrap scrolls smoothly: "instant" makes the positions final at once.)
    grid.evaluate("el => el.scrollIntoView({block: 'end', behavior: 'instant'})")
    assert grid.evaluate("el => el.scrollHeight > el.clientHeight"), "the demo map must scroll"
    box = grid.bounding_box()
    for label in ("Required of", "At target", "Mean gap", "Wants to grow"):
        row = page.locator("tfoot th", has_text=label).bounding_box()
        assert box["y"] <= row["y"] and row["y"] + row["height"] <= box["y"] + box["height"], label
        assert_on_top(page, f"tfoot th:has-text('{label}')")
    check_page(page, "team-map-footer", full_page=False)

    # Scrolled to the middle of the members, the footer is still there.
    grid.evaluate(
        "el => el.scrollTo({top: (el.scrollHeight - el.clientHeight) / 2, behavior: 'instant'})"
    )
    assert_on_top(page, "tfoot th:has-text('Wants to grow')")

    # Each rotated skill name stays inside its own column.
    overlaps = page.locator("th.hm-skill").evaluate_all("""ths => ths.flatMap(th => {
        const cell = th.getBoundingClientRect(), label = th.firstElementChild.getBoundingClientRect();
        return label.left >= cell.left - 0.5 && label.right <= cell.right + 0.5 ? [] : [th.innerText];
    })""")
    assert overlaps == []

    # Member names lead to each person's page.
    member = (
        Person.objects.filter(team=team, is_active=True)
        .exclude(user__username="manager")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    link = page.locator(f"th#p{member.pk} a")
    expect(link).to_have_attribute("href", reverse("assessments:person-detail", args=[member.pk]))
    link.click()
    expect(page).to_have_url(re.compile(rf"/people/{member.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(member.display_name)
