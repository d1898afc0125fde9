"""The API's settings (imported by ``base``): Django REST framework, API tokens (knox), SCIM
provisioning and the OpenAPI schema (drf-spectacular)."""

from readiness.settings.environment import env

REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "readiness.api.exceptions.exception_handler",
    # JSON only, both ways: another body is a 415, another Accept a 406 (a JSON parser that
    # answers a too deeply nested body with a 400; no Browsable API).
    "DEFAULT_PARSER_CLASSES": ["readiness.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "readiness.api.query.FilterBackend",
        "readiness.api.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["readiness.api.throttling.RateLimitThrottle"],
    "DEFAULT_PAGINATION_CLASS": "readiness.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "readiness.api.schema.AutoSchema",
}
#: The largest ``?page_size=`` an API list takes.
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)
#: Requests a signed-in caller may make to the API (DRF's "N/second|minute|hour|day"; empty:
#: no limit). Over it: 429 with Retry-After; every answer has the RateLimit-* headers.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1200/minute")
#: A PUT, PATCH or DELETE of the API without If-Match: allowed (off) or a 428 (on).
API_REQUIRE_IF_MATCH = env.bool("API_REQUIRE_IF_MATCH", default=False)
# API tokens (django-rest-knox): hashed, named, expiring; see readiness.models.ApiToken.
KNOX_TOKEN_MODEL = "readiness.ApiToken"  # nosec B105 # a model label and a token prefix, not secrets
REST_KNOX = {"TOKEN_TTL": None, "AUTO_REFRESH": False, "TOKEN_PREFIX": "rdy_"}  # nosec B105 # a model label and a token prefix, not secrets
# SCIM provisioning (/scim/v2/, readiness.scim): the enterprise extension's department →
# team path, as JSON ({"Sales EMEA": "Sales/EMEA"}); a department not listed is read as a
# team path itself. Missing teams are created.
SCIM_DEPARTMENT_TEAMS = env.json("SCIM_DEPARTMENT_TEAMS", default={})
# SCIM Groups (readiness.scim.groups): displayName / externalId (or a "prefix*") → "leadership",
# "curators" or "team:<team external id or path>" ("*" there: the rest of the displayName).
SCIM_GROUP_MAP = env.json("SCIM_GROUP_MAP", default={})
SPECTACULAR_SETTINGS = {
    "TITLE": "Readiness API",
    "DESCRIPTION": "Generative-AI skills readiness: skills framework, people, ratings, gaps, "
    "training catalog and plans.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Relative: the schema describes the deployment that serves it.
    "SERVERS": [{"url": "/", "description": "This deployment (paths start with /api/v1/)."}],
    "CONTACT": {
        "name": "Readiness administrators",
        "url": "/",
        "email": env.str("API_CONTACT_EMAIL", default="admin@example.com"),
    },
    "TAGS": [
        {"name": "me", "description": "The signed-in person: readiness, skills, recommendations."},
        {"name": "people", "description": "People and their skills and readiness."},
        {"name": "teams", "description": "Teams, their skill maps, gaps and readiness."},
        {"name": "audiences", "description": "Audiences and their readiness."},
        {"name": "skill-categories", "description": "Categories of the skills framework."},
        {"name": "skills", "description": "The skills framework."},
        {"name": "roles", "description": "Roles and the levels they require."},
        {"name": "role-requirements", "description": "A role's target level on a skill."},
        {"name": "audience-requirements", "description": "An audience's target level on a skill."},
        {"name": "ratings", "description": "Skill ratings (append-only): self and manager."},
        {"name": "plan-items", "description": "Learning plan items: add, assign, move along."},
        {"name": "cycles", "description": "Assessment cycles and their completion."},
        {"name": "plans", "description": "Readiness plans: goals, partners, gap remedies."},
        {"name": "concerns", "description": "Concerns raised about AI use, and their triage."},
        {"name": "providers", "description": "Training providers of the catalog."},
        {"name": "resources", "description": "Training resources and the skills they build."},
        {
            "name": "certifications",
            "description": "Curated certifications, the skills each evidences, and whether it "
            "counts as a manager-validated rating.",
        },
        {"name": "mapping-rules", "description": "Rules mapping imported resources to skills."},
        {"name": "unmapped-resources", "description": "Imported resources no rule mapped."},
        {"name": "import-runs", "description": "Catalog imports and their results."},
        {"name": "badges", "description": "Open Badges waiting for a curator's rule."},
        {"name": "badge-rules", "description": "Curators' rules mapping Open Badges."},
        {"name": "hr", "description": "Bulk upsert of teams and people from an HR system."},
        {"name": "tokens", "description": "My API tokens."},
        {"name": "service-tokens", "description": "Tokens of service accounts (admins)."},
        {"name": "webhooks", "description": "Webhook endpoints, their deliveries (admins)."},
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "readiness.api.schema.any_of_for_blank_alternatives",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "readiness.models.Level",
        "TargetLevelEnum": "readiness.api.schema.TARGET_LEVEL_CHOICES",
        "ResourceKindEnum": "catalog.models.ResourceKind",
        "SubmissionKindEnum": "assessments.models.SubmissionKind",
        "PlanStatusEnum": "readiness.models.PlanStatus",
        "ConcernStatusEnum": "readiness.models.ConcernStatus",
        "ProblemCodeEnum": "readiness.api.exceptions.PROBLEM_CODES",
    },
}
