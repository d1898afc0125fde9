"""Assessment cycles: list, create, a cycle's completion per team and who is overdue, open and
close (which freezes it).

Access: leadership and admins see every cycle and create, open and close them; managers see,
read-only, the cycles that reach people they manage, counting only those people; anyone else
gets a 403. A cycle outside what a manager may see is a 404 (we do not confirm it exists).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_POST

from assessments.forms.cycles import CycleCreateForm
from assessments.models import AssessmentCycle, CycleStatus
from assessments.selectors.cycles import (
    Completion,
    CycleViewer,
    cycle_pending_people,
    cycle_team_completion,
    cycle_viewer,
    cycles_completion,
    cycles_visible_to,
    is_frozen,
    scope_summary,
)
from assessments.services.cycles import cycle_close, cycle_create, cycle_open
from readiness.typed import AuthenticatedHttpRequest

CYCLES_PER_PAGE = 25
PEOPLE_PER_PAGE = 50


def _viewer(request: AuthenticatedHttpRequest, *, manage: bool = False) -> CycleViewer:
    viewer = cycle_viewer(user=request.user)
    if viewer is None or (manage and not viewer.can_manage):
        raise PermissionDenied
    return viewer


def _cycle_for(viewer: CycleViewer, pk: int) -> AssessmentCycle:
    return get_object_or_404(
        cycles_visible_to(viewer=viewer).prefetch_related("audiences", "teams"), pk=pk
    )


class CycleListView(View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        viewer = _viewer(request)
        cycles = cycles_visible_to(viewer=viewer).prefetch_related("audiences", "teams")
        page = Paginator(cycles.order_by("-opens_on", "-pk"), CYCLES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        completion = cycles_completion(cycles=list(page.object_list), viewer=viewer)
        return render(
            request,
            "assessments/cycle_list.html",
            {
                "page": page,
                "rows": [
                    (cycle, completion[cycle.pk], scope_summary(cycle))
                    for cycle in page.object_list
                ],
                "can_manage": viewer.can_manage,
                "today": timezone.localdate(),
            },
        )


class CycleCreateView(View):
    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        _viewer(request, manage=True)
        return render(request, "assessments/cycle_form.html", {"form": CycleCreateForm()})

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        _viewer(request, manage=True)
        form = CycleCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                cycle = cycle_create(
                    name=data["name"],
                    plan=data["plan"],
                    audiences=data["audiences"],
                    teams=data["teams"],
                    include_subteams=data["include_subteams"],
                    opens_on=data["opens_on"],
                    due_on=data["due_on"],
                    status=data["status"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Cycle “{cycle.name}” created.")
                return redirect("assessments:cycle-detail", pk=cycle.pk)
        return render(request, "assessments/cycle_form.html", {"form": form}, status=400)


class CycleDetailView(View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        viewer = _viewer(request)
        cycle = _cycle_for(viewer, pk)
        teams = cycle_team_completion(cycle=cycle, viewer=viewer)
        total = Completion(
            sum(row.completion.submitted for row in teams),
            sum(row.completion.in_scope for row in teams),
        )
        pending = Paginator(cycle_pending_people(cycle=cycle, viewer=viewer), PEOPLE_PER_PAGE)
        today = timezone.localdate()
        return render(
            request,
            "assessments/cycle_detail.html",
            {
                "cycle": cycle,
                "scope": scope_summary(cycle),
                "teams": teams,
                "total": total,
                "pending": pending.get_page(request.GET.get("page")),
                "frozen": is_frozen(cycle),
                "closed": cycle.status == CycleStatus.CLOSED,
                "past_due": today > cycle.due_on,
                "not_yet_open": cycle.opens_on > today,
                "can_manage": viewer.can_manage,
                "manager_view": not viewer.leadership,
                "today": today,
            },
        )


class CycleCloseView(View):
    """GET asks for confirmation; POST closes and freezes the cycle."""

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        viewer = _viewer(request, manage=True)
        cycle = _cycle_for(viewer, pk)
        if cycle.status == CycleStatus.CLOSED:
            return redirect("assessments:cycle-detail", pk=cycle.pk)
        return render(request, "assessments/cycle_confirm_close.html", {"cycle": cycle})

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        viewer = _viewer(request, manage=True)
        cycle = _cycle_for(viewer, pk)
        if cycle.status == CycleStatus.CLOSED:
            messages.info(request, "This cycle was already closed.")
        else:
            cycle_close(cycle=cycle)
            messages.success(
                request, f"Cycle “{cycle.name}” closed: its figures are frozen as they stand now."
            )
        return redirect("assessments:cycle-detail", pk=cycle.pk)


@require_POST
def cycle_open_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request, manage=True)
    cycle = _cycle_for(viewer, pk)
    try:
        cycle_open(cycle=cycle)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Cycle “{cycle.name}” is open.")
    return redirect("assessments:cycle-detail", pk=cycle.pk)
