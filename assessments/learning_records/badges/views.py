"""Pages of Open Badges: a person uploads a badge on their "Verified learning" tab; curators
see the badges waiting for a rule and create one (applied at once to every waiting badge)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from assessments.learning_records.badges.forms import BadgeRuleForm, BadgeUploadForm
from assessments.learning_records.badges.selectors import badge_rules, badges_waiting
from assessments.learning_records.badges.services import badge_rule_create, badge_upload
from assessments.learning_records.models import BadgeStatus
from assessments.learning_records.views import MyVerifiedLearningView, TranscriptLinkForm
from catalog.views.mixins import CuratorRequiredMixin
from readiness.typed import AuthenticatedHttpRequest


class MyBadgeUploadView(MyVerifiedLearningView):
    """ "Add an Open Badge": verified and recorded, or refused with the reason at the field."""

    #: Room for the form around the badge (the CSRF token, the part headers, a file name).
    FORM_ALLOWANCE = 64 * 1024

    @classmethod
    def form_body_bound(cls) -> int:
        """A larger body holds a badge over the limit (or a file and a text): it is measured,
        not read (``readiness.uploads.FormMeasureMiddleware``), and refused at its field with
        its size — whatever the size, where Django would refuse a pasted text over its form
        fields' limit with a bare 400."""
        return settings.BADGE_UPLOAD_MAX_BYTES + cls.FORM_ALLOWANCE

    def get(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        return redirect("assessments:my-verified-learning")

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        measured = getattr(request, "form_parts_measured", None)
        form = BadgeUploadForm(request.POST, request.FILES, measured=measured)
        if form.is_valid():
            try:
                upload = badge_upload(person=self.person, data=form.data_bytes())
            except ValidationError as error:
                for message in error.message_dict.get("file", error.messages):
                    form.add_error("file", message)
            else:
                award = upload.award
                if not upload.created:
                    text = f"“{award.name}” is already recorded."
                elif award.status == BadgeStatus.MAPPED:
                    text = f"“{award.name}” is verified and counted."
                else:
                    text = (
                        f"“{award.name}” is verified; a curator decides what it counts as "
                        "(it shows as waiting until then)."
                    )
                messages.success(request, text)
                return redirect("assessments:my-verified-learning")
        return self._render(TranscriptLinkForm(), badge_form=form, status=400)


class BadgeQueueView(CuratorRequiredMixin, TemplateView):
    """ "Badges waiting for a rule", the rule form, and the rules made so far."""

    template_name = "assessments/badge_queue.html"

    def _render(self, form: BadgeRuleForm | None = None, status: int = 200) -> HttpResponse:
        waiting = badges_waiting()
        context = {
            "waiting": waiting,
            "form": form or BadgeRuleForm(waiting=waiting),
            "rules": badge_rules(),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return self._render()

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        form = BadgeRuleForm(request.POST, waiting=badges_waiting())
        if form.is_valid():
            issuer_id, badge_class_id = form.badge_ids()
            try:
                applied = badge_rule_create(
                    issuer_id=issuer_id,
                    badge_class_id=badge_class_id,
                    resource=form.cleaned_data["resource"],
                    certification=form.cleaned_data["certification"],
                    user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                count = applied.awards_mapped
                messages.success(
                    request,
                    f"Rule created: {count} badge{'s' if count != 1 else ''} now counted.",
                )
                return redirect("assessments:badge-queue")
        return self._render(form, status=400)
