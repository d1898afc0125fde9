"""HR-system integration: upsert teams and people from one payload, all or nothing.

Teams are known by their path of names from the top ("Engineering/Platform"); people by their
email — or both by their ``external_id`` when the entry gives one (the HR system's or the
directory's immutable id): then a renamed or moved team stays the same team, and a person whose
email changed stays the same person. SCIM provisioning (``readiness.scim``) writes through
this same function, so both follow one set of rules. ``hr_upsert`` first works out what would
change, checking every entry; when any entry is wrong it raises ``HrUpsertInvalid`` with the
errors of each entry and writes nothing. A dry run stops there and returns the plan. Otherwise
it applies the plan in one transaction with bulk statements: the number of queries depends on
the depth of the team tree, never on the number of teams or people (renaming or moving a team
found by its external id costs a few statements per renamed team).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from readiness.history import change_log_record, history_snapshot
from readiness.models import Person, Role, Team

PATH_SEPARATOR = "/"
BATCH_SIZE = 500
_USER_FIELDS = ("first_name", "last_name")
#: Account fields an upsert may write: the names, plus (found by external id) a changed email,
#: and from SCIM its ``userName`` ("username") and whether the account may sign in
#: ("account_active").
_USER_WRITE_FIELDS = (*_USER_FIELDS, "email", "username", "is_active")
_PERSON_FIELDS = ("team", "role", "job_title", "is_active", "start_date", "external_id")
EXTERNAL_ID_MAX = 255


class HrUpsertInvalid(ValidationError):
    """Some entries are wrong. ``api_detail`` maps "teams" and "people" to the field errors of
    each wrong entry, keyed by its index (as DRF lays out errors of a list)."""

    def __init__(self, detail: dict[str, dict[int, dict]]) -> None:
        self.api_detail = detail
        messages = [
            f"{kind}[{index}].{name}: {message}"
            for kind, entries in detail.items()
            for index, errors in entries.items()
            for name, problems in errors.items()
            for message in problems
        ]
        super().__init__(messages)


@dataclass
class Change:
    """What the upsert does (or would do) to one entry."""

    key: str
    action: str  # created / updated / unchanged
    changes: list[str] = field(default_factory=list)


@dataclass
class HrUpsertResult:
    dry_run: bool
    teams: list[Change]
    people: list[Change]

    def summary(self) -> dict[str, dict[str, int]]:
        def count(changes: list[Change]) -> dict[str, int]:
            totals = {"created": 0, "updated": 0, "unchanged": 0}
            for change in changes:
                totals[change.action] += 1
            return totals

        return {"teams": count(self.teams), "people": count(self.people)}


def _team_paths(teams: list[Team]) -> dict[str, Team]:
    """Each team's path of names ("Engineering/Platform"), from one read of every team."""
    by_id = {team.pk: team for team in teams}
    names: dict[int, str] = {}

    def name_path(team: Team) -> str:
        if team.pk not in names:
            parent = by_id.get(team.parent_id)
            names[team.pk] = (
                f"{name_path(parent)}{PATH_SEPARATOR}{team.name}" if parent else team.name
            )
        return names[team.pk]

    paths: dict[str, Team] = {}
    for team in sorted(teams, key=lambda t: t.pk):
        paths.setdefault(name_path(team), team)
    return paths


def _norm_path(value: str | None) -> str | None:
    if value is None:
        return None
    parts = [part.strip() for part in value.split(PATH_SEPARATOR)]
    return PATH_SEPARATOR.join(parts) if all(parts) else ""


