"""Reads of the organization: scoped querysets and the target-level rule.

The target rule lives here, once, as SQL: every page, export, API endpoint and task that needs
targets for a set of people runs ``TARGETS_SQL`` inside its own statement.
"""

from typing import cast

from django.contrib.auth.models import User
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith

from readiness.models import Audience, Person, PlanStatus, ReadinessPlan, Role, Skill, Team
from readiness.permissions import is_admin, is_leadership, persona_probes, persona_remember
from readiness.sql import Fragment, fetch_prepared, instance_of_row, param

#: Target level T(person, skill): the highest target among the person's role requirements,
#: their role's audience requirements and the Everyone requirements, over active skills.
#: Expects a CTE named ``people(id)``; yields (person_id, skill_id, target_level). Each
#: person's role is looked up by id, one index probe a person: joined instead, the planner
#: read the whole person table (twice) for a team of 50 (issue 18).
TARGETS_SQL = """
    WITH roles AS (
        SELECT people.id AS person_id,
               (SELECT p.role_id FROM readiness_person p WHERE p.id = people.id) AS role_id
          FROM people
    )
    SELECT q.person_id, q.skill_id, MAX(q.target_level) AS target_level
      FROM (
        SELECT pr.person_id, rr.skill_id, rr.target_level
          FROM roles pr
          JOIN readiness_rolerequirement rr ON rr.role_id = pr.role_id
        UNION ALL
        SELECT pr.person_id, ar.skill_id, ar.target_level
          FROM roles pr
          JOIN readiness_role ro ON ro.id = pr.role_id
          JOIN readiness_audiencerequirement ar ON ar.audience_id = ro.audience_id
        UNION ALL
        SELECT people.id, ar.skill_id, ar.target_level
          FROM people CROSS JOIN readiness_audiencerequirement ar
          JOIN readiness_audience a ON a.id = ar.audience_id
         WHERE a.is_everyone
      ) q
      JOIN readiness_skill s ON s.id = q.skill_id
     WHERE s.is_active
     GROUP BY q.person_id, q.skill_id
"""


def people_sql(people: QuerySet[Person]) -> Fragment:
    """The SQL selecting the ids of ``people``, with its parameters, for a ``people(id)`` CTE."""
    sql, params = people.order_by().values("id").query.sql_with_params()
    return Fragment(sql, params)


#: ``person_get``'s models, in the order of its statement's columns, with their aliases there.
#: Not the user: the caller has it (the request's), and the person is found by it.
_PERSON_PARTS = ((Person, "p"), (Team, "t"), (Role, "r"), (Audience, "a"))
#: A person with their team, role and its audience: the query of
#: ``Person.objects.select_related("team", "role", "role__audience").filter(user=…).first()``,
#: written once as constant text (every concrete column of the four models); then the user's
#: persona flags (``permissions.persona_probes``), which every page reads too.
_PERSON_SQL = Fragment("""
SELECT {columns}, {persona}
  FROM readiness_person p
  LEFT JOIN readiness_team t ON t.id = p.team_id
  LEFT JOIN readiness_role r ON r.id = p.role_id
  LEFT JOIN readiness_audience a ON a.id = r.audience_id
 WHERE p.user_id = {user}
 ORDER BY p.id
 LIMIT 1
""").fill(
    columns=", ".join(
        f'{alias}."{field.column}"'
        for model, alias in _PERSON_PARTS
        for field in model._meta.concrete_fields
    ),
    persona=persona_probes("{user}"),
    user="{user}",
)


