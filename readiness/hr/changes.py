"""What an HR upsert changes: the change of each entry, the result, the valid person entries,
and the comparison of the entries with what is there."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from readiness.hr.known import Known
from readiness.hr.paths import PATH_SEPARATOR
from readiness.models import Team


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


@dataclass
class PersonPlan:
    """A valid person entry: its account (None: a new one) and the values to write."""

    index: int
    email: str
    user: Any
    user_values: dict
    person_values: dict


# --- What changes -----------------------------------------------------------------------------


def team_changes(
    teams: list[dict], known: Known, wanted: dict[str, int], renamed: dict[str, Team]
) -> list[Change]:
    current_managers: dict[int, set[int]] = defaultdict(set)
    changing_team_ids = [
        (known.existing_teams.get(path) or renamed[path]).pk
        for path in wanted
        if path in known.existing_teams or path in renamed
    ]
    for team_id, user_id in Team.managers.through.objects.filter(
        team_id__in=changing_team_ids
    ).values_list("team_id", "user_id"):
        current_managers[team_id].add(user_id)

    changes: list[Change] = []
    for path, index in wanted.items():
        team = known.existing_teams.get(path) or renamed.get(path)
        if team is None:
            changes.append(Change(path, "created"))
            continue
        changed = _team_changed_fields(
            teams[index],
            path,
            team,
            known=known,
            renamed=renamed,
            managers=current_managers[team.pk],
        )
        changes.append(Change(path, "updated" if changed else "unchanged", changed))
    return changes


def _team_changed_fields(
    entry: dict,
    path: str,
    team: Team,
    *,
    known: Known,
    renamed: dict[str, Team],
    managers: set[int],
) -> list[str]:
    changed = []
    if path in renamed:
        old_parent, _sep, old_name = known.path_by_team_id[team.pk].rpartition(PATH_SEPARATOR)
        new_parent, _sep, new_name = path.rpartition(PATH_SEPARATOR)
        changed += ["name"] if old_name != new_name else []
        changed += ["parent"] if old_parent != new_parent else []
    if entry.get("external_id") is not None and team.external_id != entry["external_id"]:
        changed.append("external_id")
    if "description" in entry and entry["description"] != team.description:
        changed.append("description")
    if "managers" in entry:
        users_by_email = known.users_by_email
        wanted = {m.strip().lower() for m in entry["managers"]}
        have = {u.pk for key in wanted for u in users_by_email.get(key, [])}
        if wanted - set(users_by_email) or have != managers:
            changed.append("managers")
    return changed


def person_changes(person_plans: list[PersonPlan], known: Known) -> list[Change]:
    changes: list[Change] = []
    for plan in person_plans:
        user = plan.user
        person = known.persons_by_user.get(user.pk) if user else None
        if person is None:
            changes.append(Change(plan.email, "created"))
            continue
        changed = [name for name, value in plan.user_values.items() if getattr(user, name) != value]
        for name, value in plan.person_values.items():
            if name == "team":
                team_id = person.team_id
                if (known.path_by_team_id.get(team_id) if team_id else None) != value:
                    changed.append("team")
            elif name == "role":
                if person.role_id != (value.pk if value else None):
                    changed.append("role")
            elif getattr(person, name) != value:
                changed.append(name)
        changes.append(Change(plan.email, "updated" if changed else "unchanged", changed))
    return changes
