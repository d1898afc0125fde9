import pytest

from tests.readiness.sso.local_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    LocalProvider,
    LocalProviderServer,
)

ROLE_MAP = {
    "Readiness.Leadership": "Leadership",
    "Readiness.Curators": "Curators",
    "Readiness.Admin": "admin",
}


@pytest.fixture
def provider(settings):
    """A local provider, and the settings that point single sign-on at it."""
    server = LocalProviderServer(LocalProvider())
    settings.OIDC_DISCOVERY_URL = server.provider.discovery_url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Contoso"
    settings.OIDC_ROLE_MAP = ROLE_MAP
    yield server.provider
    server.stop()
