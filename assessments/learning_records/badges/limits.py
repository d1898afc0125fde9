"""The limits of an uploaded badge, one place for the upload form and the API.

A badge arrives as a file (the form's ``file``; the API's base64 ``file``) or as text (the
form's pasted ``text``; the API's ``credential``, a JWT string or a JSON object): either way it
becomes the bytes ``badge_upload`` verifies, and those may be at most
``BADGE_UPLOAD_MAX_BYTES``. Each caller says the refusal at its own field, in the same words.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError


def badge_size_check(size: int) -> None:
    """ValidationError (code ``too_large``) when a badge of ``size`` bytes is over the limit."""
    limit = settings.BADGE_UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"This badge is too large: at most {limit // 1024} KB (this one is "
            f"{-(-size // 1024)} KB).",
            code="too_large",
        )
