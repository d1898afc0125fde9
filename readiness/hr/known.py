"""What the database holds that an HR upsert names, read once with a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from readiness.hr.paths import team_paths
from readiness.models import Person, Role, Team

EXTERNAL_ID_MAX = 255


@dataclass
class Known:
    """The teams, accounts, people and roles there are, as the plan looks them up."""

    existing_teams: dict[str, Team]  # path of names -> team
    path_by_team_id: dict[int, str]
    teams_by_external_id: dict[str, Team]
    users_by_email: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    username_holders: dict[str, int] = field(default_factory=dict)
    persons_by_user: dict[int, Person] = field(default_factory=dict)
    persons_by_external_id: dict[str, Person] = field(default_factory=dict)
    persons_by_id: dict[int, Person] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)


def read_teams() -> Known:
    """Every team (one read), by path of names and by external id."""
    all_teams = list(
        Team.objects.only("id", "name", "parent_id", "path", "description", "external_id")
    )
    existing_teams = team_paths(all_teams)
    return Known(
        existing_teams=existing_teams,
        path_by_team_id={team.pk: path for path, team in existing_teams.items()},
        teams_by_external_id={team.external_id: team for team in all_teams if team.external_id},
    )


def read_accounts(known: Known, *, teams: list[dict], people: list[dict]) -> None:
    """Every account, person and role the payload names (emails, managers' emails, usernames,
    external ids, SCIM's person ids, role slugs), into ``known``."""
    User = get_user_model()
    emails = {e["email"].strip().lower() for e in people if e.get("email")}
    manager_emails = {
        m.strip().lower() for e in teams for m in e.get("managers") or [] if isinstance(m, str)
    }
    for user in User.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=emails | manager_emails
    ):
        known.users_by_email[user.email_lower].append(user)
    usernames = {e["username"] for e in people if isinstance(e.get("username"), str)}
    known.username_holders = dict(
        User.objects.filter(username__in=emails | usernames).values_list("username", "pk")
    )
    known.persons_by_user = {
        person.user_id: person
        for person in Person.objects.filter(
            user__in=[u for users in known.users_by_email.values() for u in users]
        )
    }
    _read_people_by_ids(known, people)
    known.roles = {
        role.slug: role
        for role in Role.objects.filter(slug__in={e["role"] for e in people if e.get("role")})
    }


def _read_people_by_ids(known: Known, people: list[dict]) -> None:
    """The people named by external id, or (SCIM) by their id ("person_id", not part of the
    HR API): one read, none when no entry names either."""
    external_ids = {
        e["external_id"].strip() for e in people if isinstance(e.get("external_id"), str)
    }
    person_ids = {e["person_id"] for e in people if isinstance(e.get("person_id"), int)}
    found = (
        list(
            Person.objects.select_related("user").filter(
                Q(external_id__in=external_ids) | Q(pk__in=person_ids)
            )
        )
        if external_ids or person_ids
        else []
    )
    known.persons_by_external_id = {p.external_id: p for p in found if p.external_id}
    known.persons_by_id = {p.pk: p for p in found}
    for person in found:
        known.persons_by_user.setdefault(person.user_id, person)
