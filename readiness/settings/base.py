"""Settings shared by every environment; every value that varies comes from the environment.

`make run` uses this module as it is: SQLite under var/, an embedded filesystem broker for
Celery, mail on the console. Production overrides live in `production.py`.
"""

from datetime import timedelta

import jinja2
import xstatic.pkg.bootstrap
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from readiness.settings.environment import BASE_DIR, env

VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "axes",
    "readiness",
    "catalog",
    "assessments",
    "simple_history",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The data version, read once per GET before anything else (readiness/caching.py).
    "readiness.caching.DataVersionMiddleware",
    # A body declared larger than REQUEST_MAX_BYTES is refused before it is read.
    "readiness.uploads.RequestSizeLimitMiddleware",
    # A signed-in user's body larger than its form's own bound is measured, not parsed, before
    # the CSRF check reads request.POST (a pasted badge past Django's 2.5 MB of fields: its
    # field's message). Its process_view runs after AuthenticationMiddleware set request.user.
    "readiness.uploads.FormMeasureMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The product's 403/404 pages even under DEBUG (readiness/error_pages.py).
    "readiness.error_pages.ProductErrorPagesMiddleware",
    "csp.middleware.CSPMiddleware",
    # Who made a change, for the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A query parameter an API operation does not document: a 400 (readiness/api/query.py).
    "readiness.api.query.UnknownParametersMiddleware",
    # Last, as django-axes asks: it turns a lock-out signalled by the backend into the page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "readiness.urls"
