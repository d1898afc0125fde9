"""Apply a checked HR upsert plan with bulk statements, and leave its audit history.

The number of statements depends on the depth of the team tree, never on the number of teams
or people; a team renamed or moved (found by its external id) costs a few more.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE
from django.contrib.auth import get_user_model
from django.utils import timezone

from readiness.history import change_log_record, history_snapshot
from readiness.hr.changes import Change
from readiness.hr.paths import PATH_SEPARATOR, norm_path
from readiness.hr.plan import USER_FIELDS, HrPlan
from readiness.models import Person, Team
from readiness.signals import organization_changed

BATCH_SIZE = 500
#: Account fields an upsert may write: the names, plus (found by external id) a changed email,
#: and from SCIM its ``userName`` ("username") and whether the account may sign in
#: ("account_active").
_USER_WRITE_FIELDS = (*USER_FIELDS, "email", "username", "is_active")
_PERSON_FIELDS = ("team", "role", "job_title", "is_active", "start_date", "external_id")


def apply_plan(plan: HrPlan, *, changed_by: Any, reason: str) -> None:
    """Write what ``plan`` says changes; every object written leaves audit history ``reason``
    by ``changed_by``. Call inside the transaction that planned it."""
    teams_by_path = {**plan.known.existing_teams, **plan.renamed}
    _create_teams(plan, teams_by_path)
    # Bulk updates skip ``auto_now``: ``updated_at`` is set here, for ``?updated_since=``.
    now = timezone.now()
    _update_teams(plan, teams_by_path, now)
    _apply_team_renames(plan, teams_by_path)
    new_users, new_user_of = _create_accounts(plan)
    changed_users, new_people, changed_people = _write_people(plan, teams_by_path, new_user_of, now)
    _write_managers(plan, teams_by_path)
    _audit(
        user=changed_by,
        reason=reason,
        team_changes=plan.result.teams,
        teams_by_path=teams_by_path,
        new_users=new_users,
        changed_users=changed_users,
        new_people=new_people,
        changed_people=changed_people,
        users_by_email=plan.known.users_by_email,
    )
    if any(c.action != "unchanged" for c in (*plan.result.teams, *plan.result.people)):
        organization_changed.send(sender=apply_plan)


def _create_teams(plan: HrPlan, teams_by_path: dict[str, Team]) -> None:
    """The new teams, one bulk insert per depth (a parent before its children)."""
    new_paths = [c.key for c in plan.result.teams if c.action == "created"]
    for depth in sorted({path.count(PATH_SEPARATOR) for path in new_paths}):
        level = [path for path in new_paths if path.count(PATH_SEPARATOR) == depth]
        objs = []
        for path in level:
            entry = plan.teams[plan.wanted_teams[path]]
            parent = norm_path(entry.get("parent"))
            objs.append(
                Team(
                    name=entry["name"].strip(),
                    parent=teams_by_path[parent] if parent else None,
                    description=entry.get("description", ""),
                    external_id=entry.get("external_id"),
                )
            )
        Team.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        for path, team in zip(level, objs, strict=True):
            parent_path = team.parent.path if team.parent is not None else PATH_SEPARATOR
            team.path = f"{parent_path}{team.pk}/"
            team.depth = team.path.count("/") - 2
            teams_by_path[path] = team
    Team.objects.bulk_update(
        [teams_by_path[path] for path in new_paths], ["path", "depth"], batch_size=BATCH_SIZE
    )


def _update_teams(plan: HrPlan, teams_by_path: dict[str, Team], now: Any) -> None:
    touched = []
    for change in plan.result.teams:
        if change.action == "updated":
            team = teams_by_path[change.key]
            if "description" in change.changes:
                team.description = plan.teams[plan.wanted_teams[change.key]]["description"]
            team.updated_at = now
            touched.append(team)
    Team.objects.bulk_update(touched, ["description", "updated_at"], batch_size=BATCH_SIZE)


def _apply_team_renames(plan: HrPlan, teams_by_path: dict[str, Team]) -> None:
    """Rename, move or link the teams found by external id. Renames are rare: ``save()``
    moves each one's sub-tree (new children included) in one statement."""
    for change in plan.result.teams:
        if not {"name", "parent", "external_id"} & set(change.changes):
            continue
        entry = plan.teams[plan.wanted_teams[change.key]]
        team = teams_by_path[change.key]
        parent = norm_path(entry.get("parent"))
        team.name = entry["name"].strip()
        team.parent = teams_by_path[parent] if parent else None
        team.external_id = entry.get("external_id") or team.external_id
        team.save()


