"""The "Verified learning" tab of My readiness: link a Microsoft Learn transcript, sync it
now, unlink it, and see what it verified. Every write finds the person from the signed-in
user, never from the URL."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views import View
from django.views.decorators.http import require_POST

from assessments.learning_records.selectors import (
    person_certifications,
    person_reassess_prompt,
    person_transcript_link,
    person_verified_completions,
    transcript_recent_syncs,
)
from assessments.learning_records.services import transcript_link_remove, transcript_link_set
from assessments.learning_records.tasks import sync_transcript
from assessments.views.me import OwnPersonMixin, _own_person


class TranscriptLinkForm(forms.Form):
    url = forms.CharField(
        label="Transcript share link",
        max_length=500,
        help_text="On Microsoft Learn: your profile → Transcript → Share link → copy it here. "
        "Only the link's id is kept, never your name or e-mail.",
        widget=forms.URLInput(attrs={"placeholder": "https://learn.microsoft.com/en-us/users/…/transcript/…"}),
    )


class MyVerifiedLearningView(OwnPersonMixin, View):
    template_name = "assessments/me_verified_learning.html"

    def _render(self, form: TranscriptLinkForm, status: int = 200) -> HttpResponse:
        link = person_transcript_link(person=self.person)
        context = {
            "person": self.person,
            "form": form,
            "link": link,
            "syncs": transcript_recent_syncs(link=link) if link else [],
            "completions": list(person_verified_completions(person=self.person)),
            "reassess": person_reassess_prompt(person=self.person),
            "certifications": person_certifications(person=self.person),
            "tab": "verified",
        }
        if context["reassess"].skills:
            context["reassess_url"] = (
                reverse("assessments:my-assessment") + "?highlight="
                + ",".join(str(skill.pk) for skill in context["reassess"].skills) + "#reassess"
            )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(TranscriptLinkForm())

    def post(self, request: HttpRequest) -> HttpResponse:
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


@require_POST
def my_transcript_sync(request: HttpRequest) -> HttpResponse:
    """"Sync now": queue a read of the person's own transcript."""
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
def my_transcript_unlink(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    if transcript_link_remove(person=person):
        messages.success(
            request,
            "Your transcript is unlinked. Completions already verified stay in your history.",
        )
    return redirect("assessments:my-verified-learning")


urlpatterns = [
    path("me/learning/", MyVerifiedLearningView.as_view(), name="my-verified-learning"),
    path("me/learning/sync/", my_transcript_sync, name="my-transcript-sync"),
    path("me/learning/unlink/", my_transcript_unlink, name="my-transcript-unlink"),
]
