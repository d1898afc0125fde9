"""The worker's kept figures (effectiveness, the dashboard's) are refreshed once per committed
transaction, however many writes of that transaction ask for it (``services.debounce``)."""

from collections import Counter

import pytest
from django.db import transaction

from assessments.services.dashboard import dashboard_figures_refresh_later
from assessments.services.debounce import _RefreshOnCommit
from assessments.services.effectiveness import effectiveness_refresh_later
from assessments.services.me import RatingInput, self_assessment_submit
from tests.factories import PersonFactory, SkillFactory

pytestmark = pytest.mark.django_db


def _refreshes(callbacks: list) -> Counter:  # noqa: ANN001
    """The refresh tasks among the on-commit callbacks, counted; any other callback by name."""
    return Counter(
        c.task if isinstance(c, _RefreshOnCommit) else getattr(c, "__qualname__", repr(c))
        for c in callbacks
    )


def test_a_self_assessment_save_queues_each_refresh_once(django_capture_on_commit_callbacks):
    """The ratings ask for both refreshes, the submission's post_save for the dashboard's
    again: one callback each."""
    with django_capture_on_commit_callbacks(execute=True):  # the setup's own, committed
        person, skills = PersonFactory(), [SkillFactory(), SkillFactory()]
    with django_capture_on_commit_callbacks() as callbacks:
        self_assessment_submit(
            person=person,
            user=person.user,
            entries=[RatingInput(skill_id=skill.pk, level=2) for skill in skills],
        )
    assert _refreshes(callbacks) == {"refresh_effectiveness": 1, "refresh_dashboard_figures": 1}


def test_asking_again_at_the_same_level_adds_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(3):
            effectiveness_refresh_later()
            dashboard_figures_refresh_later()
    assert _refreshes(callbacks) == {"refresh_effectiveness": 1, "refresh_dashboard_figures": 1}


def test_a_refresh_undone_with_its_savepoint_is_asked_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                effectiveness_refresh_later()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        effectiveness_refresh_later()
        dashboard_figures_refresh_later()
        effectiveness_refresh_later()
    assert _refreshes(callbacks) == {"refresh_effectiveness": 1, "refresh_dashboard_figures": 1}


def test_a_refresh_that_ran_does_not_hold_back_the_next_transactions(
    django_capture_on_commit_callbacks,
):
    """Each committed transaction queues its own (the cache's marker debounces them)."""
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            effectiveness_refresh_later()
        assert _refreshes(callbacks) == {"refresh_effectiveness": 1}
