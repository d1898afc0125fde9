"""``page_around``: a page's content put in its layout once, as the layout's own rendering of
it would have put it."""

from __future__ import annotations

import re

import pytest
from django.shortcuts import render
from django.utils.safestring import mark_safe

from readiness import fragments
from readiness.fragments import PageContent, page_around

#: The navigation's sign-out form carries a CSRF token masked anew at each rendering.
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.mark.parametrize("content", ["", "<p>x</p>", "<div>é – ✓ −2</div>\n" * 1000])
def test_the_page_is_the_layouts_rendering_with_the_content(rf, admin_user, content):
    request = rf.get("/teams/1/")
    request.user = admin_user
    team = {"name": "<b>Team</b> & co", "pk": 1}
    built = page_around(
        request,
        "assessments/team_detail.html",
        {"team": team},
        content=PageContent(content.encode()),
    )
    expected = render(
        request, "assessments/team_detail.html", {"team": team, "content": mark_safe(content)}
    )
    assert TOKEN.sub(b"", built.content) == TOKEN.sub(b"", expected.content)
    assert built["Content-Type"] == expected["Content-Type"]
    assert built.content.count(content.encode()) >= 1


def test_a_layout_without_the_content_is_refused(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    with pytest.raises(ValueError, match="must show its content exactly once"):
        page_around(request, "403.html", {}, content=PageContent(b"<p>lost</p>"))


def test_a_layout_showing_the_content_twice_is_refused(rf, admin_user, monkeypatch):
    """The second slot would be written out as it is (a NUL and the process's secret)."""
    request = rf.get("/")
    request.user = admin_user
    twice = lambda name, context, request: f"{context['content']}<hr>{context['content']}"  # noqa: E731
    monkeypatch.setattr(fragments, "render_to_string", twice)
    with pytest.raises(ValueError, match="must show its content exactly once"):
        page_around(request, "any.html", {}, content=PageContent(b"<p>twice</p>"))


def test_the_content_is_the_templates_rendering_encoded_a_piece_at_a_time():
    """``jinja2_page_content`` encodes the template's output piece by piece: the bytes are the
    whole rendering's, ASCII pieces beside pieces with wider characters (the legend's check
    mark and minus sign, a name's accents and quotes, escaped)."""
    from django.template import engines

    from assessments.presenters.teams import LEGEND

    legend = [*LEGEND, ("hm-x", "<é>", "“–”", "Zoë & co")]
    levels = [(0, "None"), (1, "Aware — “basic”")]
    template = engines["jinja2"].get_template("assessments/team_legend.html").template
    expected = template.render(legend=legend, levels=levels)
    assert "✓" in expected and "&lt;é&gt;" in expected and not expected.isascii()
    content = fragments.jinja2_page_content(
        "assessments/team_legend.html", legend=legend, levels=levels
    )
    assert content == expected.encode("utf-8")
