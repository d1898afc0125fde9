"""The dashboard's tables read outside the cube: learning activity, training effectiveness
(with its chart) and concerns."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from assessments.models import LearningPlanItem, PlanItemStatus, ResourceEffectiveness
from assessments.presenters.dashboard_charts import (
    BarChart,
    bar_chart,
)
from assessments.selectors.dashboard.figures import (
    OPEN_CONCERN_STATUSES,
    ActivityRow,
    ConcernRow,
    EffectivenessRow,
)
from assessments.selectors.dashboard.scope import DashboardScope
from readiness.models import ConcernCategory, ConcernStatus
from readiness.privacy_floor import (
    aggregate_hidden,
    min_people,
)


def activity_rows(*, scope: DashboardScope) -> list[ActivityRow]:
    """Learning plan items of the people in scope, by status: items, people, hours."""
    statuses = (PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS, PlanItemStatus.COMPLETED)
    figures = {
        row["status"]: row
        for row in LearningPlanItem.objects.filter(person__in=scope.people, status__in=statuses)
        .order_by()
        .values("status")
        .annotate(
            items=Count("pk"),
            people=Count("person", distinct=True),
            minutes=Sum("resource__duration_minutes"),
        )
    }
    rows = []
    for status in statuses:
        row = figures.get(status, {"items": 0, "people": 0, "minutes": 0})
        rows.append(
            ActivityRow(
                status=str(status),
                label=status.label,
                items=row["items"],
                people=row["people"],
                hours=round((row["minutes"] or 0) / 60, 1),
                hidden=aggregate_hidden(row["people"]),
            )
        )
    return rows


def effectiveness_rows() -> list[EffectivenessRow]:
    """Training effectiveness of every resource with measurements (organization-wide: it
    describes the resource), most effective first, hidden under the privacy threshold: the
    figures the worker keeps (``services.effectiveness``), one query."""
    kept = ResourceEffectiveness.objects.select_related("resource").only(
        "mean_gain", "people", "verified", "resource__title", "resource__url"
    )
    rows = [
        EffectivenessRow(e.resource, e.mean_gain, e.people, aggregate_hidden(e.people), e.verified)
        for e in kept
    ]
    rows.sort(key=lambda r: (r.hidden, -r.mean_gain if not r.hidden else 0, r.resource.title))
    return rows


def concern_rows(*, scope: DashboardScope) -> list[ConcernRow]:
    """Open concerns (open or in review) per category, most raised first; on a manager's
    dashboard, categories raised by fewer than the privacy threshold are hidden."""
    figures = {
        row["category"]: row
        for row in scope.concerns()
        .filter(status__in=OPEN_CONCERN_STATUSES)
        .order_by()
        .values("category")
        .annotate(
            open=Count("pk", filter=Q(status=ConcernStatus.OPEN)),
            in_review=Count("pk", filter=Q(status=ConcernStatus.IN_REVIEW)),
            raisers=Count("raised_by", distinct=True),
        )
    }
    # Leadership run the register and read every concern with its author: nothing to hide
    # from them. A manager must not tell who in a small team raised what.
    hide = not scope.leadership
    rows = [
        ConcernRow(
            category,
            label,
            figures[category]["open"],
            figures[category]["in_review"],
            figures[category]["raisers"],
            hide and aggregate_hidden(figures[category]["raisers"]),
        )
        for category, label in ConcernCategory.choices
        if category in figures
    ]
    rows.sort(key=lambda r: (r.hidden, -r.total, r.label))
    return rows


def effectiveness_chart(rows: list[EffectivenessRow]) -> BarChart | None:
    """Bars for the resources measured on enough people; None when there is none."""
    shown = [r for r in rows if not r.hidden]
    if not shown:
        return None
    low = min([0.0, *(r.mean_gain for r in shown)])
    high = max([1.0, *(r.mean_gain for r in shown)])
    return bar_chart(
        rows=[(r.resource.title, r.mean_gain) for r in shown],
        domain=(float(int(low) - (1 if low < int(low) else 0)), float(-int(-high))),
        unit="",
        decimals=1,
        label_width=260,
        width=620,
        hidden_text=f"fewer than {min_people()} people",
        subject="Mean level gain",
    )
