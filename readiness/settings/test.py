"""Settings for the test suite: fast hashing, in-memory mail, eager-free Celery."""

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS, env

# The tests seed the demo organization (``seed_demo``): the development app is installed.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105  # nosec B105 # the test suite key, never used outside tests
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_ALWAYS_EAGER = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The tests' webhook receivers are local HTTP servers.
WEBHOOK_ALLOW_HTTP_LOOPBACK = True
# The tests' Open Badges issuers are local HTTP servers.
BADGE_ALLOW_HTTP_LOOPBACK = True
# PostgreSQL as in production, except the flush after a transactional test: DELETE instead
# of TRUNCATE, ten times faster (tests/postgresql/base.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "tests.postgresql"
# Every kept page goes through the process's copies too (readiness/near_cache.py), as in
# production in front of Redis: the kept-page tests cover both layers.
READINESS_NEAR_CACHE_BYTES = 8 << 20
