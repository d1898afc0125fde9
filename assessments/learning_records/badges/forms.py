"""The upload of an Open Badge, and a curator's rule for a waiting badge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from assessments.learning_records.badges.limits import badge_size_check
from assessments.learning_records.badges.selectors import WaitingBadge, badge_key_split
from catalog.models import Certification, TrainingResource


class BadgeUploadForm(forms.Form):
    file = forms.FileField(
        label="Badge file",
        required=False,
        help_text="A baked badge image (PNG or SVG) or its JSON, as your badge provider lets "
        "you download it. Only the badge is kept, never your e-mail address.",
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,.json,.jwt,.txt"}),
    )
    text = forms.CharField(  # its size is checked in bytes, as a file's (limits.py)
        label="…or paste its JSON or JWT",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, measured: dict[str, int] | None = None, **kwargs: Any) -> None:  # noqa: ANN401
        """``measured``: the sizes of the parts of a body too large to read
        (``readiness.uploads.form_parts_measure``): refused with them, nothing read."""
        super().__init__(*args, **kwargs)
        self.measured = measured

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if self.measured is not None:
            self._refuse_measured(self.measured)
            return cleaned
        upload, text = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if upload is None and not text:
            self.add_error("file", "Choose a badge file, or paste its JSON or JWT.")
        elif upload is not None and text:
            self.add_error("file", "Give either a file or pasted text, not both.")
        else:
            field, size = ("text", len(text.encode())) if upload is None else ("file", upload.size)
            try:
                badge_size_check(size)
            except forms.ValidationError as error:
                self.add_error(field, error)
        return cleaned

    def _refuse_measured(self, sizes: dict[str, int]) -> None:
        given = {field: sizes.get(field, 0) for field in ("file", "text")}
        if all(given.values()):
            self.add_error("file", "Give either a file or pasted text, not both.")
            return
        field = max(given, key=lambda name: given[name])
        try:
            badge_size_check(given[field])
        except forms.ValidationError as error:
            self.add_error(field, error)
        else:  # something else made the body large: nothing to say of the badge's size
            total = -(-sum(sizes.values()) // 1024)
            self.add_error("file", f"The form sent is too large to read ({total} KB).")

    def data_bytes(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(settings.BADGE_UPLOAD_MAX_BYTES + 1)
        return self.cleaned_data["text"].strip().encode("utf-8")


class BadgeRuleForm(forms.Form):
    badge = forms.ChoiceField(label="Badge waiting")
    resource = forms.ModelChoiceField(
        label="Counts as completing the resource",
        queryset=TrainingResource.objects.filter(is_active=True).order_by("title"),
        required=False,
    )
    certification = forms.ModelChoiceField(
        label="…or as holding the certification",
        queryset=Certification.objects.filter(is_active=True).order_by("name"),
        required=False,
    )

    def __init__(self, *args: object, waiting: list[WaitingBadge], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        badge = self.fields["badge"]
        assert isinstance(badge, forms.ChoiceField)  # nosec B101  # declared above
        badge.choices = [(w.key, f"{w.name} — {w.issuer_name} ({w.awards})") for w in waiting]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if bool(cleaned.get("resource")) == bool(cleaned.get("certification")):
            self.add_error("resource", "Choose a resource or a certification (one of them).")
        return cleaned

    def badge_ids(self) -> tuple[str, str]:
        split = badge_key_split(self.cleaned_data["badge"])
        assert split is not None  # nosec B101  # a valid choice is a key
        return split
