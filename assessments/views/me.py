"""The employee's own pages (``/me/…``) and the read-only view of one person that their
managers, leadership and admins get (``/people/<id>/``).

Only the person edits their self-assessment and plan: every write finds the person from the
signed-in user, never from the URL, and plan items are looked up among the person's own.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from assessments.context_processors import cycle_banner_known
from assessments.forms.me import SelfAssessmentForm, posted_skill_ids
from assessments.learning_records.selectors import (
    person_certifications,
    person_verified_completions,
)
from assessments.models import (
    AssessmentCycle,
)
from assessments.presenters.charts import chart_domain, level_chart
from assessments.presenters.me import assessment_rows
from assessments.presenters.me_readiness import CONTENT_TEMPLATE, readiness_content
from assessments.selectors import person_skill_states
from assessments.selectors.me import person_rating_history
from assessments.selectors.me_readiness import person_readiness_overview
from assessments.selectors.self_assessment import assessment_skills
from assessments.services.me import (
    RatingsInvalid,
    self_assessment_confirm,
    self_assessment_submit,
    self_assessment_version,
    submission_cycle,
)
from readiness.caching import Shows, Viewer, kept_fragment
from readiness.models import Person
from readiness.selectors import people_managed_by, people_visible_to, person_get
from readiness.typed import AuthenticatedHttpRequest


def _own_person(request: AuthenticatedHttpRequest) -> Person:
    person = person_get(user=request.user)
    if person is None:
        raise Http404("Your account is not linked to a person in the organization.")
    return person


def _visible_person(request: AuthenticatedHttpRequest, pk: int) -> Person:
    """A person the signed-in user may read (themself, their teams, everybody for leadership);
    anyone else is a 404, as if the person did not exist."""
    return get_object_or_404(
        people_visible_to(user=request.user).select_related(
            "user", "team", "role", "role__audience"
        ),
        pk=pk,
    )


class OwnPersonMixin(View):
    """Pages about the signed-in user's own person record; a friendly page when there is none."""

    request: AuthenticatedHttpRequest
    person: Person

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        person = person_get(user=request.user) if request.user.is_authenticated else None
        if person is None:
            return render(request, "assessments/me_no_person.html", status=404)
        self.person = person
        return super().dispatch(request, *args, **kwargs)


# --- My readiness -----------------------------------------------------------------------------


def _readiness_context(request: AuthenticatedHttpRequest, person: Person, *, is_self: bool) -> dict:
    """The readiness page of ``person``: its body kept until the data changes. On their own
    page, the cycle banner is the cycle their reassessment already found (the same rule as
    ``person_pending_cycle``): the layout reads the open cycles no second time."""
    built: dict = {}

    def context() -> dict:
        built["overview"] = overview = person_readiness_overview(person=person)
        return readiness_content(overview, person=person, is_self=is_self, request=request)

    content = kept_fragment(
        "person-readiness",
        viewer=Viewer.rights(person, is_self=is_self),
        shows=Shows.person(person.pk),
        parts=(request.path,),
        request=request,
        template_name=CONTENT_TEMPLATE,
        context=context,
        jinja2=True,
    )
    page = {"person": person, "is_self": is_self, "content": content}
    if is_self and "overview" in built:
        page.update(cycle_banner_known(request, built["overview"].reassessment.cycle))
    return page


class MyReadinessView(OwnPersonMixin, TemplateView):
    request: AuthenticatedHttpRequest  # both bases declare it
    template_name = "assessments/me_readiness.html"

    def get_context_data(self, **kwargs) -> dict:
        return _readiness_context(self.request, self.person, is_self=True)


class PersonDetailView(TemplateView):
    """One person's readiness, read-only, for their managers, leadership and admins."""

    request: AuthenticatedHttpRequest
    template_name = "assessments/me_readiness.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.person = _visible_person(self.request, kwargs["pk"])
        if self.person.user_id == self.request.user.pk:
            return redirect("assessments:my-readiness")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = _readiness_context(self.request, self.person, is_self=False)
        # What the person completed upstream, in their plan or not (one query).
        context["verified_completions"] = list(person_verified_completions(person=self.person))
        context["certifications"] = person_certifications(person=self.person)  # one query
        # A proof to check: may this viewer (one query, only then)?
        if any(c.source == "manual" and not c.verified_at for c in context["certifications"]):
            context["can_verify"] = (
                people_managed_by(user=self.request.user).filter(pk=self.person.pk).exists()
            )
        return context


# --- Self-assessment --------------------------------------------------------------------------