def person_get(*, user: User) -> Person | None:
    """The person record of ``user`` with what every page shows about them (their user — the
    one given, the request's —, team, role and its audience, cached on it as ``select_related``
    caches them), or None. The user's persona flags come with it
    (``permissions.persona_remember``): the navigation of the page reads them without a
    statement of its own.

    Every page of a person runs it first: one constant statement (``_PERSON_SQL``), prepared
    (``readiness.sql.fetch_prepared``), its row split into the four instances. Through the ORM,
    compiling the five-table select and populating its relations cost three times the
    statement (issue 18)."""
    rows = fetch_prepared(_PERSON_SQL.fill(user=param(user.pk)))
    if not rows:
        return None
    row, start, found = rows[0], 0, []
    for model, _ in _PERSON_PARTS:
        end = start + len(model._meta.concrete_fields)
        found.append(instance_of_row(model, row[start:end]) if row[start] is not None else None)
        start = end
    persona_remember(user, row[start:])
    # The person is there (the row is theirs); a team and a role may not be.
    person = cast(Person, found[0])
    team, role, audience = found[1:]
    fields = Person._meta
    fields.get_field("user").set_cached_value(person, user)
    fields.get_field("user").remote_field.set_cached_value(user, person)
    fields.get_field("team").set_cached_value(person, team)
    fields.get_field("role").set_cached_value(person, role)
    if role is not None:
        Role._meta.get_field("audience").set_cached_value(role, audience)
    return person


def active_people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True)


def teams_managed_by(*, user: User) -> QuerySet[Team]:
    """Teams ``user`` manages directly."""
    return Team.objects.filter(managers=user)


def in_subtrees(paths: list[str], *, field: str = "path") -> Q:
    """A condition matching teams (or, with ``field="team__path"``, people) under ``paths``."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def managed_paths(*, user: User) -> list[str]:
    return list(teams_managed_by(user=user).values_list("path", flat=True))


def teams_managed_subtree(*, user: User) -> QuerySet[Team]:
    """The teams ``user`` manages and every team below them."""
    return Team.objects.filter(in_subtrees(managed_paths(user=user)))


def teams_visible_to(*, user: User) -> QuerySet[Team]:
    """Teams ``user`` may read: all for leadership and admins, else the sub-trees they manage."""
    if is_leadership(user):
        return Team.objects.all()
    return teams_managed_subtree(user=user)


def people_managed_by(*, user: User) -> QuerySet[Person]:
    """Active people in the teams ``user`` manages, including their sub-teams (not themself)."""
    return Person.objects.filter(
        in_subtrees(managed_paths(user=user), field="team__path"), is_active=True
    ).exclude(user=user)


def person_managers(*, person: Person) -> QuerySet:
    """The users who manage ``person``: managers of their team."""
    from django.contrib.auth import get_user_model

    if person.team_id is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(managed_teams=person.team_id).exclude(pk=person.user_id)


def everyone_audience() -> Audience | None:
    return Audience.objects.filter(is_everyone=True).first()


def skills_active() -> QuerySet[Skill]:
    return Skill.objects.filter(is_active=True).select_related("category")


def people_visible_to(*, user: User) -> QuerySet[Person]:
    """People whose skills ``user`` may read individually: themself, the people in the teams
    they manage (with sub-teams), and everybody for admins. Leadership reads everybody else
    only as figures over groups, under the privacy floor (``readiness.privacy_floor``)."""
    if is_admin(user):
        return Person.objects.all()
    if is_leadership(user):
        # The same people as below, in the statement itself: leadership lists read no
        # managed paths first.
        managed = Team.objects.filter(managers=user).filter(
            StartsWith(OuterRef("team__path"), F("path"))
        )
        return Person.objects.filter(Q(user=user) | Q(Exists(managed)))
    return Person.objects.filter(
        Q(user=user) | in_subtrees(managed_paths(user=user), field="team__path")
    )


def readiness_plan_active() -> ReadinessPlan | None:
    """The plan whose concerns register takes new concerns: the active plan, the most recently
    started when several are active; None when no plan is active."""
    return (
        ReadinessPlan.objects.filter(status=PlanStatus.ACTIVE)
        .order_by("-start_date", "-created_at", "-pk")
        .first()
    )
