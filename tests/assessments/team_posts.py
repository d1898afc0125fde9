"""The real POST of each page that changes a team, as its manager's browser would send it: the
form read from the page the manager is shown (fresh version fields), with one change made.
A refused user's copy of this POST must change nothing; the manager's changes something."""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import LearningPlanItem, SkillRating
from tests.factories import ResourceSkillFactory, TrainingResourceFactory
from tests.html_forms import page_post_body

TEAM_WRITE_PAGES = ("team-edit", "team-review", "team-import", "team-gaps")


def team_rows() -> tuple:
    """Everything a team page can write."""
    return (
        list(SkillRating.objects.order_by("pk").values()),
        list(LearningPlanItem.objects.order_by("pk").values()),
    )


def team_post_body(name: str, *, team, manager, people, skills) -> dict:  # noqa: ANN001
    """The body of page ``name`` of ``team`` as ``manager`` would post it (``people`` and
    ``skills``: the team's members and required skills, as built by ``team_org.build_team``,
    whose members have self ratings awaiting review and levels below 4)."""
    client = Client()
    client.force_login(manager)
    url = reverse(f"assessments:{name}", args=[team.pk])
    person, skill = people[0], skills[0]
    if name == "team-edit":
        body = page_post_body(client, url, has=f"c-{person.pk}-{skill.pk}")
        body[f"c-{person.pk}-{skill.pk}"] = ["4"]
        return body
    if name == "team-review":
        body = page_post_body(client, url, has="pending")
        assert body["pending"] != [""], "nothing awaits review: the POST would change nothing"
        return {**body, "accept_all": ["1"]}
    if name == "team-gaps":
        resource = TrainingResourceFactory()
        resource.audiences.add(person.role.audience)
        ResourceSkillFactory(resource=resource, skill=skill, level=4)
        body = page_post_body(client, url, has="resource")
        due = timezone.localdate() + dt.timedelta(days=30)
        return {**body, "people": [str(person.pk)], "due_date": [due.isoformat()]}
    if name == "team-import":
        csv_text = f"email,skill,level\n{person.email},{skill.slug},4\n"
        preview = client.post(url, {"file": SimpleUploadedFile("r.csv", csv_text.encode())})
        found = re.search(r'name="payload" value="([^"]+)"', preview.content.decode())
        assert found, "the preview offers no confirmation"
        return {"payload": [found.group(1)]}
    raise ValueError(name)
