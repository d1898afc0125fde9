"""SCIM Groups ↔ teams and the Leadership/Curators groups, by the rule ``SCIM_GROUP_MAP``.

The rule (a JSON object from the environment) maps a group to what it is in Readiness:

- a key is a group's displayName or externalId (exact), or a displayName prefix ending in
  ``*`` (the longest matching prefix wins);
- a value is ``"leadership"``, ``"curators"`` or ``"team:<team external id or path>"``; with a
  prefix key, ``*`` in the value stands for the rest of the displayName
  (``{"Readiness - *": "team:*"}``: the group "Readiness - Sales/EMEA" is the team Sales/EMEA).

A team group's members are the team's people: adding a member moves the person into the team,
removing one takes them out of it (no team), through the HR upsert (the same service, all or
nothing, audit "via SCIM"); a team named by path is created when missing. A Leadership or
Curators group's members are that Django group's people: they gain or lose it (audited). A
group no rule maps is kept (it reads back, a DELETE removes it) and its members are accepted
and ignored: Entra ID sends every group assigned to the application, and scoping by group is
common; refusing them would fill the provisioning logs and quarantine the job.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from scim2_models import Context, Group, GroupMember

from readiness.hr.paths import PATH_SEPARATOR, team_paths
from readiness.hr.plan import HrUpsertInvalid
from readiness.hr.upsert import hr_upsert
from readiness.models import Team
from readiness.permissions import CURATORS_GROUP, LEADERSHIP_GROUP, forget_persona
from readiness.scim.models import ScimGroup
from readiness.scim.users import SCIM_REASON, ScimProblem, _problem, _team_entries, people_visible

ROLE_GROUPS = {"leadership": LEADERSHIP_GROUP, "curators": CURATORS_GROUP}


@dataclass(frozen=True)
class Target:
    """What a group is: ``kind`` "team" (``team`` its path) or a Django group's name."""

    kind: str
    team: str | None = None


def _rules() -> dict[str, str]:
    return {str(k): str(v) for k, v in (getattr(settings, "SCIM_GROUP_MAP", {}) or {}).items()}


def target_of(group: ScimGroup, paths: dict[str, Team] | None = None) -> Target | None:
    """The rule's answer for ``group``, or None when no rule maps it (``paths``: every team
    by path, read once by the caller of many)."""
    rules = _rules()
    value = rules.get(group.display_name)
    if value is None and group.external_id:
        value = rules.get(group.external_id)
    if value is None:
        prefixes = sorted((k for k in rules if k.endswith("*")), key=len, reverse=True)
        for key in prefixes:
            rest = group.display_name[len(key) - 1 :].strip()
            if group.display_name.startswith(key[:-1]) and rest:
                value = rules[key].replace("*", rest)
                break
    if value is None:
        return None
    kind, _sep, team = value.partition(":")
    kind = kind.strip().lower()
    if kind in ROLE_GROUPS:
        return Target(kind=ROLE_GROUPS[kind])
    if kind != "team" or not team.strip():
        return None  # a malformed rule ("team:" with no team, an unknown kind) maps nothing
    if paths is None:
        paths = team_paths(list(Team.objects.only("id", "name", "parent_id", "external_id")))
    by_external_id = {t.external_id: path for path, t in paths.items() if t.external_id}
    team = team.strip()
    path = by_external_id.get(team) or PATH_SEPARATOR.join(p.strip() for p in team.split("/"))
    return Target(kind="team", team=path)


def members_of(targets: list[Target | None], paths: dict[str, Team]) -> dict[Target, list[int]]:
    """Each target's member person ids: two queries at most, however many groups."""
    members: dict[Target, list[int]] = {t: [] for t in targets if t is not None}
    team_ids = {paths[t.team].pk: t for t in members if t.kind == "team" and t.team in paths}
    if team_ids:
        for team_id, pk in (
            people_visible()
            .filter(team_id__in=team_ids)
            .order_by("pk")
            .values_list("team_id", "pk")
        ):
            members[team_ids[team_id]].append(pk)
    roles = {t.kind: t for t in members if t.kind != "team"}
    if roles:
        for name, pk in (
            people_visible()
            .filter(user__groups__name__in=roles)
            .order_by("pk")
            .values_list("user__groups__name", "pk")
        ):
            members[roles[name]].append(pk)
    return members


def all_team_paths() -> dict[str, Team]:
    return team_paths(list(Team.objects.only("id", "name", "parent_id", "external_id")))


