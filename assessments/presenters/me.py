"""What the self-assessment page shows: its skill rows, drawn by Jinja2.

At 164 skills the rows are the page: five level options with their descriptors, the interest
switch, the note and evidence fields, a thousand-odd values a page. Django templates took
about as long for that loop as the rest of the request; Jinja2 renders the same loop several
times faster (measured by ``bench.selfassess``), so the rows are a Jinja2 fragment
(``templates/jinja2/assessments/me_assessment_rows.html``, autoescaped) placed in the Django
page.
"""

from __future__ import annotations

from django.utils.safestring import SafeString

from assessments.forms.me import CategoryGroup, SelfAssessmentForm
from assessments.presenters import jinja2_fragment

ROWS_TEMPLATE = "assessments/me_assessment_rows.html"


def assessment_rows(*, form: SelfAssessmentForm, group: CategoryGroup) -> SafeString:
    """The rows of one category. Every value is escaped by the template (autoescape on)."""
    return jinja2_fragment(ROWS_TEMPLATE, blocks=group.blocks, form=form)
