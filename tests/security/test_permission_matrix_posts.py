"""Every HTML page that takes both GET and POST, POSTed with its REAL body as every persona.

test_permission_matrix.py walks every URL with GET (and the POST-only endpoints with an empty
body). A view can check on GET and forget on POST, or accept an empty body's refusal for the
right reason by accident; so here each page's form is read from what its allowed persona (the
"asker") is shown — valid values, fresh version fields —, one change is made, and the very same
body is posted by every persona:

- a refused persona gets the declared refusal and the database is exactly as before (every row
  of the apps' tables, the users and their groups);
- the asker's POST changes the database, so "nothing changed" is a claim that can fail.

Each page runs in its own rolled-back transaction, on the security org (tests/security/org.py).
The Django admin's pages are left out: the admin site wraps every method of every page in one
check (``AdminSite.admin_view``), which the GET matrix already exercises for each persona.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from assessments.learning_records.badges.selectors import badge_key
from assessments.learning_records.models import BadgeAward
from assessments.models import SkillRating
from catalog.models import ResourceSource
from readiness.caching import kept_clear
from readiness.models import Person, Skill
from tests.factories import PASSWORD, TrainingResourceFactory
from tests.html_forms import page_post_body
from tests.orgs.security import PERSONAS
from tests.security.matrix_support import outcome, route_keywords, to_url, url_kwargs, walk_urls
from tests.security.tables import EXPECTED, LOGIN, OK

CHANGES = "changes"  # the asker: its POST must change the database
ALLOWED = None  # another allowed persona: not posted (one real change per page is enough)
L, A = LOGIN, ALLOWED

# persona order: anonymous, employee, employee_other, manager, manager_other, curator,
# leadership, admin. Refusals: "login" (sent to sign in), 403, 404 (not shown to exist).
SIGNED_IN_WRITES = (L, CHANGES, A, A, A, A, A, A)
CURATORS = (L, 403, 403, 403, 403, CHANGES, 403, A)
TEAM = (L, 404, 404, CHANGES, 404, 404, 403, A)
LEADERS = (L, 403, 403, 403, 403, 403, CHANGES, A)
POST_EXPECTED: dict[str, tuple] = {
    "password_change": SIGNED_IN_WRITES,
    "readiness:concern-create": SIGNED_IN_WRITES,
    "readiness:tokens": SIGNED_IN_WRITES,
    "catalog:resource-create": CURATORS,
    "catalog:resource-edit": CURATORS,
    "catalog:unmapped": CURATORS,
    "catalog:rules": CURATORS,
    "catalog:rule-edit": CURATORS,
    "catalog:import": CURATORS,
    "catalog:certification-create": CURATORS,
    "catalog:certification-edit": CURATORS,
    "assessments:badge-queue": CURATORS,
    "assessments:my-verified-learning": (L, CHANGES, A, A, A, A, A, 404),
    "assessments:my-assessment": (L, CHANGES, A, A, A, A, A, 404),
    "assessments:team-edit": TEAM,
    "assessments:team-review": TEAM,
    "assessments:team-import": TEAM,
    "assessments:team-gaps": TEAM,  # leadership reads the page (GET), may not assign
    "assessments:cycle-create": LEADERS,
    "assessments:cycle-close": LEADERS,
    "assessments:plan-create": LEADERS,
    "assessments:plan-edit": LEADERS,
    "assessments:plan-goal-create": LEADERS,
    "assessments:plan-goal-edit": LEADERS,
    "assessments:plan-partner-create": LEADERS,
    "assessments:plan-partner-edit": LEADERS,
    "assessments:plan-remedy-edit": LEADERS,
    "assessments:plan-concern-triage": LEADERS,  # the plan's owner
}


# Pages whose POST everybody may send (nothing to refuse): signing in, asking for a reset link.
OPEN_TO_ALL = {"login", "password_reset", "password_reset_confirm"}


# --- The real bodies: the asker's form, with one change --------------------------------------

Body = dict[str, Any]
CATALOG_FILE = (
    Path(__file__).resolve().parent.parent / "catalog" / "fixtures" / "learn_catalog_v1.json"
)


@dataclass(frozen=True)
class Upload:
    """A file field of a body: a fresh file object for each POST (a posted one is consumed)."""

    name: str
    content: bytes


def _fresh(body: Body) -> Body:
    return {
        k: SimpleUploadedFile(v.name, v.content) if isinstance(v, Upload) else v
        for k, v in body.items()
    }


def _later(days: int = 60) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _form(
    has: str = "", choose: tuple[str, ...] = (), **changes: str | list[str]
) -> Callable[[Client, str, Any], Body]:
    def build(client: Client, url: str, _org: Any) -> Body:
        body: Body = page_post_body(client, url, has=has, choose=choose)
        body.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
        return body

    return build


def _my_assessment(client: Client, url: str, org: Any) -> Body:
    body = page_post_body(client, url, has="version")
    person = Person.objects.get(pk=org["person"])
    skill = Skill.objects.get(pk=org["skill"])
    current = SkillRating.objects.filter(person=person, skill=skill).first()
    level = 3 if current is None or current.level != 3 else 2
    body[f"s{skill.pk}-level"] = [str(level)]
    return body


def _team_edit(client: Client, url: str, org: Any) -> Body:
    key = f"c-{org['person']}-{org['skill']}"
    body = page_post_body(client, url, has=key)
    body[key] = ["4"]
    return body


def _team_review(client: Client, url: str, org: Any) -> Body:
    # A self rating newer than any manager rating awaits review.
    SkillRating.objects.create(
        person_id=org["person"], skill_id=org["skill"], level=3, source="self"
    )
    body = page_post_body(client, url, has="pending")
    return {**body, "accept_all": ["1"]}


def _team_import(client: Client, url: str, org: Any) -> Body:
    person = Person.objects.select_related("user").get(pk=org["person"])
    skill = Skill.objects.get(pk=org["skill"])
    csv_text = f"email,skill,level\n{person.user.email},{skill.slug},4\n"
    preview = client.post(url, {"file": SimpleUploadedFile("r.csv", csv_text.encode())})
    assert preview.status_code == 200
    import re

    found = re.search(r'name="payload" value="([^"]+)"', preview.content.decode())
    assert found, "the import preview offers no confirmation"
    return {"payload": [found.group(1)]}


def _team_gaps(client: Client, url: str, org: Any) -> Body:
    body = page_post_body(client, url, has="resource")
    return {**body, "people": [str(org["person"])], "due_date": [_later(30)]}


def _catalog_import(client: Client, url: str, org: Any) -> Body:
    # The upload form is the page's first; its checkboxes start unticked (whole catalog: off).
    body = page_post_body(client, url)
    return {**body, "upload": ["1"], "file": Upload("catalog.json", CATALOG_FILE.read_bytes())}


def _unmapped(client: Client, url: str, org: Any) -> Body:
    resource = TrainingResourceFactory(
        source=ResourceSource.LEARN_CATALOG, external_uid="unmapped-module"
    )
    body = page_post_body(client, url, has="skill", choose=("skill",))
    return {**body, "action": ["map"], "resources": [str(resource.pk)]}


def _badge_queue(client: Client, url: str, org: Any) -> Body:
    award = BadgeAward.objects.create(
        person_id=org["person"],
        spec_version="2.0",
        assertion_id="https://issuer.example/assertions/1",
        issuer_id="https://issuer.example/issuer",
        issuer_name="Example Academy",
        badge_class_id="https://issuer.example/badges/1",
        name="Prompting",
        issued_on=timezone.localdate(),
        verification="hosted",
        verified_at=timezone.now(),
        status="waiting",
    )
    body = page_post_body(client, url, has="badge")
    resource = TrainingResourceFactory()
    return {
        **body,
        "badge": [badge_key(award.issuer_id, award.badge_class_id)],
        "resource": [str(resource.pk)],
    }


BODIES: dict[str, Callable[[Client, str, Any], Body]] = {
    "password_change": _form(
        old_password=PASSWORD, new_password1="A-new-passw0rd!", new_password2="A-new-passw0rd!"
    ),
    "readiness:concern-create": _form(
        choose=("category",), text="Who reviews what the model writes?"
    ),
    "readiness:tokens": _form(name="A new laptop"),
    "catalog:resource-create": _form(
        choose=("kind", "provider"), title="A new resource", url="https://example.com/new-course"
    ),
    "catalog:resource-edit": _form(title="Renamed resource"),
    "catalog:unmapped": _unmapped,
    "catalog:rules": _form(choose=("skill", "field"), value="agents"),
    "catalog:rule-edit": _form(value="assistants"),
    "catalog:import": _catalog_import,
    "catalog:certification-create": _form(
        choose=("provider",), name="AI Engineer Associate", validity_months="12"
    ),
    "catalog:certification-edit": _form(name="Renamed certification"),
    "assessments:badge-queue": _badge_queue,
    "assessments:my-verified-learning": _form(
        url="https://learn.microsoft.com/en-us/users/someone/transcript/d8yjbrgbdq9k2gz"
    ),
    "assessments:my-assessment": _my_assessment,
    "assessments:team-edit": _team_edit,
    "assessments:team-review": _team_review,
    "assessments:team-import": _team_import,
    "assessments:team-gaps": _team_gaps,
    "assessments:cycle-create": _form(name="Autumn review", opens_on=_later(1), due_on=_later(30)),
    "assessments:cycle-close": _form(),
    "assessments:plan-create": _form(
        name="A second plan",
        business_scenario="Agents",
        start_date=_later(1),
        target_date=_later(90),
    ),
    "assessments:plan-edit": _form(name="Renamed plan"),
    "assessments:plan-goal-create": _form(choose=("audience", "skill"), target_share="55"),
    "assessments:plan-goal-edit": _form(target_share="65"),
    "assessments:plan-partner-create": _form(name="Vendor", contribution="Labs"),
    "assessments:plan-partner-edit": _form(contribution="More labs"),
    "assessments:plan-remedy-edit": _form(remedy="hire"),
    "assessments:plan-concern-triage": _form(status="in_review"),
}


# --- The database, as rows ------------------------------------------------------------------

SNAPSHOT_APPS = ("readiness", "catalog", "assessments", "audit")
NOT_DATA = {"DataChange"}  # the data-version log (moved by triggers, not by the view)


def db_rows() -> dict[str, list]:
    """Every row of the apps' tables, the users (without last_login) and their groups."""
    models = [
        m
        for label in SNAPSHOT_APPS
        for m in apps.get_app_config(label).get_models()
        if m.__name__ not in NOT_DATA
    ]
    rows: dict[str, list] = {}
    User = get_user_model()
    for model in [*models, User]:
        values = model.objects.order_by("pk").values()
        rows[model._meta.label] = [
            {k: v for k, v in row.items() if k != "last_login"} for row in values
        ]
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            rows[through._meta.label] = list(through.objects.order_by("pk").values())
    return rows


