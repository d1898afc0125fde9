"""SCIM provisioning as Microsoft Entra ID drives it, plus tokens, filters, pages and deletes.

The request bodies are written as Entra ID sends them (its documented provisioning requests):
"Replace"/"Add" in any casing, booleans as the strings "True"/"False", the manager as a bare
id or {"value": id}, enterprise attributes by their full URN path.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readiness.models import Person, Team
from readiness.tokens import scim_token_create, service_token_create, token_create
from tests.api.scim_support import (
    ENTERPRISE,
    USERS,
    entra_create,
    patch,
    send,
)
from tests.api.scim_support import scim as scim  # noqa: F401 (the fixture)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("manager_shape", ["string", "object"])
def test_entra_create_move_manager_disable(org, scim, manager_shape):
    # Entra first looks the user up, then creates the manager and the user.
    response, body = send(scim, "get", f'{USERS}?filter=userName eq "alice@contoso.com"')
    assert response.status_code == 200 and body["totalResults"] == 0
    response, boss = send(
        scim,
        "post",
        USERS,
        entra_create(
            "bob@contoso.com", "9f0c-bob", department="Data & AI", given="Bob", family="Boss"
        ),
    )
    assert response.status_code == 201, boss
    response, alice = send(
        scim,
        "post",
        USERS,
        entra_create("alice@contoso.com", "6d1e-alice", department="Platform Engineering"),
    )
    assert response.status_code == 201, alice
    assert response["Location"].endswith(f"/scim/v2/Users/{alice['id']}")
    person = Person.objects.select_related("user").get(pk=alice["id"])
    assert (person.external_id, person.team, person.user.username, person.job_title) == (
        "6d1e-alice",
        org.platform,
        "alice@contoso.com",
        "Analyst",
    )
    assert person.start_date is None  # unknown, not "today"
    assert alice[ENTERPRISE]["department"] == "Platform Engineering"

    # Moved to another department.
    response, moved = send(
        scim,
        "patch",
        f"{USERS}/{alice['id']}",
        patch({"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Data & AI"}),
    )
    assert response.status_code == 200, moved
    person.refresh_from_db()
    assert person.team == org.data and moved[ENTERPRISE]["department"] == "Data & AI"

    # Given a manager: Entra sends the manager's id bare or as {"value": id}.
    value = boss["id"] if manager_shape == "string" else {"value": boss["id"]}
    response, managed = send(
        scim,
        "patch",
        f"{USERS}/{alice['id']}",
        patch({"op": "Add", "path": f"{ENTERPRISE}:manager", "value": value}),
    )
    assert response.status_code == 200, managed
    assert managed[ENTERPRISE]["manager"]["value"] == boss["id"]
    bob = Person.objects.get(pk=boss["id"]).user
    assert bob in org.data.managers.all()  # the manager manages the person's team

    # Disabled: "False" as a string, the person kept (deactivated), their history too.
    response, disabled = send(
        scim,
        "patch",
        f"{USERS}/{alice['id']}",
        patch({"op": "Replace", "path": "active", "value": "False"}),
    )
    assert response.status_code == 200, disabled
    assert disabled["active"] is False
    person.refresh_from_db()
    assert not person.is_active and Person.objects.filter(pk=person.pk).exists()
    entries = LogEntry.objects.filter(
        object_id=str(person.pk), content_type__model="person", change_message="via SCIM"
    )
    assert entries.count() == 3  # created, moved, disabled (the manager is the team's change)
    assert set(entries.values_list("user", flat=True)) == {scim.account.pk}
    assert LogEntry.objects.filter(
        object_id=str(org.data.pk), change_message="via SCIM", action_flag=2
    ).exists()


def test_entra_email_and_name_changes_keep_the_person(org, scim):
    _r, alice = send(
        scim,
        "post",
        USERS,
        entra_create("alice@contoso.com", "6d1e-alice", department="Platform Engineering"),
    )
    response, body = send(
        scim,
        "patch",
        f"{USERS}/{alice['id']}",
        patch(
            {
                "op": "replace",
                "path": 'emails[type eq "work"].value',
                "value": "alice@fabrikam.com",
            },
            {"op": "Replace", "path": "name.familyName", "value": "Smith"},
            {"op": "Replace", "path": "userName", "value": "alice@fabrikam.com"},
        ),
    )
    assert response.status_code == 200, body
    person = Person.objects.select_related("user").get(external_id="6d1e-alice")
    assert str(person.pk) == alice["id"]
    assert (person.user.email, person.user.last_name, person.user.username) == (
        "alice@fabrikam.com",
        "Smith",
        "alice@fabrikam.com",
    )


def test_an_external_id_never_changes(org, scim):
    _r, alice = send(
        scim,
        "post",
        USERS,
        entra_create("alice@contoso.com", "6d1e-alice", department="Platform Engineering"),
    )
    response, body = send(
        scim,
        "patch",
        f"{USERS}/{alice['id']}",
        patch({"op": "Replace", "path": "externalId", "value": "another"}),
    )
    assert response.status_code == 400 and body["scimType"] == "mutability"
    assert Person.objects.get(pk=alice["id"]).external_id == "6d1e-alice"


def test_filters_and_pages(org, scim):
    for n in range(3):
        send(
            scim,
            "post",
            USERS,
            entra_create(f"u{n}@contoso.com", f"ext-{n}", department="Platform Engineering"),
        )
    _r, body = send(scim, "get", f'{USERS}?filter=externalId eq "ext-1"')
    assert [u["userName"] for u in body["Resources"]] == ["u1@contoso.com"]
    _r, body = send(scim, "get", f'{USERS}?filter=userName eq "U2@contoso.com"')
    assert [u["externalId"] for u in body["Resources"]] == ["ext-2"]
    visible = Person.objects.filter(user__is_active=True).count()
    _r, body = send(scim, "get", f"{USERS}?startIndex=2&count=2")
    assert (body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (visible, 2, 2)
    response, body = send(scim, "get", f'{USERS}?filter=userName eq "unterminated')
    assert response.status_code == 400 and body["scimType"] == "invalidFilter"
    response, body = send(
        scim,
        "post",
        f"{USERS}/.search",
        {"filter": 'externalId eq "ext-0"', "attributes": ["userName"]},
    )
    assert response.status_code == 200
    assert body["Resources"] == [
        {
            "id": body["Resources"][0]["id"],
            "userName": "u0@contoso.com",
            "schemas": body["Resources"][0]["schemas"],
        }
    ]


def test_the_list_costs_the_same_queries_for_5_or_40_people(org, scim):
    """Token, its account's other tokens (knox); count; page; team names; team managers;
    the managers' people."""
    counts = []
    for size in (5, 40):
        PersonFactory.create_batch(size, team=org.platform)
        with CaptureQueriesContext(connection) as queries:
            response = scim.get(f"{USERS}?count=200")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == 7


