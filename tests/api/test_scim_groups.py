"""SCIM Groups as Microsoft Entra ID drives them: a group is a team or the Leadership/Curators
group by SCIM_GROUP_MAP; membership moves people (through the HR upsert) or gives/takes the
group, audited, all or nothing. Bodies as Entra ID sends them ("Add"/"Remove" capitalised, a
member as a list or one object, removal by ``members[value eq "id"]``)."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readiness.models import Person, Team
from readiness.permissions import LEADERSHIP_GROUP
from readiness.scim.models import ScimGroup
from readiness.tokens import service_token_create, token_create
from tests.api.scim_support import USERS, entra_create, patch, send
from tests.api.scim_support import scim as scim  # noqa: F401 (the fixture)
from tests.factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db

GROUPS = "/scim/v2/Groups"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
RULES = {
    "Readiness Leadership": "leadership",
    "Readiness Curators": "curators",
    "Team - *": "team:*",
    "Data people": "team:data-ext",
}


@pytest.fixture
def mapped(scim, settings):  # noqa: F811
    settings.SCIM_GROUP_MAP = RULES
    return scim


def entra_group(name, external_id, members=()):
    return {
        "schemas": [GROUP],
        "externalId": external_id,
        "displayName": name,
        "members": [{"value": m} for m in members],
    }


def user(client, name, external_id, department="Data & AI"):
    response, body = send(
        client, "post", USERS, entra_create(name, external_id, department=department)
    )
    assert response.status_code == 201, body
    return body["id"]


def test_entra_team_group_add_and_remove_members(org, mapped):
    alice = user(mapped, "alice@contoso.com", "a-1")
    bob = user(mapped, "bob@contoso.com", "b-1")
    # Entra looks the group up first (without its members), then creates it empty.
    response, body = send(
        mapped,
        "get",
        f'{GROUPS}?excludedAttributes=members&filter=displayName eq "Team - Engineering/Platform"',
    )
    assert response.status_code == 200 and body["totalResults"] == 0
    response, group = send(
        mapped, "post", GROUPS, entra_group("Team - Engineering/Platform", "g-platform")
    )
    assert response.status_code == 201, group
    assert response["Location"].endswith(f"/scim/v2/Groups/{group['id']}")
    platform_people = {str(p.pk) for p in Person.objects.filter(team=org.platform)}
    assert {m["value"] for m in group["members"]} == platform_people  # the team's people

    # Members added: as a list, then as one object; "Add" capitalised.
    url = f"{GROUPS}/{group['id']}"
    response, body = send(
        mapped, "patch", url, patch({"op": "Add", "path": "members", "value": [{"value": alice}]})
    )
    assert response.status_code == 200, body
    response, body = send(
        mapped, "patch", url, patch({"op": "Add", "path": "members", "value": {"value": bob}})
    )
    assert response.status_code == 200, body
    assert {alice, bob} <= {m["value"] for m in body["members"]}
    assert set(Person.objects.filter(pk__in=[alice, bob]).values_list("team", flat=True)) == {
        org.platform.pk
    }

    # Removed: by a filter path, and by a value list; they leave the team (no team).
    response, body = send(
        mapped, "patch", url, patch({"op": "Remove", "path": f'members[value eq "{alice}"]'})
    )
    assert response.status_code == 200, body
    response, body = send(
        mapped, "patch", url, patch({"op": "Remove", "path": "members", "value": [{"value": bob}]})
    )
    assert response.status_code == 200, body
    assert not {alice, bob} & {m["value"] for m in body.get("members") or []}
    assert list(Person.objects.filter(pk__in=[alice, bob]).values_list("team", flat=True)) == [
        None,
        None,
    ]
    moves = LogEntry.objects.filter(
        object_id=alice, content_type__model="person", change_message="via SCIM"
    )
    assert moves.count() == 3  # created, joined the team, left it
    assert set(moves.values_list("user", flat=True)) == {mapped.account.pk}

    # Looked up by its name or external id.
    for query in ('displayName eq "Team - Engineering/Platform"', 'externalId eq "g-platform"'):
        _r, body = send(mapped, "get", f"{GROUPS}?filter={query}")
        assert [g["id"] for g in body["Resources"]] == [group["id"]]


def test_a_team_named_by_external_id_and_a_missing_team_created(org, mapped):
    org.data.external_id = "data-ext"
    org.data.save()
    alice = user(mapped, "alice@contoso.com", "a-1", department="Platform Engineering")
    response, body = send(mapped, "post", GROUPS, entra_group("Data people", "g-d", [alice]))
    assert response.status_code == 201, body
    assert Person.objects.get(pk=alice).team == org.data
    response, body = send(mapped, "post", GROUPS, entra_group("Team - Sales/EMEA", "g-s", [alice]))
    assert response.status_code == 201, body
    team = Person.objects.get(pk=alice).team
    assert (team.name, team.parent.name) == ("EMEA", "Sales")


def test_leadership_and_curators_groups_give_and_take_the_group(org, mapped):
    alice = user(mapped, "alice@contoso.com", "a-1")
    response, group = send(mapped, "post", GROUPS, entra_group("Readiness Leadership", "g-l"))
    assert response.status_code == 201 and "members" not in group  # `lead` has no person
    url = f"{GROUPS}/{group['id']}"
    response, body = send(
        mapped, "patch", url, patch({"op": "Add", "path": "members", "value": [{"value": alice}]})
    )
    assert response.status_code == 200 and [m["value"] for m in body["members"]] == [alice]
    account = Person.objects.get(pk=alice).user
    assert account.groups.filter(name=LEADERSHIP_GROUP).exists()
    assert (
        LogEntry.objects.filter(
            change_message__startswith="via SCIM: added", user=mapped.account
        ).count()
        == 1
    )
    # PUT replaces the members; DELETE takes them out and the group is gone.
    response, body = send(mapped, "put", url, entra_group("Readiness Leadership", "g-l"))
    assert response.status_code == 200 and "members" not in body
    assert not account.groups.filter(name=LEADERSHIP_GROUP).exists()
    send(mapped, "patch", url, patch({"op": "add", "path": "members", "value": [{"value": alice}]}))
    assert mapped.delete(url).status_code == 204
    assert mapped.get(url).status_code == 404
    assert not account.groups.filter(name=LEADERSHIP_GROUP).exists()
    assert org.lead.groups.filter(name=LEADERSHIP_GROUP).exists()  # not a SCIM person: kept


def test_an_unmapped_group_is_kept_and_its_members_ignored(org, mapped):
    alice = user(mapped, "alice@contoso.com", "a-1")
    team = Person.objects.get(pk=alice).team
    response, body = send(mapped, "post", GROUPS, entra_group("All staff", "g-all", [alice]))
    assert response.status_code == 201 and "members" not in body
    assert Person.objects.get(pk=alice).team == team
    url = f"{GROUPS}/{body['id']}"
    assert send(mapped, "get", url)[1]["displayName"] == "All staff"
    assert mapped.delete(url).status_code == 204
    assert mapped.get(url).status_code == 404 and Person.objects.get(pk=alice).team == team


def test_deleting_a_team_group_takes_its_people_out_and_keeps_the_team(org, mapped):
    response, group = send(mapped, "post", GROUPS, entra_group("Team - Engineering/Data", "g"))
    assert response.status_code == 201 and group["members"]
    assert mapped.delete(f"{GROUPS}/{group['id']}").status_code == 204
    assert not Person.objects.filter(team=org.data).exists()
    assert Team.objects.filter(pk=org.data.pk).exists()


def test_refusals_write_nothing(org, mapped):
    alice = user(mapped, "alice@contoso.com", "a-1")
    before = list(Person.objects.order_by("pk").values_list("pk", "team"))
    # One unknown member: nobody moves, no group is made.
    response, body = send(
        mapped, "post", GROUPS, entra_group("Team - Engineering/Platform", "g", [alice, "999999"])
    )
    assert response.status_code == 400 and body["scimType"] == "invalidValue"
    assert "999999" in body["detail"]
    assert not ScimGroup.objects.exists()
    assert list(Person.objects.order_by("pk").values_list("pk", "team")) == before
    _r, group = send(mapped, "post", GROUPS, entra_group("Team - Engineering/Platform", "g"))
    response, body = send(mapped, "post", GROUPS, entra_group("Team - Engineering/Platform", "h"))
    assert response.status_code == 409 and body["scimType"] == "uniqueness"
    response, body = send(mapped, "post", GROUPS, entra_group("Other", "g"))
    assert response.status_code == 409 and body["scimType"] == "uniqueness"
    url = f"{GROUPS}/{group['id']}"
    response, body = send(
        mapped, "patch", url, patch({"op": "Replace", "path": "externalId", "value": "changed"})
    )
    assert response.status_code == 400 and body["scimType"] == "mutability"
    response, body = send(
        mapped, "patch", url, patch({"op": "Add", "path": "members", "value": [{"value": "x"}]})
    )
    assert response.status_code == 400 and body["scimType"] == "invalidValue"
    response = mapped.post(GROUPS, b"{oops", content_type="application/scim+json")
    assert response.status_code == 400 and response.json()["scimType"] == "invalidSyntax"
    response, body = send(mapped, "post", GROUPS, {"schemas": [GROUP]})
    assert response.status_code == 400 and body["scimType"] == "invalidValue"
    response, body = send(mapped, "get", f'{GROUPS}?filter=members eq "1"')
    assert response.status_code == 400 and body["scimType"] == "invalidFilter"
    assert ScimGroup.objects.count() == 1


def test_every_groups_endpoint_needs_the_scim_right(org, mapped):
    _r, group = send(mapped, "post", GROUPS, entra_group("Readiness Curators", "g-c"))
    _t, hr = service_token_create(admin=org.admin, account="hr", name="HR", can_hr_upsert=True)
    _t, mine = token_create(user=org.admin, name="mine")
    urls = [
        ("get", GROUPS),
        ("post", GROUPS),
        ("post", f"{GROUPS}/.search"),
        ("get", f"{GROUPS}/{group['id']}"),
        ("put", f"{GROUPS}/{group['id']}"),
        ("patch", f"{GROUPS}/{group['id']}"),
        ("delete", f"{GROUPS}/{group['id']}"),
        ("post", "/scim/v2/.search"),
    ]
    for method, url in urls:
        body = entra_group("Readiness Curators", "g-c")
        assert (
            getattr(Client(), method)(url, body, content_type="application/scim+json").status_code
            == 401
        ), (method, url)
        for secret in (hr, mine):
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            response = getattr(client, method)(url, body, content_type="application/scim+json")
            assert response.status_code == 403, (method, url)
    assert ScimGroup.objects.get().display_name == "Readiness Curators"


def test_the_group_list_costs_the_same_queries_for_2_or_12_groups(org, mapped):
    """Token, its account's other tokens (knox); count; page; every team; team members;
    role members."""
    counts = []
    for size in (1, 6):
        for n in range(size):
            team = TeamFactory(name=f"T{size}-{n}")
            PersonFactory.create_batch(2, team=team)
            ScimGroup.objects.create(display_name=f"Team - {team.name}")
            ScimGroup.objects.create(display_name=f"Readiness Curators {size}-{n}")
        ScimGroup.objects.get_or_create(display_name="Readiness Curators")
        with CaptureQueriesContext(connection) as queries:
            response = mapped.get(f"{GROUPS}?count=200")
        assert response.status_code == 200
        assert all(
            g["members"]
            for g in response.json()["Resources"]
            if g["displayName"].startswith("Team - ")
        )
        counts.append(len(queries))
    assert counts[0] == counts[1] == 7


def test_root_search_finds_users_and_groups(org, mapped):
    _r, group = send(mapped, "post", GROUPS, entra_group("Readiness Curators", "g-c"))
    response, body = send(
        mapped,
        "post",
        "/scim/v2/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'displayName eq "Readiness Curators"',
        },
    )
    assert response.status_code == 200, body
    assert [r["id"] for r in body["Resources"]] == [group["id"]]
    response, body = send(mapped, "post", "/scim/v2/.search", {"filter": "nope eq 1"})
    assert response.status_code == 400 and body["scimType"] == "invalidFilter"


def test_the_rule_exact_names_then_external_ids_then_the_longest_prefix(org, settings):
    from readiness.scim.groups import Target, target_of

    settings.SCIM_GROUP_MAP = {
        "Team - *": "team:*",
        "Team - Sales *": "curators",
        "Leads": "Leadership",
        "obj-1": "team:Engineering/Data",
        "Broken": "team:",
        "Odd": "nonsense",
    }

    def of(name, external_id=None):
        return target_of(ScimGroup(display_name=name, external_id=external_id))

    assert of("Team - Sales EMEA") == Target(kind="Curators")
    assert of("Team - Engineering / Platform") == Target(kind="team", team="Engineering/Platform")
    assert of("Leads") == Target(kind=LEADERSHIP_GROUP)
    assert of("Anything", "obj-1") == Target(kind="team", team="Engineering/Data")
    assert of("Team - ") is None and of("Broken") is None and of("Odd") is None
    assert of("Nobody") is None
