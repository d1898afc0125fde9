"""The "Verified learning" tab of My readiness: link a Microsoft Learn transcript, sync it
now, unlink it, and see what it verified. Every write finds the person from the signed-in
user, never from the URL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST

from assessments.learning_records.badges.forms import BadgeUploadForm
from assessments.learning_records.badges.selectors import person_badges
from assessments.learning_records.forms import CertificationEntryForm
from assessments.learning_records.models import PersonCertification
from assessments.learning_records.selectors import (
    person_certifications,
    person_reassess_prompt,
    person_transcript_link,
    person_verified_completions,
    transcript_recent_syncs,
)
from assessments.learning_records.services import (
    person_certification_add,
    person_certification_verify,
    transcript_link_remove,
    transcript_link_set,
)
from assessments.learning_records.tasks import sync_transcript
from assessments.views.me import OwnPersonMixin, _own_person
from readiness.selectors import people_managed_by
from readiness.typed import AuthenticatedHttpRequest


class TranscriptLinkForm(forms.Form):
    url = forms.CharField(
        label="Transcript share link",
        max_length=500,
        help_text="On Microsoft Learn: your profile → Transcript → Share link → copy it here. "
        "Only the link's id is kept, never your name or e-mail.",
        widget=forms.URLInput(
            attrs={"placeholder": "https://learn.microsoft.com/en-us/users/…/transcript/…"}
        ),
    )


class MyVerifiedLearningView(OwnPersonMixin, View):
    template_name = "assessments/me_verified_learning.html"

    def _render(
        self,
        form: TranscriptLinkForm,
        status: int = 200,
        certification_form: CertificationEntryForm | None = None,
        badge_form: BadgeUploadForm | None = None,
    ) -> HttpResponse:
        link = person_transcript_link(person=self.person)
        context: dict[str, Any] = {
            "person": self.person,
            "form": form,
            "certification_form": certification_form or CertificationEntryForm(),
            "link": link,
            "syncs": transcript_recent_syncs(link=link) if link else [],
            "completions": list(person_verified_completions(person=self.person)),
            "reassess": person_reassess_prompt(person=self.person),
            "certifications": person_certifications(person=self.person),
            "badge_form": badge_form or BadgeUploadForm(),
            "badges": list(person_badges(person_id=self.person.pk)),
            "tab": "verified",
        }
        if context["reassess"].skills:
            context["reassess_url"] = (
                reverse("assessments:my-assessment")
                + "?highlight="
                + ",".join(str(skill.pk) for skill in context["reassess"].skills)
                + "#reassess"
            )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return self._render(TranscriptLinkForm())

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = TranscriptLinkForm(request.POST)
        if form.is_valid():
            try:
                transcript_link_set(person=self.person, url=form.cleaned_data["url"])
            except ValidationError as error:
                for message in error.message_dict.get("url", error.messages):
                    form.add_error("url", message)
            else:
                messages.success(
                    request,
                    "Your Microsoft Learn transcript is linked. Press “Sync now” to read it, "
                    "or wait for tonight's sync.",
                )
                return redirect("assessments:my-verified-learning")
        return self._render(form)


class MyCertificationAddView(MyVerifiedLearningView):
    """A certification entered by hand; errors shown at their fields on the same page."""

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return redirect("assessments:my-verified-learning")

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = CertificationEntryForm(request.POST)
        if form.is_valid():
            try:
                row = person_certification_add(person=self.person, **form.cleaned_data)
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                messages.success(
                    request, f"“{row.name}” is recorded; your manager can now check its proof."
                )
                return redirect("assessments:my-verified-learning")
        return self._render(TranscriptLinkForm(), certification_form=form)


@require_POST
def person_certification_verify_view(
    request: AuthenticatedHttpRequest, pk: int, cert_pk: int
) -> HttpResponse:
    """A manager of the person confirms the proof of a certification entered by hand."""
    person = get_object_or_404(people_managed_by(user=request.user), pk=pk)
    row = get_object_or_404(PersonCertification.objects.filter(person=person), pk=cert_pk)
    person_certification_verify(certification=row, user=request.user)
    messages.success(request, f"“{row.name}” is verified.")
    return redirect("assessments:person-detail", pk=person.pk)


@require_POST
def my_transcript_sync(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Sync now": queue a read of the person's own transcript."""
    person = _own_person(request)
    link = person_transcript_link(person=person)
    if link is None:
        messages.warning(request, "Link your Microsoft Learn transcript first.")
    else:
        transaction.on_commit(lambda: sync_transcript.delay(link.pk))
        messages.success(
            request, "Your transcript is being read; this page shows the result in a minute."
        )
    return redirect("assessments:my-verified-learning")


@require_POST
def my_transcript_unlink(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = _own_person(request)
    if transcript_link_remove(person=person):
        messages.success(
            request,
            "Your transcript is unlinked. Completions already verified stay in your history.",
        )
    return redirect("assessments:my-verified-learning")