def _diff(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


# --- The test -------------------------------------------------------------------------------


def _clients(org) -> dict[str, Client]:  # noqa: ANN001
    clients = {}
    for persona in PERSONAS:
        client = Client()
        if org.users[persona] is not None:
            client.force_login(org.users[persona])
        clients[persona] = client
    return clients


def test_every_get_and_post_page_has_a_declared_real_post():
    """A page that answers GET to someone and has a POST handler must be in the table."""
    from django.views import View

    takes_post = set()
    for _route, name, pattern in walk_urls():
        view = pattern.callback
        cls = getattr(view, "view_class", None)
        if cls is not None and issubclass(cls, View) and hasattr(cls, "post"):
            takes_post.add(name)
    declared_get = {name for name, row in EXPECTED.items() if OK in row}
    undeclared = {
        n for n in takes_post & declared_get - set(POST_EXPECTED) if not n.startswith("admin:")
    } - OPEN_TO_ALL
    assert sorted(undeclared) == []
    assert set(POST_EXPECTED) == set(BODIES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(POST_EXPECTED))
def test_the_real_post_changes_nothing_for_refused_personas(security_org, name):
    org = security_org
    clients = _clients(org)
    routes = {n: route for route, n, _p in walk_urls()}
    url = to_url(routes[name], url_kwargs(name, route_keywords(routes[name]), org.kwargs))
    expected = POST_EXPECTED[name]
    asker = PERSONAS[expected.index(CHANGES)]
    body = BODIES[name](clients[asker], url, org.kwargs)
    unexpected = []
    before = db_rows()
    for persona, want in zip(PERSONAS, expected, strict=True):
        if want in (CHANGES, ALLOWED):
            continue
        kept_clear()
        with transaction.atomic():
            got = outcome(clients[persona].post(url, _fresh(body)))
            changed = _diff(before, db_rows())
            transaction.set_rollback(True)
        if got != want or changed:
            unexpected.append(f"POST {url} as {persona}: {got} (want {want}), changed {changed}")
    response = clients[asker].post(url, _fresh(body))
    assert response.status_code in (200, 302), (asker, response.status_code)
    changed = _diff(before, db_rows())
    assert changed, f"the asker's ({asker}) real POST to {url} changed nothing"
    assert unexpected == [], "\n".join(unexpected)
