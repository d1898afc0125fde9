"""What the server declares about itself: ServiceProviderConfig, ResourceTypes, Schemas.

The schemas list only the attributes Readiness keeps, so a client (and scim2-tester) knows
what it can rely on; anything else a client sends is accepted and ignored.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scim2_models import (
    Attribute,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    External,
    Filter,
    Group,
    Mutability,
    Patch,
    Reference,
    Required,
    ResourceType,
    Returned,
    Schema,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
    User,
)

ScimUser = User[EnterpriseUser]

#: Core User attributes kept (with the sub-attributes kept of a complex one).
USER_ATTRIBUTES = {
    "userName": None,
    "name": {"givenName", "familyName"},
    "title": None,
    "active": None,
    "emails": {"value", "type"},
}
#: Kept but published as Readiness needs them (RFC 7643 §3.1 lets a schema list the common
#: attributes): a person needs an email (reminders, sign-in) and is active or not, and the
#: external id never changes once set.
REQUIRED = {"emails", "active"}
ENTERPRISE_ATTRIBUTES = {"department": None, "manager": {"value", "$ref"}}
#: A group's members are people (Users): nested groups are not kept.
GROUP_ATTRIBUTES = {"displayName": None, "members": {"value", "$ref", "type"}}
MAX_RESULTS = 200


def _restricted(schema: Schema, kept: dict[str, set[str] | None]) -> Schema:
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in kept:
            continue
        sub = kept[attribute.name]
        if sub is not None and attribute.sub_attributes:
            attribute.sub_attributes = [a for a in attribute.sub_attributes if a.name in sub]
        if attribute.name in REQUIRED:
            attribute.required = Required.true
            for sub_attribute in attribute.sub_attributes or []:
                if sub_attribute.name == "value":
                    sub_attribute.required = Required.true
        if attribute.name == "emails":
            # One email per person, Entra's "work" one: the only type kept.
            for sub_attribute in attribute.sub_attributes or []:
                if sub_attribute.name == "type":
                    sub_attribute.canonical_values = ["work"]
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


def _external_id(what: str = "person") -> Attribute:
    return Attribute(
        name="externalId",
        type=Attribute.Type.string,
        multi_valued=False,
        description=f"The {what}'s id in the directory (Entra ID's objectId); set once.",
        required=Required.false,
        case_exact=CaseExact.true,
        mutability=Mutability.immutable,
        returned=Returned.default,
        uniqueness=Uniqueness.server,
    )


def _dump(resource: Any, location: str, kind: str) -> dict:
    body = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {"resourceType": kind, "location": location}
    return body


def _with_external_id(schema: Schema, what: str = "person") -> Schema:
    schema.attributes = [_external_id(what), *(schema.attributes or [])]
    return schema


def _group_schema() -> Schema:
    schema = _with_external_id(_restricted(Group.to_schema(), GROUP_ATTRIBUTES), "group")
    for attribute in schema.attributes or []:
        if attribute.name == "members":
            attribute.reference_types = ["User"]
            for sub_attribute in attribute.sub_attributes or []:
                if sub_attribute.name == "$ref":
                    sub_attribute.reference_types = ["User"]
                if sub_attribute.name == "type":
                    sub_attribute.canonical_values = ["User"]
    return schema


@cache
def _schemas() -> tuple[Schema, ...]:
    return (
        _with_external_id(_restricted(User.to_schema(), USER_ATTRIBUTES)),
        _restricted(EnterpriseUser.to_schema(), ENTERPRISE_ATTRIBUTES),
        _group_schema(),
    )


def schemas(base: str) -> list[dict]:
    return [_dump(s.model_copy(deep=True), f"{base}Schemas/{s.id}", "Schema") for s in _schemas()]


def resource_types(base: str) -> list[dict]:
    types = [ResourceType.from_resource(ScimUser), ResourceType.from_resource(Group)]
    return [_dump(t, f"{base}ResourceTypes/{t.id}", "ResourceType") for t in types]


def service_provider_config(base: str, documentation: str) -> dict:
    config = ServiceProviderConfig(
        documentation_uri=Reference[External](documentation),
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A Readiness service token with the SCIM right "
                "(python manage.py scim_token --name NAME).",
                primary=True,
            )
        ],
    )
    body = config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{base}ServiceProviderConfig",
    }
    return body
