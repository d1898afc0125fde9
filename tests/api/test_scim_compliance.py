"""SCIM compliance as an outside client sees it: scim2-tester over HTTP against the running
server, on everything the ServiceProviderConfig and the Schemas declare."""

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from readiness.tokens import scim_token_create

FAILED = {Status.ERROR, Status.CRITICAL, Status.DEVIATION}


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_finds_no_failure(live_server, settings):
    # Every group the tester makes is a team (named by its displayName): membership moves people.
    settings.SCIM_GROUP_MAP = {"*": "team:*"}
    _token, secret = scim_token_create(name="Entra ID")
    http = httpx2.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    results = check_server(SyncSCIMClient(http))
    failures = [(r.title, r.resource_type, r.reason) for r in results if r.status in FAILED]
    assert failures == [], "\n".join(map(str, failures))
    # It did check: discovery, CRUD, search, and PATCH of every published attribute, the
    # enterprise extension's department and manager included.
    assert not [r for r in results if r.status == Status.SKIPPED]
    patched = {
        (r.title, r.reason.split("'")[1])
        for r in results
        if r.title and r.title.startswith("check_") and r.reason and "'" in r.reason
    }
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    for check in ("check_add_attribute", "check_remove_attribute", "check_replace_attribute"):
        assert (check, f"{enterprise}:manager") in patched
        assert (check, f"{enterprise}:department") in patched
    assert len(results) >= 50
