"""The forms of the "API tokens" profile page: my token, and (admins) a service token."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from readiness.models import ApiToken
from readiness.tokens import DEFAULT_EXPIRY_DAYS, PERSONAL_EXPIRY_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What will use it, e.g. “BI dashboard” or “my scripts”.",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires after",
        choices=PERSONAL_EXPIRY_CHOICES,
        coerce=int,
        initial=DEFAULT_EXPIRY_DAYS,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("name"), Field("expires_in_days"), Submit("create", "Create a token")
        )


class ServiceTokenForm(forms.Form):
    account = forms.CharField(
        label="Service account",
        max_length=150,
        help_text="A login of its own for the integration (created when missing). It sees "
        "what its groups allow, like anybody.",
    )
    name = forms.CharField(label="Token name", max_length=100)
    can_hr_upsert = forms.BooleanField(
        label="May bulk-upsert teams and people (HR system)", required=False
    )
    can_scim = forms.BooleanField(
        label="May provision people over SCIM (Microsoft Entra ID), at /scim/v2/",
        required=False,
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires after",
        choices=[*PERSONAL_EXPIRY_CHOICES, ("", "Never")],
        coerce=int,
        empty_value=None,
        required=False,
        initial=365,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("account"),
            Field("name"),
            Field("can_hr_upsert"),
            Field("can_scim"),
            Field("expires_in_days"),
            Submit("create-service", "Create a service token"),
        )
