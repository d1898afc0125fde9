"""``hr_upsert``: the one entry point of the HR API and SCIM provisioning."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from readiness.hr.apply import apply_plan
from readiness.hr.changes import HrUpsertResult
from readiness.hr.plan import plan_upsert

HR_UPSERT_REASON = "via HR upsert"


@transaction.atomic
def hr_upsert(
    *,
    teams: list[dict],
    people: list[dict],
    dry_run: bool = False,
    changed_by: Any = None,
    reason: str = HR_UPSERT_REASON,
) -> HrUpsertResult:
    """Create or update ``teams`` (external id, name, parent path, description, manager
    emails) and ``people`` (external id, email, first and last name, team path, role slug, job
    title, active flag, start date; SCIM adds username and account_active). A field left out
    of an entry is left as it is; a person created without a start date has none (unknown).
    Every object written leaves audit history ``reason`` by ``changed_by``.

    First works out what would change, checking every entry; when any entry is wrong it
    raises ``HrUpsertInvalid`` with the errors of each entry and writes nothing. A dry run
    stops there and returns the plan's result; otherwise the plan is applied in this
    transaction with bulk statements."""
    plan = plan_upsert(teams=teams, people=people, dry_run=dry_run)
    if not dry_run:
        apply_plan(plan, changed_by=changed_by, reason=reason)
    return plan.result
