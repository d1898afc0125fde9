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

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.matrix_support import post_urls, route_keywords, row_counts, to_url, url_kwargs
from tests.security.tables import (
    FIELD_NAME,
    FUZZED,
    GENERIC_FIELDS,
    HOSTILE_NUMBERS,
    HOSTILE_TEXT,
    POSTERS,
)

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


def test_every_post_url_has_a_poster() -> None:
    """Function views are listed whatever methods they take (they cannot be introspected)."""
    names = {name for _route, name, _methods in post_urls()}
    missing = sorted(names - set(POSTERS))
    assert missing == [], f"POST-accepting URLs without a row in POSTERS: {missing}"
    stale = sorted(set(POSTERS) - names)
    assert stale == [], f"rows for URLs that no longer exist: {stale}"


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
    route, methods = next((r, m) for r, n, m in post_urls() if n == name)
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
    nested = st.lists(
        st.fixed_dictionaries({}, optional=dict.fromkeys(fields, json_value)), max_size=3
    )
    optional = {f: (nested if is_api and f == "ratings" else value) for f in fields}

    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.fixed_dictionaries({}, optional=optional))
    def post_hostile(data: dict) -> None:
        with transaction.atomic():
            before = row_counts()
            if is_api:
                response = getattr(client, method)(
                    url, data=json.dumps(data, allow_nan=True), content_type="application/json"
                )
            else:
                response = client.post(url, data)
            status = response.status_code
            if os.environ.get("HOSTILE_PRINT") == "1":
                print(f"{name}: {method.upper()} {status}")
            assert status < 500, f"{method.upper()} {url} {data!r}: {status}"
            refused = 400 <= status < 500 or (not is_api and status == 200)
            if refused:
                assert row_counts() == before, (
                    f"{method.upper()} {url} {data!r} answered {status} but wrote rows"
                )
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
        "/concerns/new/", {"category": "other", "text": HOSTILE, "impact": HOSTILE}
    )
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
@pytest.mark.parametrize(
    ("name", "persona", "data"),
    [
        ("assessments:cycle-create", "leadership", {"name": "Q3", "audiences": [str(2**63)]}),
        ("assessments:cycle-create", "leadership", {"name": "Q3", "teams": [str(10**30)]}),
        ("assessments:team-gaps", "manager", {"resource": "1", "people": [str(2**64)]}),
        ("catalog:unmapped", "curator", {"action": "retire", "resources": [str(-(2**70))]}),
    ],
)
def test_ids_out_of_the_integer_range_are_refused_not_a_500(
    security_org, name, persona, data
) -> None:
    """A multiple choice of ids looked up with ``pk__in``: SQLite raised OverflowError."""
    org = security_org
    route = next(r for r, n, _m in post_urls() if n == name)
    client = Client()
    client.force_login(org.users[persona])
    before = row_counts()
    response = client.post(to_url(route, url_kwargs(name, route_keywords(route), org.kwargs)), data)
    assert response.status_code in (200, 400)
    assert row_counts() == before
