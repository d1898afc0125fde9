"""A real Celery worker for the tests that go through the broker (reminder sweeps, snapshots,
webhook retries): ``tests/conftest.py::celery_worker_app`` (one for the session) and
``tests/assessments/conftest.py::worker_app`` (one per module) start it."""

import contextlib
from collections.abc import Iterator

from celery import Celery


@contextlib.contextmanager
def celery_test_worker(redis_url: str, *, current: bool = False) -> Iterator[Celery]:
    """A Celery app on Redis (broker and results), on a queue of its own, with a two-thread
    worker consuming it (threads: the locmem outbox is shared with the test); every shared task
    is registered on it. ``current``: made the current app while it runs (tasks that queue
    more tasks queue them through it). Its threads open their own connections: the tests that
    use it are transactional."""
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
    if current:
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
