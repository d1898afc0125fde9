"""Typed helpers for what the type checker cannot see on its own (django-stubs, DRF stubs).

- Every page needs a signed-in user (``LoginRequiredMiddleware``) and every API endpoint
  ``IsAuthenticated`` by default, yet the stubs type ``request.user`` as ``User | AnonymousUser``.
  A page view annotates its request as :class:`AuthenticatedHttpRequest` (the pattern django-stubs
  documents); an API view reads the user through :func:`api_user`.
- ``form.fields[name]`` is typed as the base ``Field``: :func:`choice_field` and
  :func:`model_choice_field` hand back the field as what it is, checked.
- ``Model._meta.get_field`` is typed for reverse relations and generic keys too, and a
  relation's ``related_model`` as possibly the unresolved ``"self"``: :func:`concrete_field`
  and :func:`related_model` hand back what code over any model's fields needs, checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.contrib.auth.models import User
from django.db.models import Field, ForeignObjectRel, Model
from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

if TYPE_CHECKING:
    from django.contrib.contenttypes.fields import GenericForeignKey

_F = TypeVar("_F", bound=forms.Field)


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a page only a signed-in person reaches (all but ``login_not_required``)."""

    user: User


def api_user(request: Request) -> User:
    """The signed-in user of an API request (its permission classes already refused others)."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user


def concrete_field(model: type[Model], name: str) -> Field:
    """``model``'s field ``name``, a field of its own (not a reverse relation or generic key)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is no field of its own")
    return field


def column_name(model: type[Model], name: str) -> str:
    """The database column of a concrete field (``get_field`` is typed for relations too)."""
    field = concrete_field(model, name)
    if field.column is None:
        raise TypeError(f"{model.__name__}.{name} is no column")
    return field.column


def related_model(field: Field | ForeignObjectRel | GenericForeignKey) -> type[Model]:
    """The model a relation points to (resolved, ``"self"`` included, once the apps are
    loaded)."""
    model = field.related_model
    if not (isinstance(model, type) and issubclass(model, Model)):
        raise TypeError(f"{field} is no relation to a model")
    return model


def _field(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(
            f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}"
        )
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]`` as the choice field it is (to set its ``choices``)."""
    return _field(form, name, forms.ChoiceField)


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """``form.fields[name]`` as the model choice field it is (to set its ``queryset``)."""
    return _field(form, name, forms.ModelChoiceField)
