"""Fixtures shared by the person-side tests."""

import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from readiness.celery import app as project_app
from tests.assessments.badge_issuer import badge_issuer  # noqa: F401 - a fixture
from tests.assessments.transcript_server import transcript_server  # noqa: F401 - a fixture


@pytest.fixture(scope="module")
def worker_app(redis_url):
    """A Celery app on Redis (broker and results), on a queue of its own, with a worker of two
    concurrent threads consuming it (threads: the locmem outbox is shared with the test)."""
    import assessments.tasks  # noqa: F401 - registers the shared tasks on every app

    app = Celery("readiness-tests", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_url,
        broker_transport_options={},
        result_backend=redis_url,
        result_expires=600,
        task_always_eager=False,
        task_default_queue=f"readiness-tests-{uuid.uuid4().hex[:12]}",
        worker_hijack_root_logger=False,
    )
    # The tasks queue their batches through the current app: this one, while the worker runs.
    app.set_current()
    app.set_default()
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=2,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ):
            yield app
    finally:
        project_app.set_current()
        project_app.set_default()
