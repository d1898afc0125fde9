"""Hostile input to SCIM, with a token that may write: never a 5xx, never a partial write."""

import json

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.tokens import scim_token_create

pytestmark = pytest.mark.django_db

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
UNCOUNTED_APPS = {"axes", "sessions"}

text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "a" * 300,
            "x@y.z" + "a" * 300,
            "<script>",
            "Sales//EMEA",
            "/",
            "../",
            "\u202eevil",
            "userName eq",
            "99999999999999999999",
            "0",
            "-1",
        ]
    ),
)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    text,
)
json_value = st.recursive(
    scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=6,
)
user_fields = {
    "userName": json_value,
    "externalId": json_value,
    "active": json_value,
    "emails": st.one_of(json_value, st.just([{"value": "a@example.com", "type": "work"}])),
    "name": json_value,
    "title": json_value,
    "schemas": json_value,
    ENTERPRISE: st.one_of(
        json_value,
        st.fixed_dictionaries({}, optional={"department": json_value, "manager": json_value}),
    ),
}
operation = st.fixed_dictionaries(
    {"op": st.sampled_from(["Add", "replace", "REMOVE", "bogus"])},
    optional={
        "path": st.one_of(
            text,
            st.sampled_from(
                [
                    "active",
                    "externalId",
                    "userName",
                    f"{ENTERPRISE}:manager",
                    f"{ENTERPRISE}:department",
                    'emails[type eq "work"].value',
                    "emails[",
                    "name.x",
                ]
            ),
        ),
        "value": json_value,
    },
)


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in UNCOUNTED_APPS and not model._meta.proxy
    }


group_fields = {
    "displayName": json_value,
    "externalId": json_value,
    "schemas": json_value,
    "members": st.one_of(
        json_value,
        st.lists(
            st.fixed_dictionaries(
                {
                    "value": st.one_of(
                        text, st.sampled_from(["1", "0", "-1", "99999999999999999999"])
                    )
                },
                optional={"$ref": json_value, "type": json_value},
            ),
            max_size=3,
        ),
    ),
}
group_operation = st.fixed_dictionaries(
    {"op": st.sampled_from(["Add", "replace", "Remove", "bogus"])},
    optional={
        "path": st.one_of(
            text,
            st.sampled_from(
                [
                    "members",
                    "displayName",
                    "externalId",
                    'members[value eq "1"]',
                    "members[",
                    'members[value eq "x"].type',
                ]
            ),
        ),
        "value": st.one_of(json_value, st.just([{"value": "1"}]), st.just({"value": "x"})),
    },
)


@pytest.fixture
def scim(org, settings):
    settings.SCIM_GROUP_MAP = {"Team - *": "team:*", "Lead": "leadership", "Bad": "team:"}
    _token, secret = scim_token_create(name="Entra ID")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    created = client.post(
        "/scim/v2/Users",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "t@example.com",
            "emails": [{"value": "t@example.com", "type": "work"}],
            "active": True,
        },
        content_type="application/scim+json",
    )
    assert created.status_code == 201
    client.user_url = f"/scim/v2/Users/{created.json()['id']}"
    group = client.post(
        "/scim/v2/Groups",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Team - X",
            "externalId": "g-x",
            "members": [{"value": created.json()["id"]}],
        },
        content_type="application/scim+json",
    )
    assert group.status_code == 201, group.content
    client.group_url = f"/scim/v2/Groups/{group.json()['id']}"
    return client


def _check(client: Client, method: str, url: str, body) -> None:
    with transaction.atomic():
        before = _row_counts()
        response = getattr(client, method)(
            url,
            json.dumps(body) if not isinstance(body, bytes) else body,
            content_type="application/scim+json",
        )
        assert response.status_code < 500, (method, url, body, response.content)
        if response.status_code >= 400:
            assert _row_counts() == before, (method, url, body)
            assert response["Content-Type"] == "application/scim+json"
        transaction.set_rollback(True)


FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_hostile_users_are_refused_whole(scim):
    @FUZZ
    @given(body=st.one_of(json_value, st.fixed_dictionaries({}, optional=user_fields)))
    def post(body):
        _check(scim, "post", "/scim/v2/Users", body)
        _check(scim, "put", scim.user_url, body)

    post()


def test_hostile_patches_are_refused_whole(scim):
    @FUZZ
    @given(operations=st.one_of(json_value, st.lists(operation, max_size=3)))
    def patch(operations):
        _check(
            scim,
            "patch",
            scim.user_url,
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": operations,
            },
        )

    patch()


@pytest.mark.parametrize(
    "query",
    [
        "filter=userName eq",
        "filter=" + "(" * 200,
        "filter=nope pr",
        'filter=title eq "x"',
        "startIndex=-5&count=abc",
        "count=99999999999999999999",
        "attributes=nope.deep",
        "excludedAttributes=[",
        'filter=emails[type eq "work" and value co "@"]',
    ],
)
def test_hostile_queries_are_4xx_or_a_list(scim, query):
    response = scim.get(f"/scim/v2/Users?{query}")
    assert response.status_code in (200, 400), (query, response.content)


def test_a_body_that_is_not_json(scim):
    _check(scim, "post", "/scim/v2/Users", b"{not json")
    _check(scim, "post", "/scim/v2/Users", b"\xff\xfe")
    _check(scim, "post", "/scim/v2/.search", b"[]")


def test_hostile_groups_are_refused_whole(scim):
    @FUZZ
    @given(body=st.one_of(json_value, st.fixed_dictionaries({}, optional=group_fields)))
    def post(body):
        _check(scim, "post", "/scim/v2/Groups", body)
        _check(scim, "put", scim.group_url, body)

    post()


def test_hostile_group_patches_are_refused_whole(scim):
    @FUZZ
    @given(operations=st.one_of(json_value, st.lists(group_operation, max_size=3)))
    def patch(operations):
        _check(
            scim,
            "patch",
            scim.group_url,
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": operations,
            },
        )

    patch()


@pytest.mark.parametrize(
    "query",
    [
        "filter=displayName eq",
        "filter=" + "(" * 200,
        "filter=members pr",
        "startIndex=-5&count=x",
        "count=99999999999999999999",
        "attributes=nope.deep",
        "excludedAttributes=[",
    ],
)
def test_hostile_group_queries_are_4xx_or_a_list(scim, query):
    response = scim.get(f"/scim/v2/Groups?{query}")
    assert response.status_code in (200, 400), (query, response.content)
    for url in ("/scim/v2/Groups/abc", "/scim/v2/Groups/99999999999999999999999"):
        assert scim.get(url).status_code == 404
