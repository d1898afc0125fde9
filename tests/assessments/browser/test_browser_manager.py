"""The demo manager in a real Chromium: open the team skill map, change three cells, save and
see the colours and the row readiness change, accept the pending self-ratings, assign a
resource to two members, download the XLSX and check its values. Every page is photographed to
var/screenshots/ and checked with axe-core (no serious or critical violation).

A second test photographs a 50 × 40 grid to check it stays readable (sticky header and first
column, compact cells)."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from assessments.models import LearningPlanItem
from assessments.selectors import people_readiness, skill_states
from readiness.models import Person, Skill, Team
from tests.browser import page_checker, photograph
from tests.orgs import clear_framework

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_content"),
]

PASSWORD = "manager-browser-pass"


check_page = page_checker("manager")


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/teams/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def cell(page: Page, person_id: int, skill_id: int):  # noqa: ANN201
    return page.locator(f'td[data-cell="{person_id}-{skill_id}"]')


def row_readiness(page: Page, person_id: int) -> str:
    return page.locator(f"tr:has(th#p{person_id}) [data-testid=row-readiness]").inner_text()


def test_manager_fills_in_reviews_assigns_and_exports(live_server, page: Page, tmp_path):
    call_command("seed_demo", people=30, password=PASSWORD)
    team = Team.objects.get(managers__username="manager", members__user__username="employee")
    members = Person.objects.filter(team=team, is_active=True)
    assert members.count() >= 6
    employee = members.get(user__username="employee")
    page.set_viewport_size({"width": 1440, "height": 900})

    # --- The team list and the map -----------------------------------------------------------
    sign_in(page, live_server.url, "manager", PASSWORD)
    expect(page.get_by_role("heading", name="My teams", level=1)).to_be_visible()
    check_page(page, "team-list")
    page.get_by_role("link", name=team.name, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Team skill map"))).to_be_visible()
    check_page(page, "map-before")

    # Three of the employee's cells below target: the manager raises them to target.
    gaps = sorted(
        (s for s in skill_states(people=members.filter(pk=employee.pk)) if s.gap > 0),
        key=lambda s: s.skill_id,
    )[:3]
    assert len(gaps) == 3
    for state in gaps:
        expect(cell(page, employee.pk, state.skill_id)).not_to_have_class(re.compile(r"\bhm-ok\b"))
    readiness_before = row_readiness(page, employee.pk)
    assert readiness_before == f"{people_readiness(people=members)[employee.pk].percent}%"

    # --- Fill in: change three cells, save ------------------------------------------------------
    page.get_by_role("link", name="Fill in the map").click()
    expect(
        page.get_by_role("heading", name=re.compile("Fill in the team skill map"))
    ).to_be_visible()
    for state in gaps:
        page.locator(f'select[name="c-{employee.pk}-{state.skill_id}"]').select_option(
            str(state.target)
        )
    expect(page.locator("[data-change-count]")).to_have_text("3 unsaved changes")
    check_page(page, "edit-three-changes")
    page.get_by_role("button", name="Save changes").first.click()

    expect(page.get_by_text("Saved 3 ratings.")).to_be_visible()
    for state in gaps:
        expect(cell(page, employee.pk, state.skill_id)).to_have_class(re.compile(r"\bhm-ok\b"))
    readiness_after = f"{people_readiness(people=members)[employee.pk].percent}%"
    assert readiness_after != readiness_before
    expect(page.locator(f"tr:has(th#p{employee.pk}) [data-testid=row-readiness]")).to_have_text(
        readiness_after
    )
    check_page(page, "map-after-save")

    # --- Review: accept every pending self-rating ---------------------------------------------
    pending = sum(1 for s in skill_states(people=members) if s.awaiting_review)
    assert pending > 0
    page.get_by_role("link", name=re.compile("^Review self-ratings")).click()
    expect(page.get_by_test_id("accept-all")).to_be_visible()
    check_page(page, "review")
    page.get_by_test_id("accept-all").click()
    expect(page.get_by_text(re.compile(r"Recorded \d+ manager ratings?\."))).to_be_visible()
    expect(page.get_by_test_id("no-pending")).to_be_visible()
    assert not any(s.awaiting_review for s in skill_states(people=members))

    # --- Gaps: assign the best resource to two members ------------------------------------------
    page.get_by_role("link", name="Team gaps").click()
    expect(page.get_by_role("heading", name="Skills ranked by total gap")).to_be_visible()
    check_page(page, "gaps")
    first = page.locator("li[data-resource]").first
    resource_id = int(first.get_attribute("data-resource"))
    first.locator("summary").click()
    boxes = first.get_by_role("checkbox")
    # The members it closes a gap for come pre-ticked: start from none, choose two.
    for index in range(boxes.count()):
        boxes.nth(index).uncheck()
    chosen = [int(boxes.nth(i).get_attribute("value")) for i in range(2)]
    boxes.nth(0).check()
    boxes.nth(1).check()
    due = timezone.localdate() + dt.timedelta(days=21)
    first.get_by_label("Due date").fill(due.isoformat())
    check_page(page, "gaps-assign", full_page=False)
    first.get_by_role("button", name=re.compile("^Assign")).click()
    expect(page.get_by_text(re.compile(r"Assigned “.+” to 2 members"))).to_be_visible()
    for person_id in chosen:
        item = LearningPlanItem.objects.get(
            person_id=person_id,
            resource_id=resource_id,
            status__in=["suggested", "planned", "in_progress"],
        )
        assert item.assigned_by.username == "manager"
        assert item.due_date == due

    # --- Export: the XLSX holds the numbers of the screen -------------------------------------
    page.get_by_role("link", name="Skill map").click()
    screen = {
        int(row.get_attribute("id")[1:]): row.locator("xpath=..")
        .locator("[data-testid=row-readiness]")
        .inner_text()
        for row in page.locator("tbody th.hm-person").all()
    }
    with page.expect_download() as download:
        page.get_by_role("link", name="Export XLSX").click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = workbook["Skill map"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    by_email = {p.email: p for p in members.select_related("user")}
    readiness = people_readiness(people=members)
    states = {(s.person_id, s.skill_id): s for s in skill_states(people=members)}
    skill_names = header[3:-2]
    skill_ids = dict(Skill.objects.filter(name__in=skill_names).values_list("name", "id"))
    assert skill_names and len(skill_ids) == len(skill_names)
    member_rows = [r for r in rows if r[1] in by_email]
    assert len(member_rows) == members.count()
    for values in member_rows:
        person = by_email[values[1]]
        expected_percent = readiness[person.pk].percent
        assert values[-2] == expected_percent
        assert screen[person.pk] == f"{expected_percent}%"
        for name, value in zip(skill_names, values[3:-2], strict=True):
            state = states.get((person.pk, skill_ids[name]))
            if state is not None and state.not_assessed:
                assert value is None  # an empty cell, with a note
            else:
                assert value == (None if state is None or state.level is None else state.level)
    employee_row = next(r for r in member_rows if r[1] == employee.email)
    names = {skill_id: name for name, skill_id in skill_ids.items()}
    for state in gaps:
        assert employee_row[header.index(names[state.skill_id])] == state.target

    # --- Ratings to edit: download, change one level, import the file as it is ------------------
    with page.expect_download() as download:
        page.get_by_role("link", name="Ratings to edit (CSV)").click()
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert lines[0] == ["email", "skill", "level"]
    index = next(i for i, line in enumerate(lines) if line[0] == employee.email and line[2])
    _, slug, level = lines[index]
    lines[index][2] = str((int(level) + 1) % 5)
    edited = tmp_path / "ratings.csv"
    with edited.open("w", newline="") as file:
        csv.writer(file).writerows(lines)
    page.get_by_role("link", name="Import").click()
    page.get_by_label("CSV or XLSX file", exact=True).set_input_files(str(edited))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("import-ready")).to_contain_text("1 rating to record")
    expect(page.get_by_test_id("import-preview").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("import-quiet-rows")).not_to_be_visible()  # folded away
    check_page(page, "import-preview", full_page=False)
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_text("Imported 1 manager rating ")).to_be_visible()
    skill = Skill.objects.get(slug=slug)
    now = {(s.person_id, s.skill_id): s for s in skill_states(people=members)}
    assert now[(employee.pk, skill.pk)].manager_level == int(lines[index][2])
    assert sum(now[k] != states[k] for k in states) == 1


def test_a_50_by_40_grid_stays_readable(make_team_org, live_server, page: Page):
    clear_framework(skills=True)
    org = make_team_org(people=50, skills=40, categories=5)
    org.manager.set_password(PASSWORD)
    org.manager.save()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server.url, org.manager.username, PASSWORD)
    page.goto(f"{live_server.url}/teams/{org.team.pk}/")
    expect(page.locator("td.hm")).to_have_count(2000)
    check_page(page, "big-map-top", full_page=False)

    # Scrolled to the far corner, the skill names and the member names are still in view.
    grid = page.locator(".hm-scroll")
    grid.evaluate("el => el.scrollTo(el.scrollWidth, el.scrollHeight)")
    box = grid.bounding_box()
    last_skill = page.locator("th.hm-skill").last.bounding_box()
    last_person = page.locator("tbody th.hm-person").last.bounding_box()
    assert box["y"] <= last_skill["y"] < box["y"] + 250  # header stuck to the top
    assert box["x"] <= last_person["x"] < box["x"] + 20  # names stuck to the left
    page.locator("tbody td.hm").last.hover()
    # axe takes seconds per run on 2,000 cells: the same templates are checked on the demo
    # team above, so the other views of the big grid are only photographed.
    photograph(page, "manager-big-map-scrolled", full_page=False)

    # Keyboard: focus a cell, its detail shows; arrow keys move.
    page.locator("tbody td.hm").first.focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.dataset.cell")
    assert focused == f"{page.locator('tbody td.hm').nth(1).get_attribute('data-cell')}"
    tip = page.locator("tbody td.hm").nth(1).locator(".hm-tip")
    expect(tip).to_be_visible()
    # The detail team_map.js writes from the cell's values: the self rating with its day, in
    # the server's time zone, as the server would have written it.
    cell = page.locator("tbody td.hm").nth(1)
    person_id, skill_id = map(int, cell.get_attribute("data-cell").split("-"))
    state = next(
        s
        for s in skill_states(people=Person.objects.filter(pk=person_id))
        if s.skill_id == skill_id
    )
    day = timezone.localtime(state.self_at)
    expect(tip).to_contain_text(f"self {state.self_level} on {day:%-d %b %Y}")
    photograph(page, "manager-big-map-focus", full_page=False)

    page.goto(f"{live_server.url}/teams/{org.team.pk}/edit/")
    expect(page.locator("td.hm select")).to_have_count(2000)
    photograph(page, "manager-big-editor", full_page=False)


@pytest.mark.parametrize(
    ("people", "upwards"),
    [(8, {0: False, 4: False, 5: True, 7: True}), (3, {0: False, 2: False})],
    ids=["eight-rows", "three-rows"],
)
def test_without_javascript_the_last_rows_tips_open_upwards(
    make_team_org, live_server, browser: Browser, people, upwards
):
    """The map's tips are placed against the window by team_map.js; without it, by the CSS
    alone: under the cell, and above it in the last three rows of a table of more than three
    — by their place in the table, not by a class (a row is drawn and kept a member at a time,
    the same wherever it lands)."""
    org = make_team_org(people=people, skills=3)
    org.manager.set_password(PASSWORD)
    org.manager.save()
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    sign_in(page, live_server.url, org.manager.username, PASSWORD)
    page.goto(f"{live_server.url}/teams/{org.team.pk}/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(people)
    for index, up in upwards.items():
        cell = rows.nth(index).locator("td.hm").first
        cell.hover()
        tip = cell.locator(".hm-tip")
        expect(tip).to_be_visible()
        tip_box, cell_box = tip.bounding_box(), cell.bounding_box()
        if up:
            assert tip_box["y"] + tip_box["height"] <= cell_box["y"] + 1, (index, tip_box)
        else:
            assert tip_box["y"] >= cell_box["y"] + cell_box["height"] - 1, (index, tip_box)
    context.close()
