"""Fixtures shared by the person-side tests."""

import pytest

from tests.assessments.badge_issuer import badge_issuer  # noqa: F401 - a fixture
from tests.assessments.transcript_server import transcript_server  # noqa: F401 - a fixture
from tests.celery_worker import celery_test_worker


@pytest.fixture(scope="module")
def worker_app(redis_url, django_db_setup):
    """A worker of this module's own (``tests/celery_worker.py::celery_test_worker``), its app
    current while it runs: the sweeps' tasks queue their batches through the current app, and
    these tests travel the clock by weeks, which a worker shared with later tests would carry
    in its timers."""
    with celery_test_worker(redis_url) as app:
        yield app
