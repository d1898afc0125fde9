"""Bad input everywhere: random and hostile values posted to every form page and every write
endpoint of the API, as the persona allowed to post there.

For each POST-accepting URL (one row of ``POSTERS``; ``test_every_post_url_has_a_poster``
walks the URL configuration so a new one without a row fails), hypothesis posts a subset of the
form's fields (missing fields), each with a hostile value: very long strings, unicode
(RTL, zero-width, emoji), HTML/script and template syntax, negative and huge numbers, wrong
types (JSON lists, objects, null, booleans on the API). It asserts:

- never a 5xx;
- never a partial write: a refusal (4xx, or a page re-rendered with 200) changes no row of
  any model (counted before and after);

and ``test_stored_hostile_values_are_rendered_escaped`` posts valid-but-hostile text (a
concern, a rating note, a resource title) and reads it back on the pages that show it.

Each example runs in a transaction that is rolled back, so examples do not see each other.
HOSTILE_PRINT=1 (with -s) prints each URL's answers: a row answering only 403/404 tests nothing.
"""

import json
import os
import re

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.matrix_support import route_keywords, to_url, url_kwargs, walk_urls

# Who posts to each POST-accepting non-admin URL (the persona the permission matrix allows),
# and None for the URLs not fuzzed, with the reason.
POSTERS: dict[str, str | None] = {
    "login": "anonymous",
    "logout": None,  # no input; signing out would end the session the next examples use
    "password_change": "employee",
    "password_reset": "anonymous",
    "password_reset_confirm": "anonymous",
    # GET only (405 to POST); their query strings are fuzzed in tests/readiness/sso/.
    "sso:start": None,
    "sso:callback": None,
    "api:hr-upsert": "admin",
    # SCIM answers a bearer token only (a session gets 401): fuzzed with one in
    # tests/readiness/test_scim_hostile.py.
    "scim:users": None,
    "scim:search": None,
    "scim:users-search": None,
    "scim:user": None,
    "scim:groups": None,
    "scim:groups-search": None,
    "scim:group": None,
    "scim:not-found": None,
    "api:skill-category-list": "curator",
    "api:skill-category-detail": "curator",
    "api:skill-list": "curator",
    "api:skill-detail": "curator",
    "api:role-list": "curator",
    "api:role-detail": "curator",
    "api:role-requirement-list": "curator",
    "api:role-requirement-detail": "curator",
    "api:audience-requirement-list": "curator",
    "api:audience-requirement-detail": "curator",
    "api:concern-list": "employee",
    "api:provider-list": "curator",
    "api:provider-detail": "curator",
    "api:resource-list": "curator",
    "api:resource-detail": "curator",
    "api:rating-manager": "manager",
    "api:rating-self-assessment": "employee",
    "api:plan-item-list": "employee",
    "api:plan-item-assign": "manager",
    "api:plan-item-transition": "employee",
    "api:cycle-list": "leadership",
    "api:token-list": "employee",
    "api:token-detail": None,  # DELETE only: no input
    "api:service-token-list": "admin",
    "api:service-token-detail": None,  # DELETE only: no input
    "api:webhook-list": "admin",
    "api:webhook-detail": "admin",
    "api:webhook-send-test": "admin",
    "api:not-found": "employee",
    "readiness:concern-create": "employee",
    "readiness:tokens": "employee",
    "readiness:token-revoke": "employee",
    "readiness:service-token-create": "admin",
    "readiness:service-token-revoke": "admin",
    "readiness:webhooks": "admin",
    "readiness:webhook-detail": "admin",
    "readiness:webhook-test": "admin",
    "readiness:webhook-active": "admin",
    "readiness:webhook-delete": "admin",
    "catalog:resource-create": "curator",
    "catalog:resource-edit": "curator",
    "catalog:resource-retire": "curator",
    "catalog:unmapped": "curator",
    "catalog:rules": "curator",
    "catalog:rule-edit": "curator",
    "catalog:certification-create": "curator",
    "catalog:certification-edit": "curator",
    "catalog:rules-apply": "curator",
    "catalog:import": "curator",
    "catalog:import-confirm": "curator",
    "assessments:my-assessment": "employee",
    "assessments:my-assessment-confirm": "employee",
    "assessments:my-plan-add": "employee",
    "assessments:my-plan-suggest": "employee",
    "assessments:my-plan-item-action": "employee",
    "assessments:my-verified-learning": "employee",
    "assessments:my-transcript-sync": "employee",
    "assessments:my-transcript-unlink": "employee",
    "assessments:my-certification-add": "employee",
    "assessments:person-certification-verify": "manager",
    "assessments:team-edit": "manager",
    "assessments:team-review": "manager",
    "assessments:team-gaps": "manager",
    "assessments:team-import": "manager",
    "assessments:cycle-create": "leadership",
    "assessments:cycle-open": "leadership",
    "assessments:cycle-close": "leadership",
    "assessments:dashboard-export": "leadership",
    "assessments:plan-create": "leadership",
    "assessments:plan-edit": "leadership",
    "assessments:plan-goal-create": "leadership",
    "assessments:plan-goal-edit": "leadership",
    "assessments:plan-goal-delete": "leadership",
    "assessments:plan-partner-create": "leadership",
    "assessments:plan-partner-edit": "leadership",
    "assessments:plan-partner-delete": "leadership",
    "assessments:plan-remedy-edit": "leadership",
    "assessments:plan-remedy-delete": "leadership",
    "assessments:plan-concern-triage": "leadership",
    "audit:list": "admin",
    "api:plan-list": "leadership",
    "api:plan-detail": "leadership",
    "api:plan-goals": "leadership",
    "api:plan-goal": "leadership",
    "api:plan-partners": "leadership",
    "api:plan-partner": "leadership",
    "api:plan-remedy": "leadership",
    "api:plan-concern-triage": "leadership",
    "api:cycle-open": "leadership",
    "api:cycle-close": "leadership",
    "api:me-confirm": "employee",
    "api:mapping-rule-list": "curator",
    "api:mapping-rule-detail": "curator",
}

