"""The OpenID Connect client (Authlib), configured from the settings.

One client per configuration is kept for the life of the process: it holds the provider's
discovery document and its signing keys (JWKS). An ID token signed with a key id the kept set
does not know makes Authlib fetch the JWKS again, so keys the provider rotates are picked up
without a restart.
"""

from functools import lru_cache

from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.conf import settings

CLIENT_NAME = "oidc"


def sso_enabled() -> bool:
    """Single sign-on is on when the discovery URL, the client id and its secret are all set."""
    return bool(
        settings.OIDC_DISCOVERY_URL and settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET
    )


def oidc_client() -> DjangoOAuth2App:
    return _client(
        settings.OIDC_DISCOVERY_URL,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
        settings.OIDC_HTTP_TIMEOUT,
    )


@lru_cache(maxsize=4)
def _client(
    discovery_url: str, client_id: str, client_secret: str, scopes: str, timeout: float
) -> DjangoOAuth2App:
    return DjangoOAuth2App(
        DjangoIntegration(CLIENT_NAME),
        name=CLIENT_NAME,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=discovery_url,
        # Authorization code flow with PKCE (S256); Authlib adds state and nonce itself.
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "default_timeout": timeout,
        },
    )
