"""style-src without 'unsafe-inline': the app's pages carry no inline style to be refused.

The browser test (test_browser_csp.py) shows what Chromium does with the policy; these fast
checks keep inline styles out of the templates and the served pages on every run."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from assessments.models import AssessmentCycle
from catalog.models import ImportRun, ImportSource, ImportStatus

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Emails are not served with the policy, and mail clients need inline styles.
EMAILS = TEMPLATES / "emails"
INLINE_STYLE = re.compile(r"""<style[\s>]|\sstyle\s*=\s*["']""", re.IGNORECASE)
TEMPLATE_SYNTAX = re.compile(r"{% comment %}.*?{% endcomment %}|{%.*?%}|{#.*?#}", re.DOTALL)
PASSWORD = "csp-styles-pass"


def style_src(response) -> list[str]:  # noqa: ANN001
    header = response["Content-Security-Policy"]
    for directive in header.split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name == "style-src":
            return sources.split()
    raise AssertionError(f"no style-src in {header!r}")


def test_the_policy_allows_styles_from_this_site_only() -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["style-src"] == ["'self'"]
    assert not any("unsafe" in source for source in directives["style-src"])


def test_the_readme_describes_the_style_policy_the_header_sends() -> None:
    """Issue 15: the README said style-src allowed 'unsafe-inline' when the header did not."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| Content-Security-Policy"))
    claims = row[row.index("`style-src") :]
    assert "`style-src 'self'` without `'unsafe-inline'`" in claims
    assert "allows `'unsafe-inline'`" not in claims


def test_no_template_served_to_a_browser_has_an_inline_style() -> None:
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group()!r}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if EMAILS not in path.parents
        # Template tags and comments are not markup (``{% include … with style="btn-…" %}``).
        for match in INLINE_STYLE.finditer(TEMPLATE_SYNTAX.sub("", path.read_text()))
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.usefixtures("seed_content")
def test_the_pages_with_bars_are_served_without_inline_style() -> None:
    call_command("seed_demo", people=30, password=PASSWORD, verbosity=0)
    admin = get_user_model().objects.get(username="admin")
    run = ImportRun.objects.create(
        source=ImportSource.FILE,
        status=ImportStatus.RUNNING,
        file_name="learn.json",
        requested_by=admin,
        phase="writing",
        total=200,
        processed=74,
        started_at=timezone.now(),
    )
    cycle = AssessmentCycle.objects.order_by("-due_on").first()
    employee, leader = Client(), Client()
    employee.force_login(get_user_model().objects.get(username="employee"))
    leader.force_login(admin)
    pages = [
        (employee, "/me/", "w-pct-"),
        (employee, "/me/plan/", "w-pct-"),
        (leader, "/cycles/", "w-pct-"),
        (leader, f"/cycles/{cycle.pk}/", "w-pct-"),
        (leader, "/cycles/new/", "cycle-form"),
        (leader, "/dashboard/", "meter-fill w-pct-"),
        (leader, f"/catalog/curate/import/{run.pk}/", "w-pct-37"),
        (leader, "/api/docs/", "swagger-ui-page.css"),
        (leader, "/admin/", "site-name"),
    ]
    for client, url, marker in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert style_src(response) == ["'self'"], url
        body = response.content.decode()
        assert marker in body, url  # the page shows what the check is about
        assert not INLINE_STYLE.search(body), (url, INLINE_STYLE.search(body))
