"""What "My readiness" shows of each skill: its table rows and recommendation cards, drawn by
Jinja2.

Forty skills, three tables: the rows were a third of the page's rendering time with Django
templates (a lookup chain and a localized number per cell). The same loop as a Jinja2 fragment
(``templates/jinja2/assessments/me_skill_rows.html``, autoescaped) renders several times
faster; the page stays a Django template around it (as ``presenters.me`` does for the
self-assessment's rows). The recommendation cards (their links, forms and filters) were two
thirds of what was left of the content's rendering: a Jinja2 fragment too
(``me_recommendations.html``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from assessments.presenters import jinja2_fragment
from assessments.selectors.me_readiness import ReadinessOverview, SkillRow
from assessments.templatetags.employee_tags import hours, level_name

ROWS_TEMPLATE = "assessments/me_skill_rows.html"
RECOMMENDATIONS_TEMPLATE = "assessments/me_recommendations.html"


def day(value: dt.datetime | dt.date | None) -> str:
    """ "6 Dec 2026", in the site's time zone, as the Django templates' ``|date:"j M Y"``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return date_filter(value, "j M Y")


def skill_rows(rows: Iterable[SkillRow], *, show_gap: bool) -> SafeString:
    """The ``<tr>`` rows of a skills table. Every value is escaped by the template."""
    return jinja2_fragment(
        ROWS_TEMPLATE, rows=rows, show_gap=show_gap, level_name=level_name, day=day
    )


def recommendation_cards(
    overview: ReadinessOverview, *, is_self: bool, request: HttpRequest
) -> SafeString:
    """The recommendation cards, a gap a card. On their own page the person gets each
    resource's "Add to my plan" form (with their CSRF token, as ``{% csrf_token %}`` writes it:
    ``readiness.caching`` keeps it as a placeholder) or "In your plan"."""
    if not overview.recommendations:
        return SafeString("")
    return jinja2_fragment(
        RECOMMENDATIONS_TEMPLATE,
        recommendations=overview.recommendations,
        planned=overview.planned,
        is_self=is_self,
        plan_url=reverse("assessments:my-plan") if is_self else "",
        add_url=reverse("assessments:my-plan-add") if is_self else "",
        next_url=f"{request.path}#recommended",
        csrf_token=get_token(request) if is_self else "",
        level_name=level_name,
        hours=hours,
    )


def overview_rows(
    overview: ReadinessOverview, *, is_self: bool, request: HttpRequest
) -> dict[str, SafeString]:
    """The rows of the page's three tables (gaps with the gap, at target, optional) and its
    recommendation cards: the loops of the page, drawn by Jinja2."""
    return {
        "gaps": skill_rows(overview.gaps, show_gap=True),
        "at_target": skill_rows(overview.at_target, show_gap=False),
        "optional": skill_rows(overview.optional, show_gap=False),
        "recommendations": recommendation_cards(overview, is_self=is_self, request=request),
    }
