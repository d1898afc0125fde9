"""The audit page: who changed what and when (admins only)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.selectors import ACTIONS, ADMIN_LOG, audit_entries, audit_kinds
from readiness.permissions import is_admin
from readiness.typed import choice_field


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label="What", required=False)
    username = forms.CharField(label="Who (username)", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Change", required=False, choices=[("", "Any"), *ACTIONS.items()]
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [
            ("", "Everything"),
            *(
                (label, str(model._meta.verbose_name).capitalize())
                for label, model in audit_kinds().items()
            ),
            (ADMIN_LOG, "Admin change log"),
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css


def audit_view(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied("Only admins read the audit trail.")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(
        kind=filters.get("kind") or None,
        username=filters.get("username") or None,
        since=filters.get("since"),
        until=filters.get("until"),
        action=filters.get("action") or None,
    )
    return render(request, "audit/audit_list.html", {"form": form, "entries": entries})
