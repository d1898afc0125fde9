"""Settings of the benchmark: production-like (DEBUG off, persistent connections) on loopback.

No TLS on 127.0.0.1, so no SSL redirect and no secure-only session cookie; mail goes to the
locmem backend; the URLconf adds a trivial view, the framework floor.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/readiness_bench")

from readiness.settings.dev import *  # noqa: E402, F403
from readiness.settings.dev import DATABASES  # noqa: E402
from readiness.settings.environment import env  # noqa: E402

DEBUG = False
SECRET_KEY = "bench-only-" + "x" * 60  # noqa: S105 - loopback benchmark, never deployed
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
ROOT_URLCONF = "bench.urls"
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The kept pages in one cache shared by the server's workers, as in production
# (docker-compose.yml: CACHE_URL=redis://redis:6379/1), on a Redis database of the bench's own;
# BENCH_CACHE_URL=locmemcache://bench measures a cache per worker process instead.
CACHES = {"default": env.cache_url("BENCH_CACHE_URL", default="redis://127.0.0.1:6379/14")}
# Each worker's copies in front of the shared cache, as base.py sets them in front of
# CACHE_URL's (BENCH_NEAR_CACHE_BYTES=0: the shared cache alone).
READINESS_NEAR_CACHE_BYTES = env.int(
    "BENCH_NEAR_CACHE_BYTES",
    default=0 if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")) else 32 << 20,
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# The sweep step's workers (bench.sweeps) consume a queue of their own, and so do the batch
# tasks they queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BENCH_CELERY_QUEUE", "celery")
# The API's rate limit (readiness/api/throttling.py) is per caller: wrk sends thousands of
# requests a minute with one token, far past the production 1,200 a minute, and would measure
# 429 answers instead of the API. The bench measures throughput, so the limit is raised out of
# reach — still counted on every request (its cost stays in the figure), over a one-second
# window, whose count holds fewer entries at the bench's rates than the production limit's.
API_THROTTLE_RATE = "1000000/second"
