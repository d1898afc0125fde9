"""The Content-Security-Policy in a real Chromium: pages and the Swagger UI still work.

Styles come only from this site: no page of the app may rely on a ``style=""`` attribute or a
``<style>`` element (Chromium reports each one it refuses in the console), and the progress
bars, which take their width from a ``w-pct-N`` class, still show their percentage."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response, expect

from assessments.models import AssessmentCycle
from catalog.models import ImportRun, ImportSource, ImportStatus
from tests.browser import photograph
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "csp-browser-pass"


def csp_violations(page: Page) -> list[str]:
    """The console's Content-Security-Policy reports of this page, from now on."""
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return violations


def style_src(response: Response | None) -> list[str]:
    """The sources of the served header's style-src directive."""
    assert response is not None
    header = response.headers["content-security-policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )
    return directives["style-src"].split()


def sign_in(page: Page, base: str, username: str, password: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def bars_match_their_values(
    page: Page, bar_selector: str, fill_selector: str, value_of: str = "aria-valuenow"
) -> int:
    """Every bar's fill is as wide as its value says (±1 % of the track, within 1 px);
    waits out Bootstrap's width transition. Returns how many bars were measured."""
    bars = page.locator(bar_selector)
    count = bars.count()
    assert count > 0, f"no {bar_selector} on {page.url}"
    page.wait_for_function(
        """([barSel, fillSel, attr]) => [...document.querySelectorAll(barSel)].every(bar => {
            const fill = bar.querySelector(fillSel);
            const track = bar.getBoundingClientRect().width;
            const want = track * Number(bar.getAttribute(attr)) / 100;
            return track > 0 && Math.abs(fill.getBoundingClientRect().width - want) <= track / 100 + 1;
        })""",
        arg=[bar_selector, fill_selector, value_of],
        timeout=5000,
    )
    return count


def test_the_swagger_ui_and_bootstrap_run_under_the_policy(live_server, page: Page) -> None:
    person = PersonFactory(user__username="csp-reader")
    violations = csp_violations(page)

    page.goto(f"{live_server.url}/accounts/login/?next=/api/docs/")
    page.get_by_label("Username").fill(person.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(re.compile(r"/api/docs/$")) as docs:
        page.get_by_role("button", name="Sign in").click()

    # The UI fetches the schema, which drf-spectacular generates on this first request of the
    # process: seconds on a loaded 2-core machine, so the wait is long (it ends when it shows).
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Readiness API", timeout=60_000
    )
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()  # an operation opens: more of React's DOM
    expect(page.locator(".opblock-body").first).to_be_visible()
    # The Swagger UI page needs no relaxed policy either: its page rules are a static file.
    assert style_src(docs.value) == ["'self'"]
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
    page.goto(f"{live_server.url}/me/")
    # Bootstrap's bundle (a script from 'self') runs: its global is defined.
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert violations == []  # the Swagger UI and the pages broke no rule themselves
    # An injected inline script is refused by the policy.
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content="window.__injected = true;")
    assert page.evaluate("window.__injected === true") is False
    # So is an injected inline style.
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_style_tag(content="body { display: none; }")
    expect(page.locator("main")).to_be_visible()


@pytest.mark.usefixtures("seed_content")
def test_the_pages_with_bars_need_no_inline_style(live_server, page: Page) -> None:
    call_command("seed_demo", people=30, password=DEMO_PASSWORD)
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    violations = csp_violations(page)
    cycle = AssessmentCycle.objects.order_by("-due_on").first()
    admin_user = get_user_model().objects.get(username="admin")
    run = ImportRun.objects.create(
        source=ImportSource.FILE,
        status=ImportStatus.RUNNING,
        file_name="learn.json",
        requested_by=admin_user,
        phase="writing",
        total=200,
        processed=74,
        started_at=timezone.now(),
    )

    # --- the employee: readiness and learning plan ----------------------------------------
    sign_in(page, base, "employee", DEMO_PASSWORD, "/me/plan/")
    expect(page.get_by_test_id("plan-progress")).to_be_visible()
    response = page.goto(f"{base}/me/")
    assert style_src(response) == ["'self'"]
    expect(page.get_by_test_id("readiness-percent")).to_be_visible()
    assert bars_match_their_values(page, '[role="progressbar"]', ".progress-bar") == 1
    photograph(page, "csp-me")
    response = page.goto(f"{base}/me/plan/")
    assert style_src(response) == ["'self'"]
    assert bars_match_their_values(page, '[data-testid="plan-progress"]', ".progress-bar") == 1

    # --- the admin: cycles, dashboard, an import in progress ------------------------------
    sign_in(page, base, "admin", DEMO_PASSWORD, "/cycles/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("cycles")
    response = page.goto(f"{base}/cycles/")
    assert style_src(response) == ["'self'"]
    assert bars_match_their_values(page, '[role="progressbar"]', ".progress-bar") >= 1
    # The completion column keeps its minimum width (a class now).
    assert (
        page.locator("td.min-w-10rem").first.evaluate("td => getComputedStyle(td).minWidth")
        == "160px"
    )

    response = page.goto(f"{base}/cycles/{cycle.pk}/")
    assert style_src(response) == ["'self'"]
    measured = bars_match_their_values(
        page, '[data-testid="team-completion"] [role="progressbar"]', ".progress-bar"
    )
    assert measured >= 2
    heights = page.locator('[data-testid="team-completion"] [role="progressbar"]').first
    assert heights.evaluate("bar => getComputedStyle(bar).height") == "8px"  # .5rem
    photograph(page, "csp-cycle-detail")

    response = page.goto(f"{base}/dashboard/")
    assert style_src(response) == ["'self'"]
    meters = page.locator("td:has(.meter)")
    assert meters.count() >= 1
    # Each department's meter is as wide as the compliance percent printed beside it.
    for row in page.locator("tr:has(.meter)").all():
        shown = row.locator('[data-value="compliance"]').inner_text()
        percent = int(shown.split("%")[0])
        track, fill = (
            row.locator(".meter").bounding_box(),
            row.locator(".meter-fill").bounding_box(),
        )
        assert track and fill
        assert abs(fill["width"] - track["width"] * percent / 100) <= track["width"] / 100 + 1

    response = page.goto(f"{base}/catalog/curate/import/{run.pk}/")
    assert style_src(response) == ["'self'"]
    progress = page.get_by_test_id("progress")
    expect(progress).to_have_attribute("aria-valuenow", "37")
    assert bars_match_their_values(page, '[data-testid="progress"]', ".progress-bar") == 1
    assert progress.evaluate("bar => getComputedStyle(bar).height") == "24px"  # 1.5rem
    # The live script moves the bar by setting element.style.width (CSSOM), which the
    # policy allows: the bar follows the run.
    ImportRun.objects.filter(pk=run.pk).update(processed=150)
    expect(progress).to_have_attribute("aria-valuenow", "75", timeout=10_000)
    assert bars_match_their_values(page, '[data-testid="progress"]', ".progress-bar") == 1

    assert violations == []


@pytest.mark.usefixtures("seed_content")
def test_the_django_admin_runs_under_the_policy(live_server, page: Page) -> None:
    call_command("seed_demo", people=30, password=DEMO_PASSWORD)
    base = live_server.url
    violations = csp_violations(page)
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    person = PersonFactory._meta.model.objects.order_by("pk").first()
    for path in (
        "/admin/",
        "/admin/readiness/person/",
        f"/admin/readiness/person/{person.pk}/change/",
        "/admin/readiness/skill/add/",
        "/admin/auth/user/",
    ):
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        assert style_src(response) == ["'self'"], path
        expect(page.locator("#content")).to_be_visible()
    # The admin's widgets style their boxes from scripts (element.style, allowed): the date
    # picker of a person's start date opens.
    page.goto(f"{base}/admin/readiness/person/{person.pk}/change/")
    page.locator("span.date-icon").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    assert violations == []
