"""SCIM Users ↔ people: reading a person as a SCIM User, and writing one through the HR upsert.

Mapping (documented in the README, "Provisioning from Entra ID"):

- ``id`` is the person's id; ``externalId`` their immutable ``external_id``; ``userName`` the
  login; ``name`` the account's names; ``emails`` the account's one email (the primary or first
  given, else ``userName``); ``title`` the job title; ``active`` the person's active flag.
- The enterprise extension's ``department`` names the team: through ``SCIM_DEPARTMENT_TEAMS``
  (department → team path) when listed, else read as a team path itself; missing teams are
  created. No department: no team.
- ``manager`` makes that person a manager of the person's team (the app's rule: a person's
  managers are their team's). Replacing it adds the new manager and keeps the old one (others
  in the team may still report to them); removing it removes that manager from the team. The
  ``manager`` read back is the team's most recently added manager other than the person.
- DELETE deactivates the person and their login (history kept); the resource is then gone
  for SCIM (404) until the directory creates it again, which reactivates the same person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from scim2_models import Context, EnterpriseUser, Manager, Reference

from readiness.hr.paths import PATH_SEPARATOR, team_paths
from readiness.hr.plan import HrUpsertInvalid
from readiness.hr.upsert import hr_upsert
from readiness.models import Person, Team
from readiness.scim.discovery import ScimUser

SCIM_REASON = "via SCIM"


class ScimProblem(Exception):
    """A request the service refuses; ``status`` and ``scim_type`` as RFC 7644 §3.12 says."""

    def __init__(self, detail: str, *, status: int = 400, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.detail, self.status, self.scim_type = detail, status, scim_type


def people_visible() -> QuerySet[Person]:
    """People SCIM sees: all but those whose login a DELETE switched off."""
    return Person.objects.filter(user__is_active=True).select_related("user", "team")


@dataclass
class TeamContext:
    """What reading a page of people needs about their teams, read once per page."""

    paths: dict[int, str]  # team id -> path of names
    managers: dict[int, list[int]]  # team id -> manager user ids, most recently added first
    person_ids: dict[int, int]  # user id -> person id, for the managers


def team_context(people: list[Person]) -> TeamContext:
    """Team paths and managers for ``people``: three queries, however many people."""
    teams = [p.team for p in people if p.team is not None]
    team_ids = {team.id for team in teams}
    ancestor_ids = {int(part) for team in teams for part in team.path.strip("/").split("/")}
    names = dict(Team.objects.filter(pk__in=ancestor_ids).values_list("pk", "name"))
    paths = {
        team.id: PATH_SEPARATOR.join(
            names.get(int(part), "?") for part in team.path.strip("/").split("/")
        )
        for team in teams
    }
    managers: dict[int, list[int]] = {}
    for team_id, user_id in (
        Team.managers.through.objects.filter(team_id__in=team_ids)
        .order_by("-pk")
        .values_list("team_id", "user_id")
    ):
        managers.setdefault(team_id, []).append(user_id)
    manager_users = {u for ids in managers.values() for u in ids}
    person_ids = dict(Person.objects.filter(user_id__in=manager_users).values_list("user_id", "pk"))
    return TeamContext(paths=paths, managers=managers, person_ids=person_ids)


def _department_of(team_path: str | None) -> str | None:
    if team_path is None:
        return None
    for department, path in _department_teams().items():
        if path == team_path:
            return department
    return team_path


def _department_teams() -> dict[str, str]:
    return dict(getattr(settings, "SCIM_DEPARTMENT_TEAMS", {}) or {})


def person_to_scim(person: Person, context: TeamContext, base: str) -> ScimUser:
    """The person as a SCIM User (with the enterprise extension)."""
    user = person.user
    enterprise = None
    team_id = person.team_id
    path = context.paths.get(team_id) if team_id else None
    team_managers = context.managers.get(team_id, []) if team_id else []
    manager_ids = [
        context.person_ids[u] for u in team_managers if u != user.pk and u in context.person_ids
    ]
    if path is not None or manager_ids:
        enterprise = EnterpriseUser(
            department=_department_of(path),
            manager=Manager(
                value=str(manager_ids[0]), ref=Reference[ScimUser](f"{base}Users/{manager_ids[0]}")
            )
            if manager_ids
            else None,
        )
    resource = ScimUser.model_validate(
        {
            "id": str(person.pk),
            "externalId": person.external_id,
            "userName": user.get_username(),
            "name": {"givenName": user.first_name or None, "familyName": user.last_name or None},
            "title": person.job_title or None,
            "active": person.is_active,
            "emails": [{"value": user.email, "type": "work"}] if user.email else None,
            "meta": {"resourceType": "User", "location": f"{base}Users/{person.pk}"},
        },
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
    )
    resource[EnterpriseUser] = enterprise
    return resource


def _email_of(resource: ScimUser) -> str:
    """The primary (else first) email; without any, ``userName`` when it is an address (as
    Entra's userPrincipalName usually is), else none."""
    emails = resource.emails or []
    chosen = next((e for e in emails if e.primary), emails[0] if emails else None)
    if chosen and chosen.value:
        return str(chosen.value)
    try:
        validate_email(resource.user_name or "")
    except ValidationError:
        return ""
    return resource.user_name or ""


def _team_entries(path: str) -> list[dict]:
    """HR upsert team entries for ``path`` and each of its ancestors (unchanged when they
    exist, created when they don't)."""
    parts = [part.strip() for part in path.split(PATH_SEPARATOR)]
    return [
        {"name": part, "parent": PATH_SEPARATOR.join(parts[:i]) or None}
        for i, part in enumerate(parts)
    ]


def _manager_email(manager: Any) -> str | None:
    value = getattr(manager, "value", None) if manager is not None else None
    if not value:
        return None
    person = people_visible().filter(pk=int(value)).first() if str(value).isdigit() else None
    if person is None:
        raise ScimProblem(f"No user with the id “{value}” for manager.", scim_type="invalidValue")
    return person.user.email


@transaction.atomic
def person_scim_write(
    *,
    resource: ScimUser,
    current: Person | None,
    previous: ScimUser | None,
    changed_by: User,
) -> Person:
    """Create (``current`` None) or replace a person from a SCIM User, through the HR upsert:
    the same validation, all or nothing, audit history "via SCIM". ``previous`` is the
    resource as it read before the change (to tell a removed manager)."""
    email = _email_of(resource)
    enterprise = resource[EnterpriseUser]
    department = enterprise.department if enterprise else None
    team_path = _department_teams().get(department, department) if department else None
    person_entry: dict[str, Any] = {
        "email": email,
        "username": resource.user_name or "",
        "first_name": (resource.name.given_name if resource.name else None) or "",
        "last_name": (resource.name.family_name if resource.name else None) or "",
        "job_title": resource.title or "",
        "is_active": resource.active is not False,
        "account_active": True,
        "team": team_path,
    }
    if resource.external_id:
        person_entry["external_id"] = resource.external_id
    teams = _team_entries(team_path) if team_path else []
    if team_path:
        managers = _team_managers(
            team_path=team_path,
            new=_manager_email(enterprise.manager if enterprise else None),
            old=_manager_email(previous[EnterpriseUser].manager)
            if previous is not None and previous[EnterpriseUser] is not None
            else None,
        )
        if managers is not None:
            teams[-1]["managers"] = managers
    if current is not None:
        person_entry["person_id"] = current.pk
    people = [person_entry]
    try:
        hr_upsert(teams=teams, people=people, changed_by=changed_by, reason=SCIM_REASON)
    except HrUpsertInvalid as error:
        raise _problem(error) from error
    return people_visible().get(user__username=person_entry["username"])


def _team_managers(*, team_path: str, new: str | None, old: str | None) -> list[str] | None:
    """The team's manager emails after the change — the new manager added; the old one
    removed only when the manager was removed (not replaced) — or None when they stay as
    they are (the team's managers are then left alone)."""
    team = team_paths(list(Team.objects.only("id", "name", "parent_id"))).get(team_path)
    emails = list(team.managers.values_list("email", flat=True)) if team else []
    wanted = list(emails)
    if new is None and old is not None:
        wanted = [e for e in wanted if e.lower() != old.lower()]
    if new is not None and new.lower() not in {e.lower() for e in wanted}:
        wanted.append(new)
    return None if wanted == emails else wanted


def _problem(error: HrUpsertInvalid) -> ScimProblem:
    fields = {
        name: problems
        for entries in error.api_detail.values()
        for errors in entries.values()
        for name, problems in errors.items()
    }
    detail = "; ".join(f"{name}: {' '.join(problems)}" for name, problems in fields.items())
    if any("never changes" in p for problems in fields.values() for p in problems):
        return ScimProblem(detail, scim_type="mutability")
    if {"username", "external_id"} & set(fields) or any(
        "Another" in p for problems in fields.values() for p in problems
    ):
        return ScimProblem(detail, status=409, scim_type="uniqueness")
    return ScimProblem(detail, scim_type="invalidValue")


def person_scim_deactivate(*, person: Person, changed_by: User) -> None:
    """DELETE: the person and their login are deactivated, their history kept."""
    try:
        hr_upsert(
            teams=[],
            people=[
                {
                    "person_id": person.pk,
                    "email": person.user.email,
                    "username": person.user.get_username(),
                    "is_active": False,
                    "account_active": False,
                }
            ],
            changed_by=changed_by,
            reason=SCIM_REASON,
        )
    except HrUpsertInvalid as error:
        raise _problem(error) from error
