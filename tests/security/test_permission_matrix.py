"""Every URL of the site × every persona, against ONE declared table.

The rows are walked from the URL configuration, so a new URL without a row fails
``test_every_url_has_a_declared_row``. Keywords are filled with objects of the "home" team
(tests/security/org.py), so the "other" personas and the refused roles exercise the
object-level checks (a manager of another team gets 404 on /teams/<home team>/).

Outcomes: "ok" (200), "login" (redirect to the sign-in page), "admin-login" (to the admin's),
"redirect" (elsewhere: e.g. /people/<me>/ → /me/), or the status code (401, 403, 404, 405).
POST-only endpoints answer 405 to GET; POST_EXPECTED checks them with POST (each request rolled
back, so allowed personas change nothing).

Regenerate the observed table with SECURITY_MATRIX_PRINT=1 (-s), then READ it before pasting.
"""

import os

import pytest
from django.db import transaction
from django.test import Client

from tests.orgs.security import PERSONAS
from tests.security.matrix_support import (
    ADMIN_MODEL_PAGE,
    outcome,
    route_keywords,
    to_url,
    url_kwargs,
    walk_urls,
)
from tests.security.tables import ADMIN_DECIDES, EXPECTED, LOGIN

# POST-only endpoints, posted with an empty body: refused personas must be refused on POST
# too. None = not asserted (an allowed persona: the empty body then fails validation or acts,
# inside a rolled-back transaction).
ANYONE = None
POST_EXPECTED: dict[str, tuple] = {
    "api:hr-upsert": (401, 403, 403, 403, 403, 403, 403, ANYONE),
    # Validation (400) answers first for an empty body; the services check who may rate.
    "api:rating-manager": (401,) + (ANYONE,) * 7,
    "api:rating-self-assessment": (401,) + (ANYONE,) * 7,
    "api:plan-item-assign": (401,) + (ANYONE,) * 7,
    # Anyone with a person record confirms their own ratings (the admin has none: 404).
    "api:me-confirm": (401,) + (ANYONE,) * 6 + (404,),
    "api:cycle-open": (401, 403, 403, 403, 403, 403, ANYONE, ANYONE),
    "api:cycle-close": (401, 403, 403, 403, 403, 403, ANYONE, ANYONE),
    # The plan's owner (leadership) and admins; everybody else is refused.
    "api:plan-goals": (401,) + (403,) * 5 + (ANYONE, ANYONE),
    "api:plan-partners": (401,) + (403,) * 5 + (ANYONE, ANYONE),
    "api:plan-concern-triage": (401,) + (403,) * 5 + (ANYONE, ANYONE),
    "api:plan-item-transition": (401, ANYONE, 404, 403, 404, 404, 404, 403),
    # Revoking filters on the signed-in user: another's key revokes nothing (then redirects).
    "readiness:token-revoke": (LOGIN,) + (ANYONE,) * 7,
    "readiness:service-token-create": (LOGIN,) + (403,) * 6 + (ANYONE,),
    "readiness:service-token-revoke": (LOGIN,) + (403,) * 6 + (ANYONE,),
    "readiness:webhook-test": (LOGIN,) + (403,) * 6 + (ANYONE,),
    "readiness:webhook-active": (LOGIN,) + (403,) * 6 + (ANYONE,),
    "readiness:webhook-delete": (LOGIN,) + (403,) * 6 + (ANYONE,),
    "api:webhook-send-test": (401,) + (403,) * 6 + (ANYONE,),
    "catalog:resource-retire": (LOGIN, 403, 403, 403, 403, ANYONE, 403, ANYONE),
    "catalog:rules-apply": (LOGIN, 403, 403, 403, 403, ANYONE, 403, ANYONE),
    "catalog:import-confirm": (LOGIN, 403, 403, 403, 403, ANYONE, 403, ANYONE),
    "assessments:my-assessment-confirm": (LOGIN,) + (ANYONE,) * 6 + (404,),
    "assessments:my-plan-add": (LOGIN,) + (ANYONE,) * 6 + (404,),
    "assessments:my-plan-suggest": (LOGIN,) + (ANYONE,) * 6 + (404,),
    "assessments:my-plan-item-action": (LOGIN, ANYONE, 404, 404, 404, 404, 404, 404),
    # One's own transcript only: the person comes from the signed-in user (admin: no person).
    "assessments:my-transcript-sync": (LOGIN,) + (ANYONE,) * 6 + (404,),
    "assessments:my-transcript-unlink": (LOGIN,) + (ANYONE,) * 6 + (404,),
    # Only a manager of the person (a missing certification then: 404 for everyone).
    "assessments:person-certification-verify": (LOGIN,) + (404,) * 7,
    "assessments:cycle-open": (LOGIN, 403, 403, 403, 403, 403, ANYONE, ANYONE),
    "assessments:plan-goal-delete": (LOGIN, 403, 403, 403, 403, 403, ANYONE, ANYONE),
    "assessments:plan-partner-delete": (LOGIN, 403, 403, 403, 403, 403, ANYONE, ANYONE),
    "assessments:plan-remedy-delete": (LOGIN, 403, 403, 403, 403, 403, ANYONE, ANYONE),
}