def _create_accounts(plan: HrPlan) -> tuple[list, dict[int, Any]]:
    """An account (no usable password) for each new person; returns them and, per entry
    index, its new account."""
    User = get_user_model()
    new_users = []
    new_user_of: dict[int, Any] = {}
    for person_plan in plan.person_plans:
        if person_plan.user is None:
            email = person_plan.email
            user = User(**{"username": email.lower(), "email": email, **person_plan.user_values})
            user.set_unusable_password()
            new_users.append(user)
            new_user_of[person_plan.index] = user
            plan.known.users_by_email[email.lower()] = [user]
    User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
    return new_users, new_user_of


def _write_people(
    plan: HrPlan, teams_by_path: dict[str, Team], new_user_of: dict[int, Any], now: Any
) -> tuple[list, list[Person], list[Person]]:
    """Create or update each person that changes (and their account's fields); returns the
    accounts changed, the people created and the people changed."""
    changed_users = []
    new_people, changed_people = [], []
    for person_plan, change in zip(plan.person_plans, plan.result.people, strict=True):
        if change.action == "unchanged":
            continue
        user = person_plan.user or new_user_of[person_plan.index]
        user_values, values = person_plan.user_values, dict(person_plan.person_values)
        if "team" in values:
            values["team"] = teams_by_path[values["team"]] if values["team"] else None
        person = plan.known.persons_by_user.get(user.pk)
        if person is None:
            new_people.append(Person(user=user, **values))
            continue
        if any(getattr(user, name) != value for name, value in user_values.items()):
            for name, value in user_values.items():
                setattr(user, name, value)
            changed_users.append(user)
        for name, value in values.items():
            setattr(person, name, value)
        person.updated_at = now
        changed_people.append(person)
    get_user_model().objects.bulk_update(
        changed_users, list(_USER_WRITE_FIELDS), batch_size=BATCH_SIZE
    )
    Person.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
    Person.objects.bulk_update(
        changed_people, [*_PERSON_FIELDS, "updated_at"], batch_size=BATCH_SIZE
    )
    return changed_users, new_people, changed_people


def _write_managers(plan: HrPlan, teams_by_path: dict[str, Team]) -> None:
    """Each team entry that lists managers gets exactly those (delete, then one insert)."""
    users_by_email = plan.known.users_by_email
    managed = {
        teams_by_path[path].pk: {
            users_by_email[m.strip().lower()][0].pk for m in plan.teams[index]["managers"]
        }
        for path, index in plan.wanted_teams.items()
        if "managers" in plan.teams[index]
    }
    through = Team.managers.through
    through.objects.filter(team_id__in=list(managed)).delete()
    through.objects.bulk_create(
        [
            through(team_id=team_id, user_id=user_id)
            for team_id, user_ids in managed.items()
            for user_id in sorted(user_ids)
        ],
        batch_size=BATCH_SIZE,
    )


def _audit(
    *,
    user: Any,
    reason: str,
    team_changes: list[Change],
    teams_by_path: dict[str, Team],
    new_users: list,
    changed_users: list,
    new_people: list[Person],
    changed_people: list[Person],
    users_by_email: dict[str, list],
) -> None:
    """The upsert's audit history, as a form edit leaves it: accounts in their history
    table, teams and people (which keep none) in the change log. A fixed number of
    statements."""
    User = get_user_model()
    when = timezone.now()
    common = {"user": user, "reason": reason, "when": when}
    history_snapshot(User, [u.pk for u in new_users], history_type="+", **common)
    history_snapshot(User, [u.pk for u in changed_users], history_type="~", **common)
    for action, flag in (("created", ADDITION), ("updated", CHANGE)):
        change_log_record(
            Team,
            [(teams_by_path[c.key].pk, c.key) for c in team_changes if c.action == action],
            action_flag=flag,
            **common,
        )
    email_by_user_id = {u.pk: email for email, users in users_by_email.items() for u in users}
    for people_written, flag in ((new_people, ADDITION), (changed_people, CHANGE)):
        change_log_record(
            Person,
            [(p.pk, email_by_user_id.get(p.user_id, f"#{p.pk}")) for p in people_written],
            action_flag=flag,
            **common,
        )
