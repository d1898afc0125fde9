"""Entering a certification by hand."""

from django import forms


class CertificationEntryForm(forms.Form):
    name = forms.CharField(label="Certification", max_length=200)
    number = forms.CharField(label="Certification number", max_length=64, required=False)
    proof_url = forms.URLField(
        label="Link to the proof", max_length=500, required=False, assume_scheme="https"
    )
    earned_on = forms.DateField(label="Earned on", widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if it does not expire (or to use the catalog's validity).",
    )
