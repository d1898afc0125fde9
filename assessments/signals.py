"""Receivers of the signals other apps send (connected in ``AssessmentsConfig.ready``)."""

from typing import Any

from assessments.models import OPEN_PLAN_STATUSES, LearningPlanItem


def plans_holding_resources(sender: Any, resource_ids: list[int], **kwargs: Any) -> dict:  # noqa: ARG001
    """Answer the catalog's ``resources_retiring``: how many people's active learning plans
    hold these resources, overall and per resource (one query)."""
    pairs = set(
        LearningPlanItem.objects.filter(resource_id__in=resource_ids, status__in=OPEN_PLAN_STATUSES)
        .values_list("resource_id", "person_id")
        .distinct()
    )
    by_resource: dict[int, int] = {}
    for resource_id, _person_id in pairs:
        by_resource[resource_id] = by_resource.get(resource_id, 0) + 1
    return {"people": len({person_id for _, person_id in pairs}), "by_resource": by_resource}


def effectiveness_moved(sender: Any, **kwargs: Any) -> None:  # noqa: ARG001
    """A completion, a plan item or a resource's skills saved or deleted: the measured
    effectiveness may move; the worker refreshes it (debounced). Ratings queue it where they are
    recorded (``services.me``: bulk inserts send no signal)."""
    from assessments.services.effectiveness import effectiveness_refresh_later

    effectiveness_refresh_later()


def dashboard_figures_moved(sender: Any, **kwargs: Any) -> None:  # noqa: ARG001
    """A submission, a person, a team, a role, a skill, a requirement or a cycle saved or
    deleted: the dashboard's figures may move; the worker refreshes them (debounced). Ratings
    queue it where they are recorded (``services.me``: bulk inserts send no signal)."""
    from assessments.services.dashboard import dashboard_figures_refresh_later

    dashboard_figures_refresh_later()