@transaction.atomic
def hr_upsert(
    *,
    teams: list[dict],
    people: list[dict],
    dry_run: bool = False,
    changed_by: Any = None,
    reason: str = "via HR upsert",
) -> HrUpsertResult:
    """Create or update ``teams`` (external id, name, parent path, description, manager
    emails) and ``people`` (external id, email, first and last name, team path, role slug, job
    title, active flag, start date; SCIM adds username and account_active). A field left out
    of an entry is left as it is; a person created without a start date has none (unknown).
    Every object written leaves audit history ``reason`` by ``changed_by``."""
    User = get_user_model()
    team_errors: list[dict] = [{} for _ in teams]
    people_errors: list[dict] = [{} for _ in people]

    all_teams = list(
        Team.objects.only("id", "name", "parent_id", "path", "description", "external_id")
    )
    existing_teams = _team_paths(all_teams)
    path_by_team_id = {team.pk: path for path, team in existing_teams.items()}
    teams_by_external_id = {team.external_id: team for team in all_teams if team.external_id}
    renamed: dict[str, Team] = {}  # new path -> the team (found by external id) it renames
    max_name = Team._meta.get_field("name").max_length

    # --- Teams: resolve paths (parents may come later in the payload) -----------------------
    wanted_teams: dict[str, int] = {}
    for index, entry in enumerate(teams):
        name = entry["name"].strip()
        parent = _norm_path(entry.get("parent"))
        if not name:
            team_errors[index]["name"] = ["Give the team a name."]
        elif PATH_SEPARATOR in name:
            team_errors[index]["name"] = [f"A team name cannot contain “{PATH_SEPARATOR}”."]
        elif len(name) > max_name:
            team_errors[index]["name"] = [f"Use at most {max_name} characters."]
        if parent == "":
            team_errors[index]["parent"] = ["An empty name in the parent's path."]
        if team_errors[index]:
            continue
        path = f"{parent}{PATH_SEPARATOR}{name}" if parent else name
        if path in wanted_teams:
            team_errors[index]["name"] = ["This team is listed twice."]
            continue
        if entry.get("external_id") is not None:
            _plan_team_external_id(
                entry, path, parent, errors=team_errors[index], existing=existing_teams,
                by_external_id=teams_by_external_id, path_by_team_id=path_by_team_id,
                renamed=renamed, taken={teams[i].get("external_id") for i in wanted_teams.values()},
            )
            if team_errors[index]:
                continue
        wanted_teams[path] = index
    known_paths = set(existing_teams) | set(wanted_teams)
    for index in wanted_teams.values():
        parent = _norm_path(teams[index].get("parent"))
        if parent and parent not in known_paths:
            team_errors[index]["parent"] = [
                f"No team “{parent}”: list it in teams (or create it) first."
            ]

    # --- Accounts: every email named, in one read -------------------------------------------
    emails = {e["email"].strip().lower() for e in people if e.get("email")}
    manager_emails = {
        m.strip().lower() for e in teams for m in e.get("managers") or [] if isinstance(m, str)
    }
    users_by_email: dict[str, list] = defaultdict(list)
    for user in User.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=emails | manager_emails
    ):
        users_by_email[user.email_lower].append(user)
    usernames = {e["username"] for e in people if isinstance(e.get("username"), str)}
    username_holders = dict(
        User.objects.filter(username__in=emails | usernames).values_list("username", "pk")
    )
    persons_by_user = {
        person.user_id: person
        for person in Person.objects.filter(
            user__in=[u for users in users_by_email.values() for u in users]
        )
    }
    external_ids = {
        e["external_id"].strip() for e in people if isinstance(e.get("external_id"), str)
    }
    # SCIM names the person it changes by their id ("person_id", not part of the HR API).
    person_ids = {e["person_id"] for e in people if isinstance(e.get("person_id"), int)}
    known = (
        list(
            Person.objects.select_related("user").filter(
                Q(external_id__in=external_ids) | Q(pk__in=person_ids)
            )
        )
        if external_ids or person_ids
        else []
    )
    persons_by_external_id = {p.external_id: p for p in known if p.external_id}
    persons_by_id = {p.pk: p for p in known}
    for person in known:
        persons_by_user.setdefault(person.user_id, person)
    roles = {
        role.slug: role
        for role in Role.objects.filter(slug__in={e["role"] for e in people if e.get("role")})
    }

    # --- People ------------------------------------------------------------------------------
    person_plans: list[tuple[int, str, object | None, dict, dict]] = []
    seen_emails: set[str] = set()
    seen_external_ids: set[str] = set()
    for index, entry in enumerate(people):
        errors = people_errors[index]
        email = entry["email"].strip()
        key = email.lower()
        try:
            validate_email(email)
        except ValidationError as error:
            errors["email"] = error.messages
            continue
        if key in seen_emails:
            errors["email"] = ["This person is listed twice."]
            continue
        seen_emails.add(key)
        user_values = {name: entry[name].strip() for name in _USER_FIELDS if name in entry}
        person_values: dict = {}
        user = _plan_account(
            entry, email, errors=errors, users_by_email=users_by_email,
            username_holders=username_holders, persons_by_user=persons_by_user,
            persons_by_external_id=persons_by_external_id, seen_external_ids=seen_external_ids,
            persons_by_id=persons_by_id,
            user_values=user_values, person_values=person_values,
        )
        if errors:
            continue
        if "team" in entry:
            # Only an explicit null takes a person out of their team: a malformed path ("A/B/",
            # "/", "") is refused like an unknown one, never read as "no team".
            path = _norm_path(entry["team"])
            if path == "":
                errors["team"] = ["An empty name in the team's path (null removes the team)."]
            elif path is not None and path not in known_paths:
                errors["team"] = [f"No team “{path}”: list it in teams first."]
            person_values["team"] = path
        if "role" in entry:
            if entry["role"] and entry["role"] not in roles:
                errors["role"] = [f"No role with the slug “{entry['role']}”."]
            person_values["role"] = roles.get(entry["role"]) if entry["role"] else None
        for name in ("job_title", "is_active", "start_date"):
            if name in entry:
                person_values[name] = entry[name]
        for name, limit in (("first_name", 150), ("last_name", 150)):
            if len(user_values.get(name, "")) > limit:
                errors[name] = [f"Use at most {limit} characters."]
        if len(person_values.get("job_title", "")) > 120:
            errors["job_title"] = ["Use at most 120 characters."]
        if not errors:
            person_plans.append((index, email, user, user_values, person_values))

    # --- Managers ----------------------------------------------------------------------------
    for index in wanted_teams.values():
        missing = [
            m for m in teams[index].get("managers") or []
            if m.strip().lower() not in users_by_email and m.strip().lower() not in seen_emails
        ]
        if missing:
            team_errors[index]["managers"] = [
                f"No account with the email “{m}”: add them to people." for m in missing
            ]

    if any(team_errors) or any(people_errors):
        raise HrUpsertInvalid(
            {
                kind: {index: errors for index, errors in enumerate(entries) if errors}
                for kind, entries in (("teams", team_errors), ("people", people_errors))
                if any(entries)
            }
        )

    # --- What changes ------------------------------------------------------------------------
    current_managers: dict[int, set[int]] = defaultdict(set)
    changing_team_ids = [
        (existing_teams.get(path) or renamed[path]).pk
        for path in wanted_teams
        if path in existing_teams or path in renamed
    ]
    for team_id, user_id in Team.managers.through.objects.filter(
        team_id__in=changing_team_ids
    ).values_list("team_id", "user_id"):
        current_managers[team_id].add(user_id)

    team_changes: list[Change] = []
    for path, index in wanted_teams.items():
        entry = teams[index]
        team = existing_teams.get(path) or renamed.get(path)
        if team is None:
            team_changes.append(Change(path, "created"))
            continue
        changed = []
        if path in renamed:
            old_parent, _sep, old_name = path_by_team_id[team.pk].rpartition(PATH_SEPARATOR)
            new_parent, _sep, new_name = path.rpartition(PATH_SEPARATOR)
            changed += ["name"] if old_name != new_name else []
            changed += ["parent"] if old_parent != new_parent else []
        if entry.get("external_id") is not None and team.external_id != entry["external_id"]:
            changed.append("external_id")
        if "description" in entry and entry["description"] != team.description:
            changed.append("description")
        if "managers" in entry:
            wanted = {m.strip().lower() for m in entry["managers"]}
            have = {u.pk for key in wanted for u in users_by_email.get(key, [])}
            if wanted - set(users_by_email) or have != current_managers[team.pk]:
                changed.append("managers")
        team_changes.append(Change(path, "updated" if changed else "unchanged", changed))

    person_changes: list[Change] = []
    for _index, email, user, user_values, person_values in person_plans:
        person = persons_by_user.get(user.pk) if user else None
        if person is None:
            person_changes.append(Change(email, "created"))
            continue
        changed = [name for name, value in user_values.items() if getattr(user, name) != value]
        for name, value in person_values.items():
            if name == "team":
                if path_by_team_id.get(person.team_id) != value:
                    changed.append("team")
            elif name == "role":
                if person.role_id != (value.pk if value else None):
                    changed.append("role")
            elif getattr(person, name) != value:
                changed.append(name)
        person_changes.append(Change(email, "updated" if changed else "unchanged", changed))

    result = HrUpsertResult(dry_run=dry_run, teams=team_changes, people=person_changes)
    if dry_run:
        return result

    # --- Apply -------------------------------------------------------------------------------
    teams_by_path = {**existing_teams, **renamed}
    new_paths = [c.key for c in team_changes if c.action == "created"]
    for depth in sorted({path.count(PATH_SEPARATOR) for path in new_paths}):
        level = [path for path in new_paths if path.count(PATH_SEPARATOR) == depth]
        objs = []
        for path in level:
            entry = teams[wanted_teams[path]]
            parent = _norm_path(entry.get("parent"))
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
            parent_path = team.parent.path if team.parent_id else PATH_SEPARATOR
            team.path = f"{parent_path}{team.pk}/"
            team.depth = team.path.count("/") - 2
            teams_by_path[path] = team
    Team.objects.bulk_update(
        [teams_by_path[path] for path in new_paths], ["path", "depth"], batch_size=BATCH_SIZE
    )
    # Bulk updates skip ``auto_now``: ``updated_at`` is set here, for ``?updated_since=``.
    now = timezone.now()
    touched = []
    for change in team_changes:
        if change.action == "updated":
            team = teams_by_path[change.key]
            if "description" in change.changes:
                team.description = teams[wanted_teams[change.key]]["description"]
            team.updated_at = now
            touched.append(team)
    Team.objects.bulk_update(touched, ["description", "updated_at"], batch_size=BATCH_SIZE)
    _apply_team_renames(team_changes, teams, wanted_teams, teams_by_path)

    new_users = []
    new_user_of: dict[int, Any] = {}  # entry index -> its new account
    for index, email, user, user_values, _person_values in person_plans:
        if user is None:
            user = User(**{"username": email.lower(), "email": email, **user_values})
            user.set_unusable_password()
            new_users.append(user)
            new_user_of[index] = user
            users_by_email[email.lower()] = [user]
    User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
    changed_users = []
    new_people, changed_people = [], []
    for (index, _email, user, user_values, person_values), change in zip(
        person_plans, person_changes, strict=True
    ):
        if change.action == "unchanged":
            continue
        user = user or new_user_of[index]
        values = {
            **person_values,
            **(
                {"team": teams_by_path[person_values["team"]] if person_values["team"] else None}
                if "team" in person_values
                else {}
            ),
        }
        person = persons_by_user.get(user.pk)
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
    User.objects.bulk_update(changed_users, list(_USER_WRITE_FIELDS), batch_size=BATCH_SIZE)
    Person.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
    Person.objects.bulk_update(
        changed_people, [*_PERSON_FIELDS, "updated_at"], batch_size=BATCH_SIZE
    )

    managed = {
        teams_by_path[path].pk: {
            users_by_email[m.strip().lower()][0].pk for m in teams[index]["managers"]
        }
        for path, index in wanted_teams.items()
        if "managers" in teams[index]
    }
    through = Team.managers.through
    through.objects.filter(team_id__in=list(managed)).delete()
    through.objects.bulk_create(
        [through(team_id=team_id, user_id=user_id)
         for team_id, user_ids in managed.items() for user_id in sorted(user_ids)],
        batch_size=BATCH_SIZE,
    )
    _audit(user=changed_by, reason=reason, team_changes=team_changes, teams_by_path=teams_by_path,
           new_users=new_users, changed_users=changed_users, new_people=new_people,
           changed_people=changed_people, users_by_email=users_by_email)
    return result


