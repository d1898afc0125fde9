"""The curator's certification form and the skills-it-evidences formset."""

from __future__ import annotations

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from catalog.certifications.models import Certification, CertificationSkill


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = [
            "name",
            "provider",
            "exam_codes",
            "validity_months",
            "renewal_url",
            "is_active",
            "counts_as_rating",
        ]

    def clean_exam_codes(self) -> str:
        codes = [c.strip().upper() for c in self.cleaned_data["exam_codes"].split(",")]
        return ", ".join(c for c in codes if c)


SkillLevelFormSet: type[
    BaseInlineFormSet[CertificationSkill, Certification, forms.ModelForm[CertificationSkill]]
] = inlineformset_factory(
    Certification,
    CertificationSkill,
    fields=["skill", "level"],
    extra=3,
    can_delete=True,
    max_num=30,
    validate_max=True,
)
