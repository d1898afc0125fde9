"""What the SCIM tests share: Entra ID's request bodies, the client with a SCIM token (the
``scim`` fixture: import it into the test module that uses it) and a helper to send a request."""

import pytest
from django.test import Client

from readiness.tokens import scim_token_create

USERS = "/scim/v2/Users"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DEPARTMENTS = {"Platform Engineering": "Engineering/Platform", "Data & AI": "Engineering/Data"}


@pytest.fixture
def scim(settings):
    settings.SCIM_DEPARTMENT_TEAMS = DEPARTMENTS
    _token, secret = scim_token_create(name="Entra ID")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.account = _token.user
    return client


def send(client, method, url, body=None):
    response = getattr(client, method)(url, body, content_type="application/scim+json")
    return response, (response.json() if response.content else None)


def entra_create(user_name, external_id, *, department, given="Alice", family="Archer"):
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": external_id,
        "userName": user_name,
        "active": True,
        "displayName": f"{given} {family}",
        "emails": [{"primary": True, "type": "work", "value": user_name}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": f"{given} {family}", "familyName": family, "givenName": given},
        "title": "Analyst",
        "roles": [],
        ENTERPRISE: {"department": department},
    }


def patch(*operations):
    return {"schemas": [PATCH_OP], "Operations": list(operations)}
