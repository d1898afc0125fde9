"""What "My readiness" shows (and a person's read-only readiness): its content, drawn by Jinja2.

The content (``templates/jinja2/assessments/me_readiness_content.html``, autoescaped) is one
Jinja2 template around the page's loops, its skill rows (``me_skill_rows.html``) and
recommendation cards (``me_recommendations.html``), which it includes; the page itself stays a
Django template (the layout). Forty skills, three tables and the cards: with Django templates
the rows were a third of the page's rendering, the cards two thirds of the rest, and the
content around them (its lookups, filters, ``{% url %}`` tags and a second run of the context
processors for its ``RequestContext``) about as much as the trivial view's whole request
(issue 18). Jinja2 renders the same several times faster.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from assessments.selectors.me_readiness import ReadinessOverview
from assessments.templatetags.employee_tags import hours, level_name
from readiness.models import Person
from readiness.templatetags.layout import navigation_urls
from readiness.templatetags.widths import pct_class

CONTENT_TEMPLATE = "assessments/me_readiness_content.html"


def date(value: dt.datetime | dt.date | None, format_string: str) -> str:
    """``value`` as the Django templates' ``|date:format_string`` writes it: a time in the
    site's time zone; empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return date_filter(value, format_string)


def day(value: dt.datetime | dt.date | None) -> str:
    """ "6 Dec 2026", in the site's time zone, as the Django templates' ``|date:"j M Y"``."""
    return date(value, "j M Y")


def readiness_content(
    overview: ReadinessOverview, *, person: Person, is_self: bool, request: HttpRequest
) -> dict[str, object]:
    """The content template's context. On their own page the person gets the tabs of their
    pages, the "confirm my ratings" form and each resource's "Add to my plan" form (with their
    CSRF token, as ``{% csrf_token %}`` writes it: ``readiness.caching`` keeps it as a
    placeholder); a visitor gets the link to the person's level history."""
    urls = navigation_urls()
    return {
        "overview": overview,
        "person": person,
        "is_self": is_self,
        "tab": "readiness",
        "urls": urls,
        "history_url": "" if is_self else reverse("assessments:person-history", args=[person.pk]),
        # The recommendation cards' own names (me_recommendations.html).
        "recommendations": overview.recommendations,
        "planned": overview.planned,
        "plan_url": urls["assessments:my-plan"] if is_self else "",
        "add_url": urls["assessments:my-plan-add"] if is_self else "",
        "next_url": f"{request.path}#recommended",
        "csrf_token": get_token(request) if is_self else "",
        "level_name": level_name,
        "hours": hours,
        "day": day,
        "date": date,
        "pluralize": pluralize,
        "pct_class": pct_class,
    }
