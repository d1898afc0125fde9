"""The real POST of each page that changes a team, as its manager's browser would send it: the
form read from the page the manager is shown (fresh version fields), with one change made.
A refused user's copy of this POST must change nothing; the manager's changes something."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

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
    ``skills``: the team's members and required skills, as ``tests.orgs.team.build_team_org``
    builds them, whose members have self ratings awaiting review and levels below 4)."""
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


# --- The grid editor (team-edit): its form read as a browser would submit it ------------------


class EditorFormReader(HTMLParser):
    """What a browser would submit from the editor form: hidden inputs and selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._option: dict | None = None
        self._first: str | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "select" and attrs.get("name", "").startswith("c-"):
            self._select, self._first = attrs["name"], None
        elif tag == "option" and self._select:
            self._option = attrs

    def handle_data(self, data):  # noqa: ANN001, ANN201
        if self._option is not None and self._select:
            value = self._option.get("value", data)
            if self._first is None:
                self._first = value
            if "selected" in self._option:
                self.data[self._select] = value
            self._option = None

    def handle_endtag(self, tag):  # noqa: ANN001, ANN201
        if tag == "select" and self._select:
            self.data.setdefault(self._select, self._first or "")
            self._select = None


def editor_form(client, team) -> dict[str, str]:  # noqa: ANN001
    """The grid editor's form as the manager's browser would submit it unchanged."""
    response = client.get(reverse("assessments:team-edit", args=[team.pk]))
    assert response.status_code == 200
    reader = EditorFormReader()
    reader.feed(response.content.decode())
    return reader.data


def editor_post(client, team, data):  # noqa: ANN001, ANN201
    """POST ``data`` to the team's grid editor."""
    return client.post(reverse("assessments:team-edit", args=[team.pk]), data)
