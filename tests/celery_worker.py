"""A real Celery worker for the tests that go through the broker (reminder sweeps, snapshots,
webhook retries): ``tests/conftest.py::celery_worker_app`` (one for the session) and
``tests/assessments/conftest.py::worker_app`` (one per module) start it."""

import contextlib
from collections.abc import Iterator

from celery import Celery


@contextlib.contextmanager
def celery_test_worker(redis_url: str) -> Iterator[Celery]:
    """A Celery app on Redis (broker and results), on a queue of its own, with a two-thread
    worker consuming it (threads: the locmem outbox is shared with the test); every shared task
    is registered on it. Its threads open their own connections: the tests that use it are
    transactional.

    While it runs, its app is the current app and Celery's default (the app of any thread
    that has none of its own): Celery's ``start_worker`` makes it so, and must, as its pool
    threads find the task of each message through the default app. So every ``delay`` of any
    thread goes to this worker meanwhile — the live server's request threads included, whatever
    ``task_always_eager`` says on the project's app. Hence a worker lasts one module at most,
    its tests the only ones to ask for it; the project's app is current again once it stops
    (``tests/conftest.py::_project_celery_app`` checks that at every other test)."""
    import uuid

    from celery.contrib.testing.worker import start_worker

    import assessments.tasks  # noqa: F401 - registers the shared tasks on every app
    import readiness.webhooks.tasks  # noqa: F401
    from readiness.celery import app as project_app

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