# Fields posted where the form cannot be read (POST-only views) — besides the form's own.
GENERIC_FIELDS = ["name", "title", "text", "note", "level", "resource", "skill", "person",
                  "status", "reason", "version", "account", "expires_in_days", "q"]

# Rows these may change on a refused request: failed logins are recorded (django-axes), and
# sessions are the test client's own.
UNCOUNTED_APPS = {"axes", "sessions"}

HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "{% debug %}",
    "{% load static %}{{ settings.SECRET_KEY }}",
    "' OR 1=1 --",
    "\u202eevil\u202c",  # right-to-left override
    "zero\u200bwidth\u200d\ufeff",
    "emoji 🧨👩🏽‍💻🏳️‍🌈",
    "\x00nul",
    "x" * 5000,
    "ü" * 300,
    "   ",
    "",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "../../etc/passwd",
]
HOSTILE_NUMBERS = [-1, 0, -(2**63), 2**63, 2**64 + 1, 10**30, 1.5, float("inf")]

form_value = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
)
json_value = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=40),
    st.sampled_from([None, True, False, [], {}, ["<script>"], {"a": "{{ 7*7 }}"}]),
)

FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in UNCOUNTED_APPS and not model._meta.proxy
    }


def _post_urls():
    for route, name, pattern in walk_urls():
        if name.startswith("admin:"):
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if actions is not None:
            methods = [m for m in ("post", "put", "patch", "delete") if m in actions]
        elif view is not None:
            methods = [m for m in ("post", "put", "patch", "delete")
                       if m in view.http_method_names and hasattr(view, m)]
        else:
            methods = ["post"]  # function views: the table decides
        if methods:
            yield route, name, methods


def test_every_post_url_has_a_poster() -> None:
    """Function views are listed whatever methods they take (they cannot be introspected)."""
    names = {name for _route, name, _methods in _post_urls()}
    missing = sorted(names - set(POSTERS))
    assert missing == [], f"POST-accepting URLs without a row in POSTERS: {missing}"
    stale = sorted(set(POSTERS) - names)
    assert stale == [], f"rows for URLs that no longer exist: {stale}"


FUZZED = sorted(name for name, persona in POSTERS.items() if persona)


def _fields(client: Client, url: str, is_api: bool, method: str) -> list[str]:
    """The form's own fields (read from the page, or from the API's OPTIONS) plus the generic
    ones (for the API only when OPTIONS names none)."""
    fields: set[str] = set()
    if is_api:
        # Only to learn the field names: an OPTIONS failure is not what this test is about.
        client.raise_request_exception = False
        response = client.options(url)
        client.raise_request_exception = True
        if response.status_code == 200:
            actions = response.json().get("actions", {})
            fields |= set(actions.get(method.upper(), actions.get("PUT", {})))
    else:
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            fields |= set(FIELD_NAME.findall(response.content.decode()))
    fields.discard("csrfmiddlewaretoken")
    if is_api and fields:
        # The API refuses an unknown key before reading the others: the generic names would
        # only test that refusal.
        return sorted(fields)
    return sorted(fields | set(GENERIC_FIELDS))