WSGI_APPLICATION = "readiness.wsgi.application"
ASGI_APPLICATION = "readiness.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "readiness.context_processors.navigation",
                "assessments.context_processors.cycle_banner",
            ],
        },
    },
    {
        # The few hot loops of the heaviest pages (the self-assessment's rows at 164 skills):
        # Jinja2 draws them several times faster than Django templates (issue 18). Fragments
        # only, rendered by a presenter into a Django page; autoescaped like Django's.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True, "undefined": jinja2.StrictUndefined},
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'readiness.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The few statements a built page runs at every visit (readiness.sql.prepared_cursor) are
    # prepared on the connection once they ran this many times there, so PostgreSQL plans them
    # once, not at every visit (Django's default, None, turns preparing off). Django's own
    # cursors bind client-side and never prepare, whatever the threshold. "off" behind a pooler
    # in transaction mode that does not keep prepared statements (PgBouncer before 1.21).
    _threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "prepare_threshold", None if _threshold.lower() == "off" else int(_threshold)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat share the file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Pages and figures kept until the data changes (readiness/caching.py): in-process memory by
# default; a shared cache in production, e.g. CACHE_URL=redis://127.0.0.1:6379/1.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://readiness"),
}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 500)
READINESS_CACHE = env.bool("READINESS_CACHE", default=True)
READINESS_CACHE_SECONDS = env.int("READINESS_CACHE_SECONDS", default=15 * 60)
# An erasure clears the cache when it commits, and again this many seconds later, once every
# request under way then has ended: longer than the web server's timeout (the image's
# gunicorn: 120 s).
ERASURE_CLEAR_AGAIN_SECONDS = env.int("ERASURE_CLEAR_AGAIN_SECONDS", default=150)
# In front of a shared cache, each process keeps copies of the pages it served in its own
# memory, within this many bytes (readiness/near_cache.py): a 50-person map is 469 kB. 0: none
# (the default when the cache is the process's memory already, or none).
READINESS_NEAR_CACHE_BYTES = env.int(
    "READINESS_NEAR_CACHE_BYTES",
    default=0 if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")) else 32 << 20,
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username+IP before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The password form: refuses everybody but superusers when PASSWORD_LOGIN is off.
    "readiness.sso.backends.PasswordBackend",
    # Sessions opened by single sign-on (readiness/sso/); it never checks a password.
    "readiness.sso.backends.OidcSessionBackend",
]
# Login throttling: 5 failures for one username from one IP lock that pair out for 15 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Lock-outs are still logged as warnings; no start-up banner on every manage.py command.
AXES_VERBOSE = False
# The lock-out key's address: X-Forwarded-For is read only through this many reverse proxies
# of ours in front of the app (0: gunicorn faces the clients and the header is ignored), so a
# client can never choose the address it is counted under (readiness/client_address.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "readiness.client_address.client_ip_address"
# Sessions end after 12 hours (and when the browser closes nothing is kept longer).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from this site, plus the nonce the Swagger
# UI page puts on its one inline script. Styles only from this site, no 'unsafe-inline':
# templates use no style="" attribute nor <style> element (widths are classes of
# static/css/widths.css); scripts may still set element.style, which the policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Readiness <readiness@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The product's own settings -------------------------------------------------------------
# Days after which a self-assessment is stale; a skill's own interval overrides it.
REASSESSMENT_INTERVAL_DAYS = env.int("REASSESSMENT_INTERVAL_DAYS", default=90)
# Leadership views hide aggregates over fewer people than this (privacy).
MIN_AGGREGATE_PEOPLE = env.int("MIN_AGGREGATE_PEOPLE", default=5)
# Whether members may read their own team's skill map.
TEAM_MAP_VISIBLE_TO_MEMBERS = env.bool("TEAM_MAP_VISIBLE_TO_MEMBERS", default=False)
# The team grid editor posts one select per (member, skill): 50 × 40 is 2,000 fields, above
# Django's default limit of 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=10_000)
# Memory an upload may take: form fields up to 2.5 MB; a file past 2.5 MB streams to a temporary
# file (the Learn import reads its file only once its size is known to be within 64 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Any request body declared larger than this is refused (413) before it is read
# (readiness/uploads.py): the 64 MB Learn catalog file plus 1 MB for its form.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=65 * 2**20)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange tables (the worker's broadcast queues); kombu's default is ./control.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# People per batch task of the chunked nightly sweeps (reminders, snapshots): several workers
# share a sweep batch by batch (assessments/sweeps).
SWEEP_BATCH_SIZE = env.int("SWEEP_BATCH_SIZE", default=500)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- REST framework, API tokens, SCIM, OpenAPI: readiness/settings/api.py ------------------
from readiness.settings.api import *  # noqa: E402, F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Microsoft Learn importer ---------------------------------------------------------------
# The Learn Platform API sync runs only when the three credentials are set.
LEARN_API_BASE = env.str("LEARN_API_BASE", default="https://learn.microsoft.com/api/v1").rstrip("/")
LEARN_TOKEN_URL = env.str(
    "LEARN_TOKEN_URL", default="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
)
LEARN_TOKEN_SCOPE = env.str("LEARN_TOKEN_SCOPE", default="https://learn.microsoft.com/.default")
LEARN_TENANT_ID = env.str("LEARN_TENANT_ID", default="")
LEARN_CLIENT_ID = env.str("LEARN_CLIENT_ID", default="")
LEARN_CLIENT_SECRET = env.str("LEARN_CLIENT_SECRET", default="")
LEARN_API_VERSION = env.str("LEARN_API_VERSION", default="2023-11-01-preview")
LEARN_HTTP_TIMEOUT = env.float("LEARN_HTTP_TIMEOUT", default=30.0)
LEARN_MAX_RETRIES = env.int("LEARN_MAX_RETRIES", default=5)
# The longest wait a Retry-After header (or the back-off) may impose, in seconds.
LEARN_RETRY_MAX_WAIT = env.float("LEARN_RETRY_MAX_WAIT", default=120.0)
# Learner transcripts (shared links): the share id and "?locale=" are appended to the base.
LEARN_TRANSCRIPT_API_BASE = env.str(
    "LEARN_TRANSCRIPT_API_BASE",
    default="https://learn.microsoft.com/api/profiles/transcript/share/",
)
# The nightly sync spreads its reads over this many seconds, at most this many a minute.
LEARN_TRANSCRIPT_SYNC_SPREAD = env.int("LEARN_TRANSCRIPT_SYNC_SPREAD", default=4 * 3600)
LEARN_TRANSCRIPT_RATE_LIMIT = env.str("LEARN_TRANSCRIPT_RATE_LIMIT", default="20/m")
# A certification expiring within this many days shows as "expiring".
CERTIFICATION_EXPIRING_DAYS = env.int("CERTIFICATION_EXPIRING_DAYS", default=60)
# Expiry reminders go out this many days before a certification expires (each once).
CERTIFICATION_REMINDER_DAYS = env.list("CERTIFICATION_REMINDER_DAYS", cast=int, default=[60, 30, 7])
# The managers' digest lists (once each) their people's certifications expiring within this
# many days; the coverage views show those expiring within CERTIFICATION_COVERAGE_DAYS.
CERTIFICATION_DIGEST_DAYS = env.int("CERTIFICATION_DIGEST_DAYS", default=30)
CERTIFICATION_COVERAGE_DAYS = env.int("CERTIFICATION_COVERAGE_DAYS", default=90)
# Open Badges (assessments/learning_records/badges/): hosted assertions, badge classes,
# issuers, keys and revocation lists are fetched over HTTPS with these limits, never from a
# private or loopback address; BADGE_ALLOW_HTTP_LOOPBACK lets the tests serve them locally.
BADGE_HTTP_TIMEOUT = env.float("BADGE_HTTP_TIMEOUT", default=10.0)
BADGE_FETCH_MAX_BYTES = env.int("BADGE_FETCH_MAX_BYTES", default=512 * 1024)
BADGE_UPLOAD_MAX_BYTES = env.int("BADGE_UPLOAD_MAX_BYTES", default=2 * 1024 * 1024)
BADGE_ALLOW_HTTP_LOOPBACK = env.bool("BADGE_ALLOW_HTTP_LOOPBACK", default=False)
# A PEM file of the certificate authorities issuers' HTTPS certificates are checked against,
# instead of the public ones (certifi): an in-house issuer, or the tests' own. Empty: public.
BADGE_CA_BUNDLE = env.str("BADGE_CA_BUNDLE", default="")

