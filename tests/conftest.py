import datetime as dt
import functools
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hypothesis import Phase  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from tests.celery_worker import celery_test_worker  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402

# --- Hypothesis: the same examples on every run in CI, more of them at night -----------------
# HYPOTHESIS_PROFILE picks one (default "ci"): a red CI then means the code changed, not luck;
# "nightly" searches ten times wider with fresh randomness ("dev": random, the default count).
hypothesis_settings.register_profile("ci", derandomize=True, max_examples=60, print_blob=True)
hypothesis_settings.register_profile("nightly", max_examples=600, print_blob=True)
hypothesis_settings.register_profile("dev", max_examples=60)
# `make mutate` runs the property tests hundreds of times: derandomized, fewer examples, and
# no shrinking (a mutant needs a failure, not the smallest one: shrinking took minutes a mutant).
hypothesis_settings.register_profile(
    "mutation",
    derandomize=True,
    max_examples=10,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _seeded_faker() -> None:
    """Faker (names in the factories) from a fixed seed at every test: the same data whatever
    runs before, so a failure replays (factory_boy reseeds Faker's shared generator too)."""
    import factory.random

    factory.random.reseed_random("readiness-tests")


@pytest.fixture
def password() -> str:
    return PASSWORD


# --- Real services: skipped on a bare laptop, required in CI ----------------------------------
# .ci/run exports REQUIRE_SERVICES=1 (and CI=true): there a test that needs PostgreSQL, Redis or
# Chromium must fail when the service is missing, never pass quietly as a skip.
CHROMIUM = "/usr/bin/chromium"
# The flags this machine needs: no sandbox as root, and no background calls to Google's hosts
# (the network is closed; without these Chromium retries refused connections at every start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1" or os.environ.get("CI", "").lower() == "true"


def _service_missing(reason: str) -> None:
    if services_required():
        pytest.fail(
            f"{reason} (services are required here: REQUIRE_SERVICES=1 or CI=true)", pytrace=False
        )
    pytest.skip(reason)


@pytest.fixture
def require_postgres() -> None:
    """Use in tests that need PostgreSQL itself (e.g. SQL that SQLite does not run)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        _service_missing(
            "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/readiness"
        )


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of a Redis server that answers PING (CELERY_BROKER_URL when it is a Redis URL)."""
    import redis

    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        url = "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        _service_missing(f"needs Redis at {url}: {exc}")
    finally:
        client.close()
    return url


#: The fixtures that run a worker (``tests/celery_worker.py``): its app is current meanwhile.
WORKER_FIXTURES = frozenset({"celery_worker_app", "worker_app"})


@pytest.fixture(scope="module")
def celery_worker_app(redis_url, django_db_setup):
    """``celery_test_worker`` for the module whose tests ask (the webhook worker tests). Not
    one for the session: its app is Celery's current and default app while it runs, and a
    session's worker took every task queued after it, the HR upsert jobs of the API tests (run
    eagerly by the project's app, they went to this worker instead, and were read back still
    "running")."""
    with celery_test_worker(redis_url) as app:
        yield app


@pytest.fixture(autouse=True)
def _project_celery_app(request: pytest.FixtureRequest) -> None:
    """Outside the tests that run a worker, the project's app is Celery's current app, in this
    thread and in a new one (the live server's request threads take the default app): a task
    queued with ``delay`` goes through it (its ``task_always_eager``, its broker), never to a
    test worker left running."""
    if WORKER_FIXTURES & set(request.fixturenames):
        return
    import threading

    from celery import current_app

    from readiness.celery import app as project_app

    in_a_new_thread = []
    thread = threading.Thread(
        target=lambda: in_a_new_thread.append(current_app._get_current_object())
    )
    thread.start()
    thread.join()
    apps = (current_app._get_current_object(), *in_a_new_thread)
    assert apps == (project_app, project_app), (
        f"Celery's current apps are {apps}, not the project's: a test worker was left running"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches Debian's Chromium: Playwright's own browser download is
    neither needed nor possible here."""
    if not os.path.exists(CHROMIUM):
        _service_missing(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Any test that drives a page is a browser test, so `-m "not browser"` leaves them all out.
    drives_a_page = {"page", "context", "browser"}
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if drives_a_page & fixtures and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


@functools.cache
def _migrated_apps():  # noqa: ANN202
    """The models as the migrations leave them: seeds applied through them behave as in a real
    migration (no signal, so no audit history row for a seeded object)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.project_state().apps


def _apply_seeds() -> None:
    import importlib

    from django.db import transaction

    apps = _migrated_apps()
    framework = importlib.import_module("readiness.migrations.0002_seed_framework")
    resources = importlib.import_module("catalog.migrations.0002_seed_resources")
    # One transaction: one commit, not one for each of the ~700 statements.
    with transaction.atomic():
        framework.seed_framework(apps, None)
        resources.seed_resources(apps, None)
        resources.grant_curator_permissions(apps, None)
        # The periodic tasks the migrations put in django-celery-beat's tables (re-runnable too).
        for module, function in (
            ("assessments.migrations.0003_periodic_tasks", "create_schedule"),
            ("assessments.migrations.0007_transcript_sync_schedule", "create_schedule"),
            ("readiness.migrations.0009_webhook_resume_schedule", "create_entry"),
            ("assessments.migrations.0013_resource_effectiveness", "create_schedule"),
            ("assessments.migrations.0015_dashboard_figures", "create_schedule"),
        ):
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def seed_content(db) -> None:
    """The seeded skills framework, catalog and groups (the 0002 data migrations), applied again:
    a transactional test's flush deletes migration data, and the seeds are re-runnable upserts."""
    _apply_seeds()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ANN201
    """A transactional test (live server, worker) ends with a flush that deletes the migrations'
    data. Once every fixture of such a test is torn down (the flush included), put the seeds
    back, so a test that runs later in the same database finds it as migrated, whatever order
    the tests run in."""
    yield
    marker = item.get_closest_marker("django_db")
    marked = marker is not None and bool(
        marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
    )
    if marked or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _apply_seeds()


#: When the tests that would otherwise read the real clock run: mid-day in Paris (the
#: organization's time zone), so a run that crosses midnight cannot split one between two days.
FIXED_MIDDAY = dt.datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def fixed_midday():
    """Travel to ``FIXED_MIDDAY``, the clock ticking from there."""
    with time_machine.travel(FIXED_MIDDAY, tick=True):
        yield FIXED_MIDDAY


@pytest.fixture(autouse=True)
def _browser_tests_at_a_fixed_midday(request: pytest.FixtureRequest):
    """Browser tests run at noon (Paris) of the day they start, the clock ticking from there:
    a test that starts at 23:59 does not end on another day. The live server is a thread of
    this process, so time-machine moves its clock too. Chromium keeps its real clock — hence
    the day itself is not moved far (months away, the pages' cache validators and the cookies'
    expiry dates, computed from the moved clock, mislead it) — and the cookies are made to
    outlive the hours between the two clocks."""
    if "live_server" not in request.fixturenames or request.node.get_closest_marker("real_clock"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.SESSION_COOKIE_AGE = settings.CSRF_COOKIE_AGE = 20 * 365 * 24 * 3600
    paris = ZoneInfo("Europe/Paris")
    midday = dt.datetime.combine(dt.datetime.now(paris).date(), dt.time(12), tzinfo=paris)
    with time_machine.travel(midday, tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: what one test kept must not show in the
    next (in the shared cache and in the process's copies)."""
    from readiness.caching import kept_clear

    kept_clear()


# --- The shared organizations (tests/orgs/), built with the factories ------------------------
# ``make_*`` fixtures hand the builder itself, for a test that needs its own sizes or several
# organizations; the others build the default one. ``team_org`` and ``employee_org`` take their
# sizes from an indirect parametrization: @pytest.mark.parametrize("team_org", [{"people": 50}],
# indirect=True).


@pytest.fixture
def make_team_org(db):  # noqa: ANN201
    """``build_team_org(people=, skills=, categories=, target=, parent=, rated=, at=)``."""
    from tests.orgs.team import build_team_org

    return build_team_org


@pytest.fixture
def team_org(request: pytest.FixtureRequest, make_team_org):  # noqa: ANN201
    return make_team_org(**getattr(request, "param", {}))


@pytest.fixture
def make_employee_org(db):  # noqa: ANN201
    """``build_employee_org(skills=, ratings_per_skill=, resources_per_skill=)``."""
    from tests.orgs.employee import build_employee_org

    return build_employee_org


@pytest.fixture
def employee_org(request: pytest.FixtureRequest, make_employee_org):  # noqa: ANN201
    return make_employee_org(**getattr(request, "param", {}))


@pytest.fixture
def reminder_org(db):  # noqa: ANN201
    from tests.orgs.reminder import build_reminder_org

    return build_reminder_org()


@pytest.fixture
def leadership_org(db):  # noqa: ANN201
    from tests.orgs.leadership import build_leadership_org

    return build_leadership_org()


@pytest.fixture
def plan_org(db) -> dict:
    from tests.orgs.plans import build_plan_org

    return build_plan_org()


@pytest.fixture
def security_org(db):  # noqa: ANN201
    from tests.orgs.security import build_security_org

    return build_security_org()
