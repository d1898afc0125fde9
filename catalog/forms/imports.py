"""Forms of the Learn import page: upload a catalog file, or sync the Platform API."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from catalog.services.imports import IMPORT_MAX_BYTES


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label="Catalog JSON file",
        help_text="The Learn Catalog API's JSON (keys such as modules and learningPaths), or a "
        "saved page of the Learn Platform API.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    retire_missing = forms.BooleanField(
        label="This file is the whole catalog: retire Learn items of its kinds that it lacks",
        help_text="Off: the file adds and updates items and retires none. On: a dry run "
        "first lists what would be retired, and nothing is retired until you confirm it.",
        required=False,
        initial=False,
    )
    dry_run = forms.BooleanField(
        label="Dry run: report what would change, write nothing", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):  # noqa: ANN201
        """Refuse an oversized file by its size, before anything reads it into memory (Django
        has streamed it to a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE)."""
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(f"The file is larger than {IMPORT_MAX_BYTES // 2**20} MB.")
        return upload


class ImportPlatformForm(forms.Form):
    dry_run = forms.BooleanField(
        label="Dry run: report what would change, write nothing", required=False
    )
