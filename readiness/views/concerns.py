"""Pages of the organization app: raising a concern, and the concerns a person raised."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import FormView, ListView

from readiness.forms.concerns import ConcernForm
from readiness.models import Concern
from readiness.selectors import readiness_plan_active
from readiness.services import concern_raise
from readiness.typed import AuthenticatedHttpRequest


class ConcernCreateView(FormView):
    request: AuthenticatedHttpRequest
    """Any signed-in person can raise a concern about the generative-AI rollout."""

    template_name = "readiness/concern_form.html"
    form_class = ConcernForm
    success_url = reverse_lazy("readiness:concern-mine")

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["plan"] = readiness_plan_active()
        context["tab"] = "concerns"
        return context

    def form_valid(self, form: ConcernForm) -> HttpResponse:
        concern_raise(user=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            "Thank you: your concern is in the register. You will see the response here.",
        )
        return redirect(self.get_success_url())


class ConcernMineView(ListView):
    """The concerns the signed-in user raised, with their status and response."""

    template_name = "readiness/concern_list.html"
    context_object_name = "concerns"
    paginate_by = 50

    def get_queryset(self):  # noqa: ANN201
        return (
            Concern.objects.filter(raised_by=self.request.user)
            .select_related("plan")
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["tab"] = "concerns"
        return context
