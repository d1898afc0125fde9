"""People in the API: one kind of id, the Person id, wherever a field names a person.

The models record actors as accounts (``rated_by``, ``assigned_by``, ``owner``, ``raised_by``,
``requested_by`` are foreign keys to the user), and an account may have no person record (an
admin, a leader, a curator). The API never shows an account id: such a field carries the
actor's **Person id**, null when there is none, and a read-only ``<field>_name`` says who it
was ("Ada Admin (no person record)").

The person comes through the one-to-one ``Person.user`` (``related_name="person"``): a list
selects it with its rows (``select_related("<field>__person")``, or a ``Prefetch`` of users
with ``select_related("person")``), so these fields read no row of their own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from readiness.models import Person

#: Ids in the input: bounded, so that no database is asked about an integer it cannot store.
MAX_ID = 2**31 - 1

#: What ``<field>_name`` adds when the account has no person record.
NO_PERSON_RECORD = "(no person record)"

#: The refusal of a Person id that names nobody: the same words as the pages' forms use for a
#: person outside the choices, so that the answer does not tell whether the id exists.
INVALID_PERSON = str(forms.ModelChoiceField.default_error_messages["invalid_choice"])


def person_of(user: User | None) -> Person | None:
    """The person record of ``user`` (None without one): no query when it was selected."""
    return getattr(user, "person", None) if user is not None else None


def person_id_of(user: User | None) -> int | None:
    person = person_of(user)
    return person.pk if person is not None else None


def person_name_of(user: User | None) -> str | None:
    """Who ``user`` is, for people: the display name, marked when there is no person record."""
    if user is None:
        return None
    name = user.get_full_name() or user.get_username()
    return name if person_of(user) is not None else f"{name} {NO_PERSON_RECORD}"


@extend_schema_field(OpenApiTypes.INT)
class PersonRefField(serializers.Field):
    """An account foreign key (``source``), shown as that account's Person id."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:  # noqa: ANN401
        kwargs.setdefault(
            "help_text",
            f"Person id of {what}; null when there is none, or when that account has no "
            "person record (the field's `_name` companion then says who it was).",
        )
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: User) -> int | None:
        return person_id_of(value)


@extend_schema_field(OpenApiTypes.STR)
class PersonNameField(serializers.Field):
    """The display name of an account foreign key (``source``), for people to read."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:  # noqa: ANN401
        kwargs.setdefault(
            "help_text",
            f"Display name of {what} (read-only), ending in “{NO_PERSON_RECORD}” when that "
            "account has no person record; null when there is none.",
        )
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: User) -> str | None:
        return person_name_of(value)


class PersonIdInput(serializers.IntegerField):
    """A Person id in a request, handed on as that person's account id: what the pages' forms
    and the services take (they check the choice: leadership, an admin, a manager…).

    An id that names nobody is refused at the field with the same words as a person outside
    the choices (the form's refusal), so the answer tells nothing of which ids exist."""

    def __init__(self, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data: Any) -> int:  # noqa: ANN401
        person_pk = super().to_internal_value(data)
        user_id = Person.objects.filter(pk=person_pk).values_list("user_id", flat=True).first()
        if user_id is None:
            raise serializers.ValidationError(INVALID_PERSON, code="invalid")
        return user_id