HR_UPSERT_REASON = "via HR upsert"


def _plan_team_external_id(
    entry: dict,
    path: str,
    parent: str | None,
    *,
    errors: dict,
    existing: dict[str, Team],
    by_external_id: dict[str, Team],
    path_by_team_id: dict[int, str],
    renamed: dict[str, Team],
    taken: set,
) -> None:
    """A team entry with an external id: the team it names (renamed or moved when its path
    differs), or a team to link or create. Records a rename in ``renamed``."""
    external_id = str(entry["external_id"]).strip()
    entry["external_id"] = external_id
    if not external_id or len(external_id) > EXTERNAL_ID_MAX:
        errors["external_id"] = [f"Give 1 to {EXTERNAL_ID_MAX} characters."]
        return
    if external_id in taken:
        errors["external_id"] = ["This team is listed twice."]
        return
    team = by_external_id.get(external_id)
    if team is None:
        other = existing.get(path)
        if other is not None and other.external_id:
            errors["external_id"] = [
                f"The team “{path}” has the external id “{other.external_id}”: an external id "
                "never changes."
            ]
        return
    old_path = path_by_team_id[team.pk]
    if path == old_path:
        return
    other = existing.get(path)
    if other is not None and other.pk != team.pk:
        errors["name"] = [f"Another team is “{path}” already."]
    elif parent and f"{parent}{PATH_SEPARATOR}".startswith(f"{old_path}{PATH_SEPARATOR}"):
        errors["parent"] = ["A team cannot be placed under itself."]
    else:
        renamed[path] = team


