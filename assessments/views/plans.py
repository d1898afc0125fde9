"""Readiness plans: list, create, a plan with its goals, partner teams, concerns register and
gap register, its edit pages, and its print-friendly report.

Access (``assessments.selectors.plans``): leadership and admins read every plan, an owner reads
their own; owners and admins change a plan; a concern's assignee may triage it. Anyone else
gets a 403 (employees read their own concerns on ``/concerns/mine/``). Every write is a POST
that goes through ``assessments.services.plans``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from assessments.forms.plans import (
    ConcernFilterForm,
    PlanForm,
)
from assessments.selectors.dashboard import (
    audience_rows,
    department_rows,
    groups_suppress,
    heatmap_build,
    organization_scope,
    total_row,
    trend_build,
)
from assessments.selectors.plans import (
    OPEN_STATUSES,
    PlanFigures,
    plan_can_create,
    plan_can_edit,
    plan_can_view,
    plan_concern_counts,
    plan_concerns,
    plan_figures,
    plans_visible_to,
)
from assessments.services.plans import (
    plan_create,
)
from readiness.concerns import (
    concern_shows_raiser,
)
from readiness.models import (
    Audience,
    ConcernCategory,
    ConcernStatus,
    PlanGoal,
    PlanPartner,
    ReadinessPlan,
)
from readiness.privacy_floor import min_people
from readiness.typed import AuthenticatedHttpRequest

CONCERNS_PER_PAGE = 25


def _plan(request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False) -> ReadinessPlan:
    plan = get_object_or_404(ReadinessPlan.objects.select_related("owner"), pk=pk)
    if edit and not plan_can_edit(user=request.user, plan=plan):
        raise PermissionDenied("Only the plan's owner (or an admin) changes this plan.")
    if not plan_can_view(user=request.user, plan=plan):
        raise PermissionDenied("Only leadership and the plan's owner see this plan.")
    return plan


def _goals(plan: ReadinessPlan) -> list[PlanGoal]:
    return list(plan.goals.select_related("audience", "skill").order_by("due_date", "pk"))


def _partners(plan: ReadinessPlan) -> list[PlanPartner]:
    return list(plan.partners.select_related("team").order_by("due_date", "name"))


def _detail_url(plan: ReadinessPlan, anchor: str = "") -> str:
    url = reverse("assessments:plan-detail", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    *,
    title: str,
    cancel: str,
    plan=None,  # noqa: ANN001
    intro: str = "",
    status: int = 200,
    extra: dict | None = None,
) -> HttpResponse:
    return render(
        request,
        "assessments/plan_form.html",
        {
            "form": form,
            "title": title,
            "cancel": cancel,
            "plan": plan,
            "intro": intro,
            **(extra or {}),
        },
        status=status,
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- /plans/ ---------------------------------------------------------------------------------


class PlanListView(View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        plans = plans_visible_to(user=request.user)
        can_create = plan_can_create(user=request.user)
        rows = list(
            plans.annotate(
                goal_count=Count("goals", distinct=True),
                open_concerns=Count(
                    "concerns", filter=Q(concerns__status__in=OPEN_STATUSES), distinct=True
                ),
            ).order_by("-start_date", "name")
        )
        if not rows and not can_create:
            raise PermissionDenied("Readiness plans are for leadership and plan owners.")
        return render(
            request, "assessments/plan_list.html", {"plans": rows, "can_create": can_create}
        )


class PlanCreateView(View):
    def _check(self, request: AuthenticatedHttpRequest) -> None:
        if not plan_can_create(user=request.user):
            raise PermissionDenied("Only leadership creates readiness plans.")

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        self._check(request)
        form = PlanForm(initial={"owner": request.user.pk}, current_owner=request.user)
        return _form_page(
            request, form, title="New readiness plan", cancel=reverse("assessments:plan-list")
        )

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        self._check(request)
        form = PlanForm(request.POST, current_owner=request.user)
        if form.is_valid():
            try:
                plan = plan_create(**form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Plan “{plan.name}” created. Now set its goals.")
                return redirect(_detail_url(plan, "goals"))
        return _form_page(
            request,
            form,
            title="New readiness plan",
            cancel=reverse("assessments:plan-list"),
            status=400,
        )


# --- /plans/<id>/ ----------------------------------------------------------------------------


class PlanDetailView(View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        plan = _plan(request, pk)
        goals = _goals(plan)
        figures = plan_figures(plan=plan, goals=goals)
        filters = ConcernFilterForm(request.GET or None)
        cleaned = filters.cleaned_data if filters.is_valid() else {}
        concerns = plan_concerns(
            plan=plan,
            category=cleaned.get("category") or "",
            status=cleaned.get("status") or "",
            team=cleaned.get("team"),
        )
        page = Paginator(concerns, CONCERNS_PER_PAGE).get_page(request.GET.get("page"))
        user = request.user
        can_edit = plan_can_edit(user=user, plan=plan)
        rows = [
            {
                "concern": concern,
                "show_raiser": concern_shows_raiser(user=user, concern=concern),
                "can_triage": can_edit or concern.owner_id == user.pk,
            }
            for concern in page.object_list
        ]
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "assessments/plan_detail.html",
            {
                "plan": plan,
                "can_edit": can_edit,
                "figures": figures,
                "partners": _partners(plan),
                "filters": filters,
                "filtered": bool(cleaned and any(cleaned.values())),
                "concern_page": page,
                "concern_rows": rows,
                "page_query": query.urlencode(),
                "concern_summary": _concern_summary(plan),
                "min_people": min_people(),
            },
        )


def _concern_summary(plan: ReadinessPlan) -> list[dict]:
    counts = plan_concern_counts(plan=plan)
    summary = []
    for category, label in ConcernCategory.choices:
        by_status = counts.get(category)
        if not by_status:
            continue
        summary.append(
            {
                "category": category,
                "label": label,
                "statuses": [(s, s.label, by_status.get(s, 0)) for s in ConcernStatus],
                "total": sum(by_status.values()),
            }
        )
    return summary


class PlanReportView(View):
    """The plan with every figure, laid out for printing (and "Save as PDF")."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        plan = _plan(request, pk)
        goals = _goals(plan)
        figures: PlanFigures = plan_figures(plan=plan, goals=goals)
        scope = organization_scope()
        audience_of = figures.audience_of
        audiences = list(Audience.objects.order_by("order", "name"))
        concerns = list(plan_concerns(plan=plan))
        # The dashboard's rows, under the same privacy floor (complements hidden too).
        total, audience_figures, department_figures = groups_suppress(
            figures.cube,
            scope,
            total_row(figures.cube),
            audience_rows(figures.cube, audiences, audience_of),
            department_rows(figures.cube, scope),
        )
        return render(
            request,
            "assessments/plan_report.html",
            {
                "plan": plan,
                "figures": figures,
                "partners": _partners(plan),
                "audiences": audience_figures,
                "departments": department_figures,
                "total": total,
                "heatmap": heatmap_build(figures.cube, audiences, audience_of),
                "trend": trend_build(scope=scope, cube=figures.cube, today=figures.today),
                "concern_summary": _concern_summary(plan),
                "concerns": concerns,
                "min_people": min_people(),
            },
        )
