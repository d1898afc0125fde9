"""The self-assessment's size at a large framework (issue 18): the page is one compact row a
skill, so its HTML grows by well under 1.5 KB a skill. Pinned at 40 skills with the bench's
framework (plausible names and five behavioural descriptors a skill)."""

import pytest
from django.urls import reverse

from bench.framework164 import build_framework

pytestmark = pytest.mark.django_db

URL = reverse("assessments:my-assessment")
BYTES_PER_SKILL = 1536  # 1.5 KB


def test_html_per_skill_stays_within_one_and_a_half_kilobytes_at_40_skills(client):
    client.force_login(build_framework(skills=40, username="sized"))
    body = client.get(URL).content
    assert body.count(b'<fieldset class="sk') == 40  # every skill is on the page, once
    assert body.count(b'type="radio"') == 40 * 5
    assert len(body) / 40 <= BYTES_PER_SKILL, f"{len(body) / 40:.0f} bytes a skill"