def group_to_scim(group: ScimGroup, member_ids: list[int], base: str) -> Group:
    return Group.model_validate(
        {
            "id": str(group.pk),
            "externalId": group.external_id,
            "displayName": group.display_name,
            "members": [
                {"value": str(pk), "$ref": f"{base}Users/{pk}", "type": "User"} for pk in member_ids
            ]
            or None,
            "meta": {"resourceType": "Group", "location": f"{base}Groups/{group.pk}"},
        },
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
    )


def read_group(group: ScimGroup, base: str) -> Group:
    paths = all_team_paths()
    target = target_of(group, paths)
    members = members_of([target], paths)[target] if target is not None else []
    return group_to_scim(group, members, base)


def _member_ids(members: list[GroupMember] | None) -> list[int]:
    """The person ids named by ``members``, each a visible person's, else 400."""
    values = [str(m.value or "") for m in members or []]
    ids = {int(v) for v in values if v.isdigit() and len(v) < 19}
    found = set(people_visible().filter(pk__in=ids).values_list("pk", flat=True))
    missing = [v for v in values if not (v.isdigit() and len(v) < 19 and int(v) in found)]
    if missing:
        raise ScimProblem(
            f"No user with the id “{missing[0]}” for members.", scim_type="invalidValue"
        )
    return sorted(found)


def _set_team_members(path: str, wanted: set[int], current: set[int], changed_by: User) -> None:
    moving = list(
        people_visible()
        .filter(pk__in=wanted ^ current)
        .values("pk", "user__email", "user__username")
    )
    people = [
        {
            "person_id": p["pk"],
            "email": p["user__email"],
            "username": p["user__username"],
            "team": path if p["pk"] in wanted else None,
        }
        for p in moving
    ]
    teams = [] if path in all_team_paths() else _team_entries(path)
    if not people and not teams:
        return
    try:
        hr_upsert(teams=teams, people=people, changed_by=changed_by, reason=SCIM_REASON)
    except HrUpsertInvalid as error:
        raise _problem(error) from error


def _set_role_members(name: str, wanted: set[int], current: set[int], changed_by: User) -> None:
    group, _created = AuthGroup.objects.get_or_create(name=name)
    changing = people_visible().filter(pk__in=wanted ^ current)
    content_type = ContentType.objects.get_for_model(AuthGroup)
    for person in changing:
        user, joins = person.user, person.pk in wanted
        (user.groups.add if joins else user.groups.remove)(group)
        forget_persona(user)
        LogEntry.objects.create(
            user_id=changed_by.pk,
            content_type=content_type,
            object_id=str(group.pk),
            object_repr=name,
            action_flag=CHANGE,
            change_message=f"{SCIM_REASON}: {'added' if joins else 'removed'} {user}",
        )


def _set_members(
    target: Target | None, wanted: set[int], changed_by: User, *, keep: bool = False
) -> None:
    """Make ``wanted`` the target's members (``keep``: add them, take nobody out)."""
    if target is None:
        return  # an unmapped group: its members are accepted and ignored
    paths = all_team_paths()
    current = set(members_of([target], paths)[target])
    if keep:
        wanted = wanted | current
    if target.kind == "team":
        _set_team_members(target.team or "", wanted, current, changed_by)
    else:
        _set_role_members(target.kind, wanted, current, changed_by)


@transaction.atomic
def group_write(*, resource: Group, current: ScimGroup | None, changed_by: User) -> ScimGroup:
    """Create (``current`` None) or replace a group: its name and external id kept, its
    members made those of ``resource``. Creating only adds members: a team or Leadership
    group that exists already keeps its people (Entra creates a group empty, then adds).
    A rename that changes what the group is first takes the members out of what it was.
    All or nothing."""
    wanted = set(_member_ids(resource.members))
    name = (resource.display_name or "").strip()
    if not name or len(name) > 255 or len(resource.external_id or "") > 255:
        raise ScimProblem(
            "displayName: give 1 to 255 characters (externalId at most 255).",
            scim_type="invalidValue",
        )
    if current is not None and current.external_id and resource.external_id != current.external_id:
        raise ScimProblem("externalId never changes once set.", scim_type="mutability")
    before = target_of(current) if current is not None else None
    group = current or ScimGroup()
    group.display_name, group.external_id = name, resource.external_id or None
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as error:
        raise ScimProblem(
            "A group with this displayName or externalId exists already.",
            status=409,
            scim_type="uniqueness",
        ) from error
    after = target_of(group)
    if before is not None and before != after:
        _set_members(before, set(), changed_by)
    _set_members(after, wanted, changed_by, keep=current is None)
    return group


@transaction.atomic
def group_delete(*, group: ScimGroup, changed_by: User) -> None:
    """DELETE: the members leave what the group is (the team, or Leadership/Curators), then
    the group is gone for SCIM; the team itself and everyone's history are kept."""
    _set_members(target_of(group), set(), changed_by)
    group.delete()
