"""The form of the admin's webhooks page."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from readiness.webhooks.models import SUBSCRIBABLE, WebhookEndpoint


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="Address",
        max_length=WebhookEndpoint._meta.get_field("url").max_length,
        help_text="An https:// address of yours that answers 2xx when it has the event.",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=WebhookEndpoint._meta.get_field("description").max_length,
        help_text="What receives it, e.g. “HR system sync”.",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(c.value, c.label) for c in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )

    def __init__(self, *args, submit: str = "Add the endpoint", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("url"), Field("description"), Field("events"), Submit("save", submit)
        )
