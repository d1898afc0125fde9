"""The security tests' shared tables: what every persona gets on every URL (``EXPECTED``,
checked by test_permission_matrix.py and test_permission_matrix_posts.py) and who posts what
where (``POSTERS``, ``FUZZED`` and the hostile values, used by test_hostile_input.py,
test_malformed_input.py and production_stack.py). A new page gets its row here."""

import re

# --- The permission matrix (GET) ------------------------------------------------------------

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
    "api:me-badge-list": (401,) + (OK,) * 6 + (404,),
    "api:badges-waiting": (401, 403, 403, 403, 403, OK, 403, OK),
    "api:badge-rule-list": (401, 403, 403, 403, 403, OK, 403, OK),
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
    "api:hr-upsert-job-list": (401,) + (403,) * 6 + (OK,),
    "api:hr-upsert-job-detail": (401,) + (403,) * 6 + (OK,),
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
    "api:certification-list": (401,) + (OK,) * 7,
    "api:certification-detail": (401,) + (OK,) * 7,
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
    "assessments:my-badge-upload": (LOGIN,) + (REDIRECT,) * 6 + (404,),
    "assessments:badge-queue": (LOGIN, 403, 403, 403, 403, OK, 403, OK),
    "assessments:person-certification-verify": POST_ONLY,
    "assessments:my-transcript-unlink": POST_ONLY,
    "assessments:person-detail": (LOGIN, REDIRECT, 404, OK, 404, 404, 404, OK),  # self → /me/
    "assessments:person-history": (LOGIN, REDIRECT, 404, OK, 404, 404, 404, OK),
    "assessments:team-list": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:team-detail": (LOGIN, 404, 404, OK, 404, 404, OK, OK),
    # Leadership outside the team: its certification figures, under the privacy floor.
    "assessments:team-certifications": (LOGIN, 404, 404, OK, 404, 404, OK, OK),
    "assessments:team-edit": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    "assessments:team-review": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    # Leadership: the team's figures on its page, not its members (403).
    "assessments:team-gaps": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    "assessments:team-export": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    "assessments:team-import": (LOGIN, 404, 404, OK, 404, 404, 403, OK),
    "assessments:cycle-list": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:cycle-create": (LOGIN, 403, 403, 403, 403, 403, OK, OK),
    "assessments:cycle-detail": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:cycle-open": POST_ONLY,
    "assessments:cycle-close": (LOGIN, 403, 403, 403, 403, 403, OK, OK),  # a confirmation page
    "assessments:dashboard": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:dashboard-certifications": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
    "assessments:dashboard-export": (LOGIN, 403, 403, OK, OK, 403, OK, OK),
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


# --- The hostile-input tables --------------------------------------------------------------

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
    "api:certification-detail": "curator",
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
    "assessments:my-badge-upload": "employee",
    "assessments:badge-queue": "curator",
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
    "api:me-badge-list": "employee",
    "api:badge-rule-list": "curator",
    "api:mapping-rule-detail": "curator",
}

# Fields posted where the form cannot be read (POST-only views) — besides the form's own.
GENERIC_FIELDS = [
    "name",
    "title",
    "text",
    "note",
    "level",
    "resource",
    "skill",
    "person",
    "status",
    "reason",
    "version",
    "account",
    "expires_in_days",
    "q",
]

# Rows these may change on a refused request: failed logins are recorded (django-axes), and
# sessions are the test client's own.
UNCOUNTED_APPS = {"axes", "sessions"}

HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
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

FUZZED = sorted(name for name, persona in POSTERS.items() if persona)

FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
