"""The "API tokens" profile page: a person creates and revokes their own tokens; admins also
create and revoke service tokens for integrations. Writes go through ``readiness.tokens``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from readiness.forms.tokens import ServiceTokenForm, TokenForm
from readiness.permissions import is_admin
from readiness.tokens import (
    service_token_create,
    service_token_revoke,
    service_tokens,
    token_create,
    token_revoke,
    tokens_of,
)
from readiness.typed import AuthenticatedHttpRequest

#: The secret of a token just created, kept in the session until the page shows it once.
NEW_SECRET_KEY = "readiness_new_api_token"  # nosec B105 # a session key name, not a password


def _page(
    request: AuthenticatedHttpRequest,
    *,
    form: TokenForm | None = None,
    service_form: ServiceTokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    admin = is_admin(request.user)
    context = {
        "tokens": list(tokens_of(user=request.user)),
        "form": form or TokenForm(),
        "new_secret": request.session.pop(NEW_SECRET_KEY, None),
        "admin": admin,
        "service_tokens": list(service_tokens()) if admin else [],
        "service_form": (service_form or ServiceTokenForm()) if admin else None,
    }
    return render(request, "readiness/profile_tokens.html", context, status=status)


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def tokens_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List my tokens; POST creates one and shows its secret once."""
    if request.method != "POST":
        return _page(request)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            request.session[NEW_SECRET_KEY] = secret
            messages.success(
                request, f"Token “{token.name}” created. Copy it now: it is shown once."
            )
            return redirect("readiness:tokens")
    return _page(request, form=form, status=400)


@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, token_key: str) -> HttpResponse:
    if token_revoke(user=request.user, token_key=token_key):
        messages.success(request, "The token is revoked: it no longer works.")
    else:
        messages.error(request, "No such token.")
    return redirect("readiness:tokens")


@require_POST
def service_token_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    form = ServiceTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = service_token_create(admin=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            request.session[NEW_SECRET_KEY] = secret
            messages.success(
                request,
                f"Service token “{token.name}” for {token.user.get_username()} created. Copy "
                "it now: it is shown once.",
            )
            return redirect("readiness:tokens")
    return _page(request, service_form=form, status=400)


@require_POST
def service_token_revoke_view(request: AuthenticatedHttpRequest, token_key: str) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    if service_token_revoke(token_key=token_key):
        messages.success(request, "The service token is revoked.")
    else:
        messages.error(request, "No such token.")
    return redirect("readiness:tokens")
