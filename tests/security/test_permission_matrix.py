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

OK, LOGIN, ADMIN_LOGIN, REDIRECT = "ok", "login", "admin-login", "redirect"
EVERYONE = (OK,) * 8
SIGNED_IN = (LOGIN,) + (OK,) * 7
ADMIN_ONLY = (ADMIN_LOGIN,) * 7
POST_ONLY = (LOGIN,) + (405,) * 7
#: An API route without GET: 405 whoever asks, before authentication and permissions.
API_NO_GET = (405,) * 8
ADMIN_DECIDES = frozenset({OK, REDIRECT, 403, 404})

# persona order:    anonymous, employee, employee_other, manager, manager_other, curator, leadership, admin
EXPECTED: dict[str, tuple] = {
    "home": SIGNED_IN,
    "login": EVERYONE,
    "logout": POST_ONLY,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,  # an invalid link: the page says so
    "password_reset_complete": EVERYONE,
    # Single sign-on: off in the tests' settings, so not found (tests/readiness/sso/).
    "sso:start": (404,) * 8,
    "sso:callback": (404,) * 8,
    # The admin: staff only; the admin's own account has no person record.
    "admin:index": (*ADMIN_ONLY, OK),
    "admin:login": (OK,) * 7 + (REDIRECT,),
    "admin:logout": (ADMIN_LOGIN,) + (REDIRECT,) * 6 + (405,),
    "admin:password_change": (*ADMIN_ONLY, OK),
    "admin:password_change_done": (*ADMIN_ONLY, OK),
    "admin:autocomplete": (*ADMIN_ONLY, 403),  # without its query parameters
    "admin:jsi18n": (*ADMIN_ONLY, OK),
    "admin:view_on_site": (*ADMIN_ONLY, 404),  # a missing object
    "admin:app_list": (*ADMIN_ONLY, OK),
    "admin:<unnamed admin/(?P<url>.*)$>": (*ADMIN_ONLY, 404),
    # Every model page of the admin (changelist, add, change/delete/history of a missing id):
    # refused to all but the admin, for whom each ModelAdmin decides (read-only models answer
    # 403 to "add"). To keep this fast, the other pages than changelists are requested as
    # anonymous and employee only (the admin site refuses every non-staff user the same way).
    "admin:<model page>": (LOGIN,) + (ADMIN_LOGIN,) * 6 + (ADMIN_DECIDES,),
    "admin:<model object redirect>": (LOGIN,) + (ADMIN_LOGIN,) * 6 + (REDIRECT,),
    # The API: 401 without credentials; object-level refusals are 404.
    "api:me": (401,) + (OK,) * 6 + (404,),
    "api:me-skills": (401,) + (OK,) * 6 + (404,),
    "api:me-confirm": API_NO_GET,  # POST only
    "api:me-recommendations": (401,) + (OK,) * 6 + (404,),
    "api:me-plan-suggestion": (401,) + (OK,) * 6 + (404,),
    # Leadership reads people one by one only in the teams they manage (privacy floor).
    "api:person-skills": (401, OK, 404, OK, 404, 404, 404, OK),
    "api:person-readiness": (401, OK, 404, OK, 404, 404, 404, OK),
    "api:team-readiness-list": (401,) + (OK,) * 7,
    "api:team-readiness": (401, 404, 404, OK, 404, 404, OK, OK),
    # Leadership reads another team as figures only (teams/{id}/readiness/).
    "api:team-skills": (401, 404, 404, OK, 404, 404, 403, OK),
    "api:team-gaps": (401, 404, 404, OK, 404, 404, 403, OK),
    "api:team-certifications": (401, 404, 404, OK, 404, 404, OK, OK),
    "api:audience-readiness-list": (401, 403, 403, 403, 403, 403, OK, OK),
    "api:audience-readiness": (401, 403, 403, 403, 403, 403, OK, OK),
    "api:hr-upsert": API_NO_GET,
    "api:audience-list": (401,) + (OK,) * 7,
    "api:audience-detail": (401,) + (OK,) * 7,
    "api:skill-category-list": (401,) + (OK,) * 7,
    "api:skill-category-detail": (401,) + (OK,) * 7,
    "api:skill-list": (401,) + (OK,) * 7,
    "api:skill-detail": (401,) + (OK,) * 7,
    "api:role-list": (401,) + (OK,) * 7,
    "api:role-detail": (401,) + (OK,) * 7,
    "api:role-requirement-list": (401,) + (OK,) * 7,
    "api:role-requirement-detail": (401,) + (OK,) * 7,
    "api:audience-requirement-list": (401,) + (OK,) * 7,
    "api:audience-requirement-detail": (401,) + (OK,) * 7,
    "api:team-list": (401,) + (OK,) * 7,  # each sees the teams they may read
    "api:team-detail": (401, 404, 404, OK, 404, 404, OK, OK),
    "api:person-list": (401,) + (OK,) * 7,
    "api:person-detail": (401, OK, 404, OK, 404, 404, 404, OK),
    "api:plan-list": (401, 403, 403, 403, 403, 403, OK, OK),
    "api:plan-detail": (401, 403, 403, 403, 403, 403, OK, OK),
    # Plan writes (POST/PUT/DELETE only): refused before the method to all but leadership.
    "api:plan-goals": API_NO_GET,
    "api:plan-goal": (401, 403, 403, 403, 403, 403, OK, OK),
    "api:plan-partners": API_NO_GET,
    "api:plan-partner": (401, 403, 403, 403, 403, 403, OK, OK),
    "api:plan-remedy": (401, 403, 403, 403, 403, 403, OK, OK),
    "api:plan-concern-triage": API_NO_GET,
    "api:concern-list": (401,) + (OK,) * 7,
    "api:concern-detail": (401, OK, 404, 404, 404, 404, OK, OK),  # the raiser and leadership
    "api:provider-list": (401,) + (OK,) * 7,
    "api:provider-detail": (401,) + (OK,) * 7,
    "api:resource-list": (401,) + (OK,) * 7,
    "api:resource-detail": (401,) + (OK,) * 7,
    "api:rating-list": (401,) + (OK,) * 7,
    "api:rating-manager": API_NO_GET,
    "api:rating-self-assessment": API_NO_GET,
    "api:rating-detail": (401, OK, 404, OK, 404, 404, 404, OK),
    "api:plan-item-list": (401,) + (OK,) * 7,
    "api:plan-item-assign": API_NO_GET,
    "api:plan-item-detail": (401, OK, 404, OK, 404, 404, 404, OK),
    "api:plan-item-transition": API_NO_GET,
    "api:cycle-list": (401, 403, 403, OK, OK, 403, OK, OK),
    "api:cycle-detail": (401, 403, 403, OK, OK, 403, OK, OK),
    # POST only: 405 to a GET whoever asks; who may not open or close a cycle: 403 on POST.
    "api:cycle-open": API_NO_GET,
    "api:cycle-close": API_NO_GET,
    # An organization-wide cycle: every manager sees the completion of their teams.
    "api:cycle-completion": (401, 403, 403, OK, OK, 403, OK, OK),
    # The curators' API: curators and admins only.
    "api:mapping-rule-list": (401, 403, 403, 403, 403, OK, 403, OK),
    "api:mapping-rule-detail": (401, 403, 403, 403, 403, OK, 403, OK),
    "api:unmapped-resource-list": (401, 403, 403, 403, 403, OK, 403, OK),
    "api:import-run-list": (401, 403, 403, 403, 403, OK, 403, OK),
    "api:import-run-detail": (401, 403, 403, 403, 403, OK, 403, OK),
    "api:token-list": (401,) + (OK,) * 7,  # each lists their own
    "api:token-detail": (401, OK, 404, 404, 404, 404, 404, 404),  # only its owner
    "api:service-token-list": (401,) + (403,) * 6 + (OK,),
    "api:service-token-detail": (401,) + (403,) * 6 + (OK,),
    # Webhooks: admins only (a test event is POST only: GET is 405 to the admin).
    "api:webhook-list": (401,) + (403,) * 6 + (OK,),
    "api:webhook-detail": (401,) + (403,) * 6 + (OK,),
    "api:webhook-deliveries": (401,) + (403,) * 6 + (OK,),
    "api:webhook-send-test": API_NO_GET,  # POST only
    "api:schema": (401,) + (OK,) * 7,
    "api:docs": SIGNED_IN,
    "api:not-found": (404,) * 8,
    # SCIM: a bearer service token with the SCIM right only; a session is no credential
    # (tests/readiness/test_scim_auth.py covers the tokens).
    "scim:root": (401,) * 8,
    "scim:service-provider-config": (401,) * 8,
    "scim:resource-types": (401,) * 8,
    "scim:resource-type": (401,) * 8,
    "scim:schemas": (401,) * 8,
    "scim:schema": (401,) * 8,
    "scim:users": (401,) * 8,
    "scim:search": (401,) * 8,
    "scim:users-search": (401,) * 8,
    "scim:user": (401,) * 8,
    "scim:groups": (401,) * 8,
    "scim:groups-search": (401,) * 8,
    "scim:group": (401,) * 8,
    "scim:not-found": (401,) * 8,
    # Pages
    "readiness:concern-create": SIGNED_IN,
    "readiness:concern-mine": SIGNED_IN,
    "readiness:tokens": SIGNED_IN,
    "readiness:token-revoke": POST_ONLY,
    "readiness:service-token-create": POST_ONLY,
    "readiness:service-token-revoke": POST_ONLY,
    "readiness:webhooks": (LOGIN,) + (403,) * 6 + (OK,),
    "readiness:webhook-detail": (LOGIN,) + (403,) * 6 + (OK,),
    "readiness:webhook-test": POST_ONLY,
    "readiness:webhook-active": POST_ONLY,
    "readiness:webhook-delete": POST_ONLY,
    "catalog:list": SIGNED_IN,
    "catalog:detail": SIGNED_IN,
    "catalog:curate": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:resource-create": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:resource-edit": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:resource-retire": (LOGIN, 403, 403, 403, 403, 405, 403, 405),
    "catalog:unmapped": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:rules": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:rule-edit": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:certifications": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:certification-create": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:certification-edit": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:rules-apply": (LOGIN, 403, 403, 403, 403, 405, 403, 405),
    "catalog:import": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:import-detail": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:import-status": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "catalog:import-confirm": (LOGIN, 403, 403, 403, 403, 405, 403, 405),  # POST only
    "assessments:my-readiness": (LOGIN,) + (OK,) * 6 + (404,),  # the admin is no person
    "assessments:my-assessment": (LOGIN,) + (OK,) * 6 + (404,),
    "assessments:my-assessment-confirm": POST_ONLY,
    "assessments:my-plan": (LOGIN,) + (OK,) * 6 + (404,),
    "assessments:my-plan-add": POST_ONLY,
    "assessments:my-plan-suggest": POST_ONLY,
    "assessments:my-plan-item-action": POST_ONLY,
    "assessments:my-history": (LOGIN,) + (OK,) * 6 + (404,),
    "assessments:my-verified-learning": (LOGIN,) + (OK,) * 6 + (404,),
    "assessments:my-transcript-sync": POST_ONLY,
    # GET goes back to the page (the form lives there); the admin has no person.
    "assessments:my-certification-add": (LOGIN,) + (REDIRECT,) * 6 + (404,),
    "assessments:person-certification-verify": POST_ONLY,
    "assessments:my-transcript-unlink": POST_ONLY,
    "assessments:person-detail": (LOGIN, REDIRECT, 404, OK, 404, 404, 404, OK),  # self → /me/
    "assessments:person-history": (LOGIN, REDIRECT, 404, OK, 404, 404, 404, OK),
    "assessments:team-list": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:team-detail": (LOGIN, 404, 404, OK, 404, 404, OK, OK),
    "assessments:team-edit": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    "assessments:team-review": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    # Leadership: the team's figures on its page, not its members (403).
    "assessments:team-gaps": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    # Leadership outside the team: its certification figures, under the privacy floor.
    "assessments:team-certifications": (LOGIN, 404, 404, OK, 404, 404, OK, OK),
    "assessments:team-export": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    "assessments:team-import": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    "assessments:cycle-list": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:cycle-create": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:cycle-detail": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:cycle-open": POST_ONLY,
    "assessments:cycle-close": (LOGIN, 403, 403, 403, 403, 403, OK, OK),  # a confirmation page
    "assessments:dashboard": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:dashboard-export": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:dashboard-certifications": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:plan-list": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-create": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-detail": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-edit": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-report": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-goal-create": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-goal-edit": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-goal-delete": POST_ONLY,
    "assessments:plan-partner-create": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-partner-edit": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-partner-delete": POST_ONLY,
    "assessments:plan-remedy-edit": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:plan-remedy-delete": POST_ONLY,
    "assessments:plan-concern-triage": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "audit:list": (LOGIN,) + (403,) * 6 + (OK,),
}

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