def _apply_team_renames(
    team_changes: list[Change], teams: list[dict], wanted_teams: dict[str, int],
    teams_by_path: dict[str, Team],
) -> None:
    """Rename, move or link the teams found by external id. Renames are rare: ``save()``
    moves each one's sub-tree (new children included) in one statement."""
    for change in team_changes:
        if not {"name", "parent", "external_id"} & set(change.changes):
            continue
        entry = teams[wanted_teams[change.key]]
        team = teams_by_path[change.key]
        parent = _norm_path(entry.get("parent"))
        team.name = entry["name"].strip()
        team.parent = teams_by_path[parent] if parent else None
        team.external_id = entry.get("external_id") or team.external_id
        team.save()


def _plan_account(
    entry: dict,
    email: str,
    *,
    errors: dict,
    users_by_email: dict[str, list],
    username_holders: dict[str, int],
    persons_by_user: dict[int, Person],
    persons_by_external_id: dict[str, Person],
    seen_external_ids: set[str],
    persons_by_id: dict[int, Person],
    user_values: dict,
    person_values: dict,
) -> Any:
    """Which account a person entry names — by external id when given and known, else by
    email — and what changes on it (email, username, may sign in). Returns the account, or
    None for a new one; fills ``errors`` when the entry contradicts the accounts there are."""
    key = email.lower()
    matches = users_by_email.get(key, [])
    external_id = entry.get("external_id")
    person = None
    if external_id is not None:
        external_id = str(external_id).strip()
        if not external_id or len(external_id) > EXTERNAL_ID_MAX:
            errors["external_id"] = [f"Give 1 to {EXTERNAL_ID_MAX} characters."]
            return None
        if external_id in seen_external_ids:
            errors["external_id"] = ["This person is listed twice."]
            return None
        seen_external_ids.add(external_id)
        person = persons_by_external_id.get(external_id)
    if person is None and "person_id" in entry:
        person = persons_by_id.get(entry["person_id"])
        if person is None:
            errors["person_id"] = ["No such person."]
            return None
        if external_id is not None and person.external_id != external_id:
            if person.external_id:
                errors["external_id"] = [
                    f"This person has the external id “{person.external_id}”: an external id "
                    "never changes."
                ]
                return None
            person_values["external_id"] = external_id
    if person is not None:
        user = person.user
        if any(other.pk != user.pk for other in matches):
            errors["email"] = ["Another person has this email."]
            return None
        if user.email.lower() != key:
            user_values["email"] = email
            if user.username == user.email.lower() and "username" not in entry:
                user_values["username"] = key  # the login followed the email: it still does
        users_by_email[key] = [user]
    else:
        if len(matches) > 1:
            errors["email"] = ["Several accounts have this email: merge them first."]
            return None
        user = matches[0] if matches else None
        linked = persons_by_user.get(user.pk) if user else None
        if external_id is not None:
            if linked is not None and linked.external_id:
                errors["external_id"] = [
                    f"This email belongs to the person with the external id "
                    f"“{linked.external_id}”: an external id never changes."
                ]
                return None
            person_values["external_id"] = external_id
        if user is None and "username" not in entry and key in username_holders:
            errors["email"] = ["Another account uses this email as its username."]
            return None
    if isinstance(entry.get("username"), str):
        username = entry["username"].strip()
        holder = username_holders.get(username)
        if not username or len(username) > 150:
            errors["username"] = ["Give 1 to 150 characters."]
        elif holder is not None and (user is None or holder != user.pk):
            errors["username"] = ["Another account has this username."]
        elif user is None or user.username != username:
            user_values["username"] = username
    if "username" in user_values and user is not None and "username" not in entry:
        holder = username_holders.get(user_values["username"])
        if holder is not None and holder != user.pk:
            del user_values["username"]  # somebody else's login: keep the old one
    if "account_active" in entry:
        user_values["is_active"] = bool(entry["account_active"])
    return user


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
            action_flag=flag, **common,
        )
    email_by_user_id = {u.pk: email for email, users in users_by_email.items() for u in users}
    for people_written, flag in ((new_people, ADDITION), (changed_people, CHANGE)):
        change_log_record(
            Person, [(p.pk, email_by_user_id.get(p.user_id, f"#{p.pk}")) for p in people_written],
            action_flag=flag, **common,
        )
