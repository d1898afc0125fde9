"""The "raise a concern" form (the API's ``ConcernRaiseSerializer`` takes the same fields)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from readiness.forms import length_hints
from readiness.models import ConcernArea, ConcernCategory


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