def _highlight(request: AuthenticatedHttpRequest) -> set[int]:
    """``?highlight=3,7``: skills to reassess after learning."""
    ids = set()
    for part in request.GET.get("highlight", "").split(","):
        if part.strip().isdigit():
            ids.add(int(part))
    return ids


class MyAssessmentView(OwnPersonMixin, View):
    """The self-assessment. Its cycle (the open cycle the person has not submitted yet) is
    also the base layout's ``pending_cycle`` (the same rule, ``open_cycles_by_person``):
    read once and given to both, rather than once more by the context processor."""

    template_name = "assessments/me_assessment.html"

    def _form(self, data: Mapping | None = None) -> SelfAssessmentForm:
        posted = posted_skill_ids(data) if data is not None else set()
        return SelfAssessmentForm(
            data,
            # The active framework, and any skill the submitted data names, so that a skill
            # retired meanwhile gets its message at its own field.
            skills=assessment_skills(include=posted),
            states=person_skill_states(person=self.person),
            highlight=_highlight(self.request),
            # A bound form carries the version it was drawn with.
            version=self_assessment_version(person=self.person) if data is None else None,
        )

    def _render(
        self, form: SelfAssessmentForm, cycle: AssessmentCycle | None, **extra
    ) -> HttpResponse:
        for group in (*form.shown_groups, *form.more_groups):
            group.rows = assessment_rows(form=form, group=group)
        states = form.states.values()
        context = {
            "form": form,
            "person": self.person,
            "cycle": cycle,
            "pending_cycle": cycle,
            "has_self_ratings": any(s.self_level is not None for s in states),
            "not_assessed": sum(1 for s in states if s.not_assessed),
            "highlighted": [s for s in form.skills if s.pk in form.highlight],
            "tab": "assessment",
            **extra,
        }
        return render(self.request, self.template_name, context)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self._render(self._form(), submission_cycle(person=self.person))

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        cycle = submission_cycle(person=self.person)
        if form.is_valid():
            try:
                submission = self_assessment_submit(
                    person=self.person,
                    entries=form.entries(),
                    # The signed-in user, as loaded with the person: ``request.user`` is a
                    # lazy proxy, and each of 164 new rows reads it several times.
                    user=self.person.user,
                    cycle=cycle,
                    version=form.cleaned_data["version"],
                    states=form.states,
                )
            except RatingsInvalid as error:
                form.add_service_errors(error.errors_by_key)
            except ValidationError as error:
                if error.code != "stale":
                    raise
                # Show what is saved now, not the stale values, so nothing is overwritten
                # unseen; the person reviews and saves again.
                return self._render(self._form(), cycle, stale_message=error.messages[0])
            else:
                if submission.changed_skills:
                    messages.success(
                        request,
                        f"Your self-assessment is saved: {submission.changed_skills} "
                        f"skill{'s' if submission.changed_skills != 1 else ''} recorded.",
                    )
                else:
                    messages.success(
                        request,
                        "Your self-assessment is saved. Nothing changed, and your "
                        "reassessment date starts again from today.",
                    )
                return redirect("assessments:my-readiness")
        return self._render(form, cycle)


@require_POST
def my_assessment_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Nothing changed — confirm my ratings": a submission and no rating; the cadence
    restarts and a manager's adjustment keeps counting."""
    person = _own_person(request)
    states = person_skill_states(person=person)
    if not any(state.self_level is not None for state in states.values()):
        messages.warning(request, "You have no ratings to confirm yet: rate your skills first.")
        return redirect("assessments:my-assessment")
    self_assessment_confirm(person=person, user=request.user, cycle=submission_cycle(person=person))
    messages.success(
        request, "Thank you: your ratings are confirmed and your reassessment date starts again."
    )
    return redirect("assessments:my-readiness")


# --- History ----------------------------------------------------------------------------------


def _history_context(person: Person) -> dict:
    history = person_rating_history(person=person)
    start, end = chart_domain(p for h in history for p in h.points)
    charts = [
        (entry, level_chart(points=entry.points, target=entry.target, start=start, end=end))
        for entry in history
    ]
    return {"person": person, "charts": charts}


class MyHistoryView(OwnPersonMixin, TemplateView):
    request: AuthenticatedHttpRequest  # both bases declare it
    template_name = "assessments/me_history.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(_history_context(self.person), is_self=True, tab="history")
        return context


class PersonHistoryView(TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "assessments/me_history.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.person = _visible_person(self.request, kwargs["pk"])
        if self.person.user_id == self.request.user.pk:
            return redirect("assessments:my-history")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(_history_context(self.person), is_self=False)
        return context
