"""Fixtures shared by the person-side tests."""

from tests.assessments.badge_issuer import badge_issuer  # noqa: F401 - a fixture
from tests.assessments.transcript_server import transcript_server  # noqa: F401 - a fixture