def test_delete_deactivates_and_creating_again_reactivates_the_same_person(org, scim):
    _r, alice = send(
        scim,
        "post",
        USERS,
        entra_create("alice@contoso.com", "6d1e-alice", department="Platform Engineering"),
    )
    assert scim.delete(f"{USERS}/{alice['id']}").status_code == 204
    assert scim.get(f"{USERS}/{alice['id']}").status_code == 404
    person = Person.objects.select_related("user").get(pk=alice["id"])
    assert not person.is_active and not person.user.is_active
    response, again = send(
        scim,
        "post",
        USERS,
        entra_create("alice@contoso.com", "6d1e-alice", department="Platform Engineering"),
    )
    assert response.status_code == 201 and again["id"] == alice["id"]
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.is_active and person.user.is_active


def test_a_duplicate_is_409_and_a_bad_user_writes_nothing(org, scim):
    send(scim, "post", USERS, entra_create("alice@contoso.com", "a", department="Data & AI"))
    response, body = send(
        scim, "post", USERS, entra_create("alice@contoso.com", "b", department="Data & AI")
    )
    assert response.status_code == 409 and body["scimType"] == "uniqueness"
    people, teams = Person.objects.count(), Team.objects.count()
    bad = entra_create("not-an-email", "c", department="Brand/New")
    bad["emails"] = [{"type": "work", "value": "not-an-email"}]
    response, body = send(scim, "post", USERS, bad)
    assert response.status_code == 400 and "email" in body["detail"]
    assert (Person.objects.count(), Team.objects.count()) == (people, teams)


