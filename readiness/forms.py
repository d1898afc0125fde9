"""Forms of the organization app."""

from collections.abc import Iterable, Mapping

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from readiness.models import ConcernArea, ConcernCategory


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids outside the database's 64-bit integer range as invalid choices: Django
    looks the chosen ids up with ``pk__in``, where SQLite raises OverflowError on them (a 500)."""

    def _check_values(self, value: Iterable[object]) -> QuerySet:
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: Django's own check refuses it
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def length_hints(fields: Mapping[str, forms.Field]) -> None:
    """Every text area with a length limit says it ("2,000 characters max." after its help
    text): the browser's maxlength stops typing and cuts a long paste without a word. A longer
    text posted anyway gets Django's message at the field, never a silent cut."""
    for field in fields.values():
        if (isinstance(field, forms.CharField) and field.max_length
                and isinstance(field.widget, forms.Textarea)):
            hint = f"{field.max_length:,} characters max."
            field.help_text = f"{field.help_text} {hint}" if field.help_text else hint


class ConcernForm(forms.Form):
    """Raise a concern about the generative-AI rollout. Labels and help are fixed text (no
    curated content), so crispy renders them as they are."""

    category = forms.ChoiceField(
        label="What is it about?",
        choices=[("", "Choose a topic…"), *ConcernCategory.choices],
    )
    text = forms.CharField(
        label="Your concern",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What worries you, in your own words.",
    )
    impact = forms.CharField(
        label="What happens if it is not addressed? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    addressable_by = forms.ChoiceField(
        label="Who do you think can address it? (optional)",
        required=False,
        choices=[("", "I don't know"), *ConcernArea.choices],
    )
    anonymous_to_manager = forms.BooleanField(
        label="Hide my name from my manager",
        required=False,
        help_text="Your manager will see the concern but not who raised it. Leadership, who "
        "run the concerns register, still see your name so that they can follow up with you.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        length_hints(self.fields)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("category"),
            Field("text"),
            Field("impact"),
            Field("addressable_by"),
            Field("anonymous_to_manager"),
            Submit("submit", "Raise my concern"),
        )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Say what your concern is.")
        return text
