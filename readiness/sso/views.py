"""Sign-in with the provider (start, return), sign-out, and the password form's rules."""

import logging

import requests
from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from readiness.sso.client import oidc_client, sso_enabled
from readiness.sso.services import SsoRefused, oidc_user_sign_in

logger = logging.getLogger(__name__)

SESSION_NEXT = "sso_next"
SESSION_ID_TOKEN = "sso_id_token"  # nosec B105 # a session key name, not a secret
BREAK_GLASS = "break-glass"

# What a person can do about an error the provider sends back (RFC 6749 §4.1.2.1 codes).
PROVIDER_ERRORS = {
    "access_denied": "You declined to let Readiness use your account, or your organization "
    "does not allow you to use Readiness.",
    "invalid_grant": "The sign-in took too long or was already used. Start again.",
    "mismatching_state": "This sign-in link was already used or did not start here. Start again.",
    "consent_required": "Your organization must first allow Readiness to use your account.",
    "interaction_required": "The provider needs you to sign in again. Start again.",
    "login_required": "The provider needs you to sign in again. Start again.",
    "temporarily_unavailable": "The sign-in service is busy. Try again in a few minutes.",
    "server_error": "The sign-in service had an error. Try again in a few minutes.",
}
# Errors our client raises itself, whose description is no word from the provider.
OWN_ERRORS = {"mismatching_state", "missing_id_token"}


def _error_page(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    detail: str = "",
    status: int = 400,
    ask_admin: bool = False,
) -> HttpResponse:
    return render(
        request,
        "sso/error.html",
        {
            "title": title,
            "message": message,
            "detail": detail[:300],
            "ask_admin": ask_admin,
            "provider_name": settings.OIDC_PROVIDER_NAME,
        },
        status=status,
    )


@login_not_required
@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider (authorization code + PKCE, state and nonce kept in
    the session); ``?next=`` is kept for the return when it is a page of this site."""
    if not sso_enabled():
        raise Http404
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[SESSION_NEXT] = next_url
    else:
        request.session.pop(SESSION_NEXT, None)
    redirect_uri = request.build_absolute_uri(reverse("sso:callback"))
    try:
        return oidc_client().authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError, KeyError, RuntimeError):
        logger.warning("single sign-on: the provider's discovery failed", exc_info=True)
        return _error_page(
            request,
            title="Sign-in service unreachable",
            status=503,
            message=f"{settings.OIDC_PROVIDER_NAME} does not answer. Try again in a few minutes.",
        )


@login_not_required
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider's return: the ID token is checked (signature against the provider's keys,
    issuer, audience, nonce, expiry within OIDC_CLOCK_SKEW_SECONDS); the state is used up."""
    if not sso_enabled():
        raise Http404
    try:
        token = oidc_client().authorize_access_token(
            request, leeway=settings.OIDC_CLOCK_SKEW_SECONDS
        )
        claims = token.get("userinfo")
        if claims is None:
            raise OAuthError(error="missing_id_token", description="No ID token came back.")
    except OAuthError as exc:
        logger.info("single sign-on refused: %s %s", exc.error, exc.description)
        return _error_page(
            request,
            title="Sign-in did not complete",
            message=PROVIDER_ERRORS.get(exc.error, "The sign-in did not complete. Start again."),
            # What the provider said (not our client's own wording).
            detail="" if exc.error in OWN_ERRORS else str(exc.description or ""),
        )
    except JoseError as exc:
        # A token whose signature, issuer, audience, nonce or expiry is wrong.
        logger.warning("single sign-on: ID token refused: %r", exc)
        return _error_page(
            request,
            title="Sign-in refused",
            status=403,
            message="The identity token could not be trusted. Start again; if "
            "this happens again, tell your administrator.",
        )
    except (requests.RequestException, ValueError, KeyError, RuntimeError):
        logger.warning("single sign-on: the provider failed", exc_info=True)
        return _error_page(
            request,
            title="Sign-in service unreachable",
            status=503,
            message=f"{settings.OIDC_PROVIDER_NAME} does not answer. Try again in a few minutes.",
        )
    try:
        user = oidc_user_sign_in(claims=claims)
    except SsoRefused as exc:
        logger.info("single sign-on: %s refused (%s)", claims.get("sub"), exc.code)
        return _error_page(
            request, title="No access to Readiness", status=403, message=exc.message, ask_admin=True
        )
    next_url = request.session.pop(SESSION_NEXT, "")
    login(request, user, backend="readiness.sso.backends.OidcSessionBackend")
    request.session[SESSION_ID_TOKEN] = token.get("id_token", "")
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class PasswordLoginView(LoginView):
    """The sign-in page: the provider's button when single sign-on is on; the password form
    unless PASSWORD_LOGIN is off, when only ``?break-glass=1`` shows it (to superusers: the
    backend refuses everybody else)."""

    def _password_shown(self) -> bool:
        return settings.PASSWORD_LOGIN or BREAK_GLASS in self.request.GET

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not self._password_shown():
            response = self.get(request, *args, **kwargs)
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "sso_enabled": sso_enabled(),
                "sso_provider_name": settings.OIDC_PROVIDER_NAME,
                "password_shown": self._password_shown(),
                "break_glass": BREAK_GLASS in self.request.GET and not settings.PASSWORD_LOGIN,
            }
        )
        return context


class SsoLogoutView(LogoutView):
    """Sign-out; a single sign-on session also ends at the provider (RP-initiated logout)
    when it declares an end_session_endpoint."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        id_token = request.session.get(SESSION_ID_TOKEN)
        response = super().post(request, *args, **kwargs)
        if not id_token or not sso_enabled():
            return response
        try:
            client = oidc_client()
            if not client.load_server_metadata().get("end_session_endpoint"):
                return response
            url = client.create_logout_url(
                post_logout_redirect_uri=request.build_absolute_uri(resolve_url("login")),
                id_token_hint=id_token,
                client_id=settings.OIDC_CLIENT_ID,
            )["url"]
        except (requests.RequestException, ValueError, KeyError, RuntimeError):
            logger.warning("single sign-on: provider logout unavailable", exc_info=True)
            return response
        # A page, not a redirect: the pages' Content-Security-Policy (form-action 'self') would
        # block the sign-out form's redirect to another site; a refresh is no form action.
        return render(
            request,
            "sso/logout.html",
            {"end_session_url": url, "provider_name": settings.OIDC_PROVIDER_NAME},
        )
