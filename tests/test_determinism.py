"""The suite's randomness is pinned: Faker from a fixed seed at every test, hypothesis
derandomized unless a profile asks otherwise (tests/conftest.py)."""

import os

import pytest
from hypothesis import settings

from tests.factories import UserFactory

_names: list[str] = []


@pytest.mark.parametrize("run", [1, 2])
def test_every_test_starts_from_the_same_faker_seed(run):
    user = UserFactory.build()
    _names.append(f"{user.first_name} {user.last_name}")
    if run == 2:
        assert _names[0] == _names[1]


def test_hypothesis_is_derandomized_in_ci():
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    if profile in ("ci", "mutation"):
        assert settings.default.derandomize
    else:
        assert profile in ("nightly", "dev")
        assert settings.default.max_examples >= 60
