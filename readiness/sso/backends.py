"""Authentication backends: who may use the password form, and the single sign-on sessions."""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class PasswordBackend(ModelBackend):
    """Django's password check; with PASSWORD_LOGIN off it lets only superusers in (break-glass).

    A refused password counts as a failed attempt for django-axes like a wrong one.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not settings.PASSWORD_LOGIN and not user.is_superuser:
            return None
        return user


class OidcSessionBackend(ModelBackend):
    """Names the sessions opened by single sign-on; it never authenticates anybody itself."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        return None
