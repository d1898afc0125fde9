"""The API's OpenAPI schema, generated once per process: ``/api/schema/`` serves it and the
unknown-query-parameter check (``readiness.api.query``) reads it, so they cannot disagree.

It depends on the code and the settings only (the schema is public: the same for every
caller), so it is built on first use — ``readiness.wsgi`` asks for it as a web server's
process starts, so no request waits for it — and kept; a change to a setting it is generated
from (a test's override) forgets it. ``manage.py spectacular`` still generates afresh."""

from __future__ import annotations

import functools
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

#: The settings the schema is generated from besides the ``API_*`` limits it describes: the
#: routes, the apps, DRF's and drf-spectacular's own.
SCHEMA_SETTINGS = frozenset(
    {"ROOT_URLCONF", "INSTALLED_APPS", "REST_FRAMEWORK", "SPECTACULAR_SETTINGS", "USE_I18N"}
)


@functools.cache
def openapi_schema() -> dict[str, Any]:
    """The schema as a dict (about a second of CPU to build). Shared: never modify it."""
    from drf_spectacular.generators import SchemaGenerator  # noqa: PLC0415 # loads the URLconf

    return SchemaGenerator().get_schema(request=None, public=True)


def is_schema_setting(name: str) -> bool:
    """Whether the schema may change with the setting ``name``."""
    return name in SCHEMA_SETTINGS or name.startswith("API_")


@receiver(setting_changed)
def _forget_schema(*, setting: str, **kwargs: Any) -> None:  # noqa: ANN401
    if is_schema_setting(setting):
        openapi_schema.cache_clear()
