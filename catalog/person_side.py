"""What the person side shows on the catalog's pages, plugged in by ``assessments``.

The catalog's pages carry a few things only the person side knows: a person's "Add to my plan"
choices, a resource's measured effectiveness, the manager's people holding it in a plan. The
dependency rule (readiness ← catalog ← assessments) forbids ``catalog`` to import
``assessments``, so the catalog declares what it needs here and ``assessments`` registers its
readers at start-up (``AssessmentsConfig.ready``) — as it already listens to
``catalog.signals.resources_retiring``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True, slots=True)
class PersonSide:
    """The person side's reads the catalog's pages call (keyword-only, as the selectors)."""

    #: (user=, resources=) → resource id → its "Add to my plan" choice, or None without a person.
    plan_add_choices: Callable[..., dict[int, Any] | None]
    #: (resource=) → the resource's measured effectiveness, or None.
    resource_effectiveness: Callable[..., Any]
    #: (resource=, user=) → a manager's people holding the resource in a plan.
    resource_team_plan_items: Callable[..., list[Any]]


_registered: list[PersonSide] = []


def person_side_register(side: PersonSide) -> None:
    """Plug the person side in (once; a second registration replaces the first)."""
    _registered[:] = [side]


def person_side() -> PersonSide:
    if not _registered:
        raise ImproperlyConfigured(
            "The catalog's pages need the person side: 'assessments' registers it in its "
            "AppConfig.ready (is it in INSTALLED_APPS?)."
        )
    return _registered[0]
