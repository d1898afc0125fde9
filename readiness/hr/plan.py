"""Plan an HR upsert: read what is there once, check every entry, work out what changes.

All or nothing: when any entry is wrong, ``plan_upsert`` raises ``HrUpsertInvalid`` with the
errors of each entry, and nothing is written. A dry run stops at the plan's result.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from readiness.hr.accounts import plan_account
from readiness.hr.changes import HrUpsertResult, PersonPlan, person_changes, team_changes
from readiness.hr.known import EXTERNAL_ID_MAX, Known, read_accounts, read_teams
from readiness.hr.paths import PATH_SEPARATOR, norm_path
from readiness.models import Team

USER_FIELDS = ("first_name", "last_name")


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
class HrPlan:
    """Everything the apply step needs: the entries, what is there, and what changes."""

    teams: list[dict]
    known: Known
    wanted_teams: dict[str, int]  # path -> index of its entry
    renamed: dict[str, Team]  # new path -> the team (found by external id) it renames
    person_plans: list[PersonPlan]
    result: HrUpsertResult


def plan_upsert(*, teams: list[dict], people: list[dict], dry_run: bool) -> HrPlan:
    """Check every entry against what is there and work out what would change; raise
    ``HrUpsertInvalid`` when any entry is wrong."""
    team_errors: list[dict] = [{} for _ in teams]
    people_errors: list[dict] = [{} for _ in people]
    known = read_teams()
    wanted_teams, renamed = _check_teams(teams, known, team_errors)
    known_paths = set(known.existing_teams) | set(wanted_teams)
    _check_parents(teams, wanted_teams, known_paths, team_errors)
    read_accounts(known, teams=teams, people=people)
    person_plans, seen_emails = _check_people(people, known, known_paths, people_errors)
    _check_managers(teams, wanted_teams, known, seen_emails, team_errors)
    if any(team_errors) or any(people_errors):
        raise HrUpsertInvalid(
            {
                kind: {index: errors for index, errors in enumerate(entries) if errors}
                for kind, entries in (("teams", team_errors), ("people", people_errors))
                if any(entries)
            }
        )
    result = HrUpsertResult(
        dry_run=dry_run,
        teams=team_changes(teams, known, wanted_teams, renamed),
        people=person_changes(person_plans, known),
    )
    return HrPlan(
        teams=teams,
        known=known,
        wanted_teams=wanted_teams,
        renamed=renamed,
        person_plans=person_plans,
        result=result,
    )


# --- Teams: resolve paths (parents may come later in the payload) ---------------------------


def _name_errors(entry: dict, max_name: int | None) -> dict:
    name = entry["name"].strip()
    errors = {}
    if not name:
        errors["name"] = ["Give the team a name."]
    elif PATH_SEPARATOR in name:
        errors["name"] = [f"A team name cannot contain “{PATH_SEPARATOR}”."]
    elif max_name is not None and len(name) > max_name:
        errors["name"] = [f"Use at most {max_name} characters."]
    if norm_path(entry.get("parent")) == "":
        errors["parent"] = ["An empty name in the parent's path."]
    return errors


def _check_teams(
    teams: list[dict], known: Known, team_errors: list[dict]
) -> tuple[dict[str, int], dict[str, Team]]:
    """The path of each valid team entry (-> its index) and the teams it renames."""
    max_name = Team._meta.get_field("name").max_length
    wanted: dict[str, int] = {}
    renamed: dict[str, Team] = {}
    for index, entry in enumerate(teams):
        errors = team_errors[index]
        errors.update(_name_errors(entry, max_name))
        if errors:
            continue
        name, parent = entry["name"].strip(), norm_path(entry.get("parent"))
        path = f"{parent}{PATH_SEPARATOR}{name}" if parent else name
        if path in wanted:
            errors["name"] = ["This team is listed twice."]
            continue
        if entry.get("external_id") is not None:
            _plan_team_external_id(
                entry,
                path,
                parent,
                errors=errors,
                known=known,
                renamed=renamed,
                taken={teams[i].get("external_id") for i in wanted.values()},
            )
            if errors:
                continue
        wanted[path] = index
    return wanted, renamed


def _check_parents(
    teams: list[dict], wanted: dict[str, int], known_paths: set[str], team_errors: list[dict]
) -> None:
    for index in wanted.values():
        parent = norm_path(teams[index].get("parent"))
        if parent and parent not in known_paths:
            team_errors[index]["parent"] = [
                f"No team “{parent}”: list it in teams (or create it) first."
            ]


def _plan_team_external_id(
    entry: dict,
    path: str,
    parent: str | None,
    *,
    errors: dict,
    known: Known,
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
    team = known.teams_by_external_id.get(external_id)
    other = known.existing_teams.get(path)
    if team is None:
        if other is not None and other.external_id:
            errors["external_id"] = [
                f"The team “{path}” has the external id “{other.external_id}”: an external id "
                "never changes."
            ]
        return
    old_path = known.path_by_team_id[team.pk]
    if path == old_path:
        return
    if other is not None and other.pk != team.pk:
        errors["name"] = [f"Another team is “{path}” already."]
    elif parent and f"{parent}{PATH_SEPARATOR}".startswith(f"{old_path}{PATH_SEPARATOR}"):
        errors["parent"] = ["A team cannot be placed under itself."]
    else:
        renamed[path] = team


# --- People and managers ----------------------------------------------------------------------


def _check_people(
    people: list[dict], known: Known, known_paths: set[str], people_errors: list[dict]
) -> tuple[list[PersonPlan], set[str]]:
    """The plan of each valid person entry, and every email listed."""
    person_plans: list[PersonPlan] = []
    seen_emails: set[str] = set()
    seen_external_ids: set[str] = set()
    for index, entry in enumerate(people):
        errors = people_errors[index]
        email = entry["email"].strip()
        try:
            validate_email(email)
        except ValidationError as error:
            errors["email"] = error.messages
            continue
        if email.lower() in seen_emails:
            errors["email"] = ["This person is listed twice."]
            continue
        seen_emails.add(email.lower())
        user_values = {name: entry[name].strip() for name in USER_FIELDS if name in entry}
        person_values: dict = {}
        user = plan_account(
            entry,
            email,
            errors=errors,
            known=known,
            seen_external_ids=seen_external_ids,
            user_values=user_values,
            person_values=person_values,
        )
        if errors:
            continue
        _check_person_fields(
            entry,
            errors=errors,
            known=known,
            known_paths=known_paths,
            user_values=user_values,
            person_values=person_values,
        )
        if not errors:
            person_plans.append(PersonPlan(index, email, user, user_values, person_values))
    return person_plans, seen_emails


def _check_person_fields(
    entry: dict,
    *,
    errors: dict,
    known: Known,
    known_paths: set[str],
    user_values: dict,
    person_values: dict,
) -> None:
    if "team" in entry:
        # Only an explicit null takes a person out of their team: a malformed path ("A/B/",
        # "/", "") is refused like an unknown one, never read as "no team".
        path = norm_path(entry["team"])
        if path == "":
            errors["team"] = ["An empty name in the team's path (null removes the team)."]
        elif path is not None and path not in known_paths:
            errors["team"] = [f"No team “{path}”: list it in teams first."]
        person_values["team"] = path
    if "role" in entry:
        if entry["role"] and entry["role"] not in known.roles:
            errors["role"] = [f"No role with the slug “{entry['role']}”."]
        person_values["role"] = known.roles.get(entry["role"]) if entry["role"] else None
    for name in ("job_title", "is_active", "start_date"):
        if name in entry:
            person_values[name] = entry[name]
    for name, limit in (("first_name", 150), ("last_name", 150)):
        if len(user_values.get(name, "")) > limit:
            errors[name] = [f"Use at most {limit} characters."]
    if len(person_values.get("job_title", "")) > 120:
        errors["job_title"] = ["Use at most 120 characters."]


def _check_managers(
    teams: list[dict],
    wanted: dict[str, int],
    known: Known,
    seen_emails: set[str],
    team_errors: list[dict],
) -> None:
    for index in wanted.values():
        missing = [
            m
            for m in teams[index].get("managers") or []
            if m.strip().lower() not in known.users_by_email
            and m.strip().lower() not in seen_emails
        ]
        if missing:
            team_errors[index]["managers"] = [
                f"No account with the email “{m}”: add them to people." for m in missing
            ]