def test_an_unmapped_department_is_a_team_path_created_when_missing(org, scim):
    response, body = send(
        scim, "post", USERS, entra_create("alice@contoso.com", "a", department="Sales/EMEA")
    )
    assert response.status_code == 201, body
    team = Person.objects.get(pk=body["id"]).team
    assert (team.name, team.parent.name, team.parent.parent) == ("EMEA", "Sales", None)
    assert body[ENTERPRISE]["department"] == "Sales/EMEA"


def test_only_a_token_with_the_scim_right_gets_in(org):
    assert Client().get(USERS).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer rdy_nonsense").get(USERS).status_code == 401
    _t, hr = service_token_create(admin=org.admin, account="hr", name="HR", can_hr_upsert=True)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {hr}").get(USERS).status_code == 403
    _t, mine = token_create(user=org.admin, name="mine")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {mine}").get(USERS).status_code == 403
    token, secret = scim_token_create(name="Entra")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(USERS).status_code == 200
    token.delete()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(USERS).status_code == 401


def test_discovery(org, scim):
    _r, config = send(scim, "get", "/scim/v2/ServiceProviderConfig")
    assert config["patch"]["supported"] and not config["bulk"]["supported"]
    assert config["filter"] == {"supported": True, "maxResults": 200}
    _r, types = send(scim, "get", "/scim/v2/ResourceTypes")
    assert [t["id"] for t in types["Resources"]] == ["User", "Group"]
    _r, group = send(scim, "get", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")
    assert {a["name"] for a in group["attributes"]} == {"externalId", "displayName", "members"}
    _r, schema = send(scim, "get", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")
    attributes = {a["name"]: a for a in schema["attributes"]}
    assert attributes["externalId"]["mutability"] == "immutable"
    assert attributes["emails"]["required"] and attributes["userName"]["required"]
    response, body = send(scim, "get", "/scim/v2/Nothing")
    assert response.status_code == 404 and body["status"] == "404"


def test_entra_pathless_replace_with_dotted_keys_and_extension_urns(org, scim):
    _r, boss = send(
        scim,
        "post",
        USERS,
        entra_create(
            "bob@contoso.com", "9f0c-bob", department="Data & AI", given="Bob", family="Boss"
        ),
    )
    _r, alice = send(
        scim,
        "post",
        USERS,
        entra_create("alice@contoso.com", "6d1e-alice", department="Platform Engineering"),
    )
    response, body = send(
        scim,
        "patch",
        f"{USERS}/{alice['id']}",
        patch(
            {
                "op": "Replace",
                "value": {
                    "active": False,
                    "name.givenName": "Alicia",
                    "title": "Lead",
                    f"{ENTERPRISE}:department": "Data & AI",
                    f"{ENTERPRISE}:manager": boss["id"],
                },
            }
        ),
    )
    assert response.status_code == 200, body
    assert (body["active"], body["name"]["givenName"], body["title"]) == (False, "Alicia", "Lead")
    assert body[ENTERPRISE]["department"] == "Data & AI"
    assert body[ENTERPRISE]["manager"]["value"] == boss["id"]
    person = Person.objects.select_related("user").get(pk=alice["id"])
    assert (person.is_active, person.user.first_name, person.team) == (False, "Alicia", org.data)
    assert Person.objects.get(pk=boss["id"]).user in org.data.managers.all()
    # A bad key in it refuses the whole operation: nothing changed.
    response, body = send(
        scim,
        "patch",
        f"{USERS}/{alice['id']}",
        patch({"op": "Replace", "value": {"title": "Boss", "name.nope": "x"}}),
    )
    assert response.status_code == 400, body
    assert Person.objects.get(pk=alice["id"]).job_title == "Lead"
