"""The catalog's search and filters (GET), as everyone browses it."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from catalog.forms.levels import LEVEL_CHOICES
from catalog.models import Provider, ResourceKind
from catalog.selectors.browse import DURATION_BANDS, CatalogFilters
from readiness.models import Audience, Skill


def _skills() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Skill.objects.filter(is_active=True).select_related("category"),
        required=False,
        empty_label="Any skill",
    )


class CatalogFilterForm(forms.Form):
    """The catalog's search and filters (GET): every field optional."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title, skill or provider"}),
    )
    audience = forms.ModelChoiceField(
        queryset=Audience.objects.all(), required=False, empty_label="Any audience"
    )
    skill = _skills()
    level = forms.TypedChoiceField(
        label="Builds to at least",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any level"), *LEVEL_CHOICES],
    )
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.all(), required=False, empty_label="Any provider"
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *ResourceKind.choices])
    duration = forms.ChoiceField(
        required=False,
        choices=[("", "Any duration"), *((k, v[0]) for k, v in DURATION_BANDS.items())],
    )
    price = forms.ChoiceField(
        label="Price",
        required=False,
        choices=[("", "Free or paid"), ("free", "Free"), ("paid", "Paid")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "catalog-filters"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-6"),
                Column("audience", css_class="col-md-3"),
                Column("skill", css_class="col-md-3"),
            ),
            Row(
                Column("level", css_class="col-md-2"),
                Column("provider", css_class="col-md-2"),
                Column("kind", css_class="col-md-2"),
                Column("duration", css_class="col-md-2"),
                Column("price", css_class="col-md-2"),
                Column(Submit("", "Search", css_class="w-100 mt-md-4"), css_class="col-md-2"),
            ),
        )

    def filters(self) -> CatalogFilters:
        data = self.cleaned_data if self.is_valid() else {}
        provider = data.get("provider")
        return CatalogFilters(
            q=data.get("q") or "",
            audience=data.get("audience"),
            skill=data.get("skill"),
            level=data.get("level"),
            provider_id=provider.pk if provider else None,
            kind=data.get("kind") or "",
            duration=data.get("duration") or "",
            price=data.get("price") or "",
        )
