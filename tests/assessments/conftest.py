"""Fixtures shared by the person-side tests."""

from tests.assessments.transcript_server import transcript_server  # noqa: F401 - a fixture
