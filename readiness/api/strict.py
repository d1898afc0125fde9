"""Strict input: a key the serializer does not know is refused, not ignored.

A typo (``"peeple"``, ``"employee_id"``) silently ignored reads to the caller as success;
every serializer that reads a request body mixes this in (``tests/api/test_problems.py``
walks the schema's request bodies, nested ones included, to keep it so).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

UNKNOWN_FIELD_MESSAGE = "Unknown field: this operation does not take it."


class StrictInputMixin:
    """Refuses keys that are not fields of the serializer (read-only fields are known: a body
    read from a GET may be sent back)."""

    def to_internal_value(self, data: Any) -> Any:  # noqa: ANN401
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))  # type: ignore[attr-defined]
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: [ErrorDetail(UNKNOWN_FIELD_MESSAGE, code="unknown_field")]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictInputMixin, serializers.Serializer):
    """A plain input serializer that refuses unknown keys."""


class StrictModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A model serializer that refuses unknown keys."""