@pytest.mark.django_db
@pytest.mark.parametrize("name", FUZZED)
def test_hostile_input_never_5xx_nor_partial_write(security_org, name: str) -> None:
    org = security_org
    route, methods = next((r, m) for r, n, m in _post_urls() if n == name)
    url = to_url(route, url_kwargs(name, route_keywords(route), org.kwargs))
    client = Client()
    user = org.users[POSTERS[name]]
    if user is not None:
        client.force_login(user)
    is_api = name.startswith("api:")
    method = next(m for m in ("post", "patch", "put") if m in methods)
    fields = _fields(client, url, is_api, method)
    value = json_value if is_api else form_value
    # In the API, a list of ratings is the nested input: give it hostile items too.
    nested = st.lists(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, json_value)),
                      max_size=3)
    optional = {f: (nested if is_api and f == "ratings" else value) for f in fields}

    @settings(max_examples=5, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.fixed_dictionaries({}, optional=optional))
    def post_hostile(data: dict) -> None:
        with transaction.atomic():
            before = _row_counts()
            if is_api:
                response = getattr(client, method)(
                    url, data=json.dumps(data, allow_nan=True), content_type="application/json")
            else:
                response = client.post(url, data)
            status = response.status_code
            if os.environ.get("HOSTILE_PRINT") == "1":
                print(f"{name}: {method.upper()} {status}")
            assert status < 500, f"{method.upper()} {url} {data!r}: {status}"
            refused = 400 <= status < 500 or (not is_api and status == 200)
            if refused:
                assert _row_counts() == before, (
                    f"{method.upper()} {url} {data!r} answered {status} but wrote rows")
            transaction.set_rollback(True)

    post_hostile()


HOSTILE = '<script>alert("xss")</script>{{ 7*7 }}{% debug %}'


def _assert_escaped(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert "&lt;script&gt;alert(" in page, f"{url} does not show the stored value"
    assert "<script>alert(" not in page, f"{url} renders the stored <script> raw"
    assert "{{ 7*7 }}" in page, f"{url} compiled the stored template syntax"
    assert "{% debug %}" in page, f"{url} compiled the stored template syntax"


@pytest.mark.django_db
def test_stored_hostile_values_are_rendered_escaped(security_org) -> None:
    org = security_org
    clients = {}
    for persona in ("employee", "manager", "curator", "leadership"):
        clients[persona] = Client()
        clients[persona].force_login(org.users[persona])

    # A concern, raised on its page: shown to its raiser and to leadership on the plan.
    response = clients["employee"].post(
        "/concerns/new/", {"category": "other", "text": HOSTILE, "impact": HOSTILE})
    assert response.status_code == 302, response.content.decode()[:2000]
    _assert_escaped(clients["employee"], "/concerns/mine/")
    _assert_escaped(clients["leadership"], f"/plans/{org.kwargs['plan']}/")

    # A rating note, through the API: shown on the history pages.
    response = clients["employee"].post(
        "/api/v1/ratings/self-assessment/",
        {"ratings": [{"skill": org.kwargs["skill"], "level": 2, "note": HOSTILE}]},
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
    _assert_escaped(clients["employee"], "/me/history/")
    _assert_escaped(clients["manager"], f"/people/{org.kwargs['person']}/history/")

    # A training resource's title, edited by a curator: shown in the catalog.
    from catalog.models import TrainingResource

    TrainingResource.objects.filter(pk=org.kwargs["resource"]).update(title=HOSTILE)
    _assert_escaped(clients["employee"], "/catalog/")
    _assert_escaped(clients["employee"], f"/catalog/{org.kwargs['resource']}/")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona", "data"), [
    ("assessments:cycle-create", "leadership", {"name": "Q3", "audiences": [str(2**63)]}),
    ("assessments:cycle-create", "leadership", {"name": "Q3", "teams": [str(10**30)]}),
    ("assessments:team-gaps", "manager", {"resource": "1", "people": [str(2**64)]}),
    ("catalog:unmapped", "curator", {"action": "retire", "resources": [str(-(2**70))]}),
])
def test_ids_out_of_the_integer_range_are_refused_not_a_500(
    security_org, name, persona, data
) -> None:
    """A multiple choice of ids looked up with ``pk__in``: SQLite raised OverflowError."""
    org = security_org
    route = next(r for r, n, _m in _post_urls() if n == name)
    client = Client()
    client.force_login(org.users[persona])
    before = _row_counts()
    response = client.post(to_url(route, url_kwargs(name, route_keywords(route), org.kwargs)),
                           data)
    assert response.status_code in (200, 400)
    assert _row_counts() == before