def row_key(name: str) -> str:
    if ADMIN_MODEL_PAGE.match(name):
        if name.startswith("admin:<unnamed"):
            return "admin:<model object redirect>"
        return "admin:<model page>"
    return name


def test_every_url_has_a_declared_row() -> None:
    missing = sorted({row_key(name) for _route, name, _p in walk_urls()} - set(EXPECTED))
    assert missing == [], f"new URL without a declared row: {missing}"
    stale = sorted(set(EXPECTED) - {row_key(name) for _route, name, _p in walk_urls()})
    assert stale == [], f"rows for URLs that no longer exist: {stale}"


def _skipped(name: str, persona: str) -> bool:
    if row_key(name) != "admin:<model page>" or name.endswith("_changelist"):
        return False
    return persona not in ("anonymous", "employee")


def _matches(want, got) -> bool:
    if got == ADMIN_DECIDES:  # not requested
        return True
    if isinstance(want, frozenset):
        return got in want
    return want == got


def _clients(org) -> dict[str, Client]:
    clients = {}
    for persona in PERSONAS:
        client = Client()
        if org.users[persona] is not None:
            client.force_login(org.users[persona])
        clients[persona] = client
    return clients


@pytest.mark.django_db
def test_every_url_answers_every_persona_as_declared(security_org) -> None:
    org = security_org
    clients = _clients(org)
    printing = os.environ.get("SECURITY_MATRIX_PRINT") == "1"
    unexpected = []
    for route, name, _pattern in walk_urls():
        url = to_url(route, url_kwargs(name, route_keywords(route), org.kwargs))
        expected = EXPECTED.get(row_key(name))
        observed = tuple(
            ADMIN_DECIDES if _skipped(name, persona) else outcome(clients[persona].get(url))
            for persona in PERSONAS
        )
        if printing:
            print(f'    "{name}": {observed!r},  # {url}')
        unexpected.extend(
            f"GET {url} ({name}) as {persona}: expected {want}, got {got}"
            for persona, want, got in zip(PERSONAS, expected or (None,) * 8, observed, strict=True)
            if not _matches(want, got)
        )
    assert unexpected == [], "\n".join(unexpected)


@pytest.mark.django_db
def test_post_only_endpoints_refuse_the_refused_personas_on_post_too(security_org) -> None:
    org = security_org
    clients = _clients(org)
    printing = os.environ.get("SECURITY_MATRIX_PRINT") == "1"
    unexpected = []
    for route, name, _pattern in walk_urls():
        if name not in POST_EXPECTED and not printing:
            continue
        if EXPECTED.get(name) is None or 405 not in EXPECTED[name] or name.endswith("logout"):
            continue  # (signing out would end the persona's session for the next URLs)
        url = to_url(route, url_kwargs(name, route_keywords(route), org.kwargs))
        observed = []
        for persona in PERSONAS:
            with transaction.atomic():
                observed.append(outcome(clients[persona].post(url, {})))
                transaction.set_rollback(True)
        if printing:
            print(f'    "{name}": {tuple(observed)!r},  # POST {url}')
            continue
        unexpected.extend(
            f"POST {url} ({name}) as {persona}: expected {want}, got {got}"
            for persona, want, got in zip(PERSONAS, POST_EXPECTED[name], observed, strict=True)
            if want is not None and want != got
        )
    assert unexpected == [], "\n".join(unexpected)
