"""Writes of the certification catalog."""

from __future__ import annotations

from django.db import transaction
from django.forms import BaseInlineFormSet

from catalog.certifications.forms import CertificationForm
from catalog.certifications.models import Certification


def certification_save(*, form: CertificationForm, formset: BaseInlineFormSet) -> Certification:
    """Save a certification and the skills it evidences, or nothing (both already valid)."""
    with transaction.atomic():
        saved = form.save()
        formset.instance = saved
        formset.save()
    return saved