# --- Single sign-on (OpenID Connect, readiness/sso/) -------------------------------------------
# On when the discovery URL, the client id and the secret are all set.
OIDC_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your organization's account")
OIDC_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
# Claim value (app role value or group id) → "Leadership", "Curators" or "admin" (superuser),
# e.g. OIDC_ROLE_MAP=Readiness.Leadership=Leadership,Readiness.Curators=Curators
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
OIDC_ROLE_CLAIMS = env.list("OIDC_ROLE_CLAIMS", default=["roles", "groups"])
# The immutable id of a person at the provider, kept on the person (Entra ID: oid).
OIDC_SUBJECT_CLAIM = env.str("OIDC_SUBJECT_CLAIM", default="sub")
# The boolean claim that says the e-mail claim is verified (Entra ID: xms_edov).
OIDC_EMAIL_VERIFIED_CLAIM = env.str("OIDC_EMAIL_VERIFIED_CLAIM", default="email_verified")
OIDC_CREATE_UNKNOWN = env.bool("OIDC_CREATE_UNKNOWN", default=False)
# How far the provider's clock may be off ours when checking exp / iat of an ID token.
OIDC_CLOCK_SKEW_SECONDS = env.int("OIDC_CLOCK_SKEW_SECONDS", default=60)
OIDC_HTTP_TIMEOUT = env.float("OIDC_HTTP_TIMEOUT", default=10.0)
# Off: the password form is hidden and refused, except to superusers at
# /accounts/login/?break-glass=1 (still throttled by django-axes).
PASSWORD_LOGIN = env.bool("PASSWORD_LOGIN", default=True)
_OIDC_ROLE_TARGETS = {"Leadership", "Curators", "admin"}
if set(OIDC_ROLE_MAP.values()) - _OIDC_ROLE_TARGETS:
    raise ImproperlyConfigured(
        f"OIDC_ROLE_MAP may map only to {sorted(_OIDC_ROLE_TARGETS)}, "
        f"not {sorted(set(OIDC_ROLE_MAP.values()) - _OIDC_ROLE_TARGETS)}."
    )

# --- HR upsert ----------------------------------------------------------------------------------
# Entries one request may carry, and up to how many people it is answered at once: a larger
# one (or one sent with "Prefer: respond-async") is queued for a worker and answered 202.
HR_UPSERT_MAX_PEOPLE = env.int("HR_UPSERT_MAX_PEOPLE", default=100_000)
HR_UPSERT_MAX_TEAMS = env.int("HR_UPSERT_MAX_TEAMS", default=10_000)
HR_UPSERT_SYNC_MAX_PEOPLE = env.int("HR_UPSERT_SYNC_MAX_PEOPLE", default=20_000)

# --- Webhooks ----------------------------------------------------------------------------------
# Attempts per delivery (then it is marked failed), the back-off between them (doubling from
# the base, capped), the HTTP timeout, and how much of a response is kept to show.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=3600)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_RESPONSE_KEEP_CHARS = 1000
# Plain http:// to a loopback address (127.0.0.1, ::1, localhost) only: for tests and a local
# receiver. Every other endpoint must be https://.
WEBHOOK_ALLOW_HTTP_LOOPBACK = env.bool("WEBHOOK_ALLOW_HTTP_LOOPBACK", default=False)

# SQLite cannot enforce "NULLS NOT DISTINCT" (the snapshot uniqueness); PostgreSQL does, and
# the snapshot service replaces a date's rows in one transaction on either database. Nor can
# it cover columns in an index (W040: the latest-rating index's INCLUDE, PostgreSQL's access
# path for the states statement; SQLite builds the index without them).
SILENCED_SYSTEM_CHECKS = ["models.W047", "models.W040"]
# Django 6 behaviour now: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True
# knox's own migrations create its default token table even though readiness.ApiToken replaces
# it (the model is swapped); that orphan table references auth_user and blocks TRUNCATE in the
# transactional tests on PostgreSQL. Without migrations, Django skips the swapped model.
MIGRATION_MODULES = {"knox": None}
