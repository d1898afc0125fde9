"""Reads for assessment cycles: who may see which cycle, completion per team, who is overdue,
and the open cycle a person still owes a self-assessment to (the banner).

Completion is counted in the database, in a constant number of queries however many people or
teams a cycle covers. While a cycle is open it is computed live from ``cycle_scope``; once
closed, from the ``CycleParticipation`` rows written when it closed (frozen).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from assessments.models import (
    AssessmentCycle,
    AssessmentSubmission,
    CycleParticipation,
    CycleStatus,
    Reminder,
    ReminderKind,
)
from assessments.selectors import cycle_scope
from assessments.selectors.scope import pending_condition
from readiness.models import Person, Team
from readiness.permissions import (
    PERSONA_PROBE_COLUMNS,
    is_leadership,
    persona_known,
    persona_probes,
    persona_remember,
)
from readiness.selectors import in_subtrees, managed_paths
from readiness.sql import Fragment, fetch_prepared, instance_of_row, param


@dataclass(frozen=True, slots=True)
class CycleViewer:
    """What a user may see of cycles: everything (leadership, admins) or the sub-trees of the
    teams they manage (managers, read-only). ``None`` from ``cycle_viewer`` means nothing."""

    user: User
    leadership: bool
    paths: tuple[str, ...] = ()

    @property
    def can_manage(self) -> bool:
        return self.leadership

    def people(self) -> QuerySet[Person] | None:
        """The people whose completion this viewer may see (None: everybody)."""
        if self.leadership:
            return None
        return self.managed_people()

    def managed_people(self) -> QuerySet[Person]:
        """The active people of the sub-trees this viewer manages (but themself)."""
        return Person.objects.filter(
            in_subtrees(list(self.paths), field="team__path"), is_active=True
        ).exclude(user=self.user)


def cycle_viewer(*, user: User) -> CycleViewer | None:
    if is_leadership(user):
        return CycleViewer(user=user, leadership=True)
    paths = managed_paths(user=user)
    if paths:
        return CycleViewer(user=user, leadership=False, paths=tuple(paths))
    return None


def cycles_visible_to(*, viewer: CycleViewer) -> QuerySet[AssessmentCycle]:
    """Every cycle for leadership; for a manager, the open and closed cycles whose scope
    reaches people they manage — by team (theirs, one below, or one above with sub-teams),
    by audience, or organization-wide."""
    cycles = AssessmentCycle.objects.select_related("plan").annotate(
        has_roster=Exists(CycleParticipation.objects.filter(cycle=OuterRef("pk")))
    )
    if viewer.leadership:
        return cycles
    paths = list(viewer.paths)
    audiences = AssessmentCycle.audiences.through.objects.filter(assessmentcycle=OuterRef("pk"))
    teams = AssessmentCycle.teams.through.objects.filter(assessmentcycle=OuterRef("pk"))
    managed_teams = Team.objects.filter(in_subtrees(paths))
    above = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    their_audiences = viewer.managed_people().values("role__audience_id")
    covers = (
        (~Exists(audiences) & ~Exists(teams))
        | Exists(audiences.filter(Q(audience__is_everyone=True) | Q(audience__in=their_audiences)))
        | Exists(teams.filter(team__in=managed_teams))
        | (Q(include_subteams=True) & Exists(teams.filter(team__in=above)))
    )
    return cycles.filter(covers).exclude(status=CycleStatus.DRAFT)


def scope_summary(cycle: AssessmentCycle) -> str:
    """Who a cycle covers, in words (audiences and teams prefetched)."""
    audiences = list(cycle.audiences.all())
    teams = list(cycle.teams.all())
    if (not audiences and not teams) or any(a.is_everyone for a in audiences):
        return "Everyone"
    parts = [", ".join(a.name for a in audiences)] if audiences else []
    if teams:
        names = ", ".join(t.name for t in teams)
        parts.append(f"{names} (with sub-teams)" if cycle.include_subteams else names)
    return " · ".join(parts)


def is_frozen(cycle: AssessmentCycle) -> bool:
    """Closed with its roster written down (``cycle_close``). A cycle closed some other way
    (imported, or older than rosters) is counted live, with submissions up to its closing."""
    return cycle.status == CycleStatus.CLOSED and bool(getattr(cycle, "has_roster", False))


def _submitted(cycle: AssessmentCycle) -> Exists:
    submissions = AssessmentSubmission.objects.filter(cycle=cycle, person=OuterRef("pk"))
    if cycle.status == CycleStatus.CLOSED and cycle.closed_at is not None:
        submissions = submissions.filter(submitted_at__lte=cycle.closed_at)
    return Exists(submissions)


def _live_scope(cycle: AssessmentCycle, viewer: CycleViewer) -> QuerySet[Person]:
    people = viewer.people()
    return cycle_scope(cycle=cycle, people=people).order_by()


def _frozen_roster(cycle_ids: list[int], viewer: CycleViewer) -> QuerySet[CycleParticipation]:
    roster = CycleParticipation.objects.filter(cycle_id__in=cycle_ids)
    if not viewer.leadership:
        roster = roster.filter(in_subtrees(list(viewer.paths), field="team__path"))
    return roster.order_by()


@dataclass(frozen=True, slots=True)
class Completion:
    submitted: int
    in_scope: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.submitted / self.in_scope) if self.in_scope else None

    @property
    def pending(self) -> int:
        return self.in_scope - self.submitted


def cycles_completion(
    *, cycles: list[AssessmentCycle], viewer: CycleViewer
) -> dict[int, Completion]:
    """Submitted / in scope for each cycle, in two queries whatever the number of cycles: one
    statement (a UNION) for the open ones, one for the frozen ones. ``cycles`` must come with
    their audiences and teams prefetched (``cycles_visible_to``)."""
    result: dict[int, Completion] = {}
    live = [cycle for cycle in cycles if not is_frozen(cycle)]
    frozen = [cycle.pk for cycle in cycles if is_frozen(cycle)]
    if live:
        parts = [
            _live_scope(cycle, viewer)
            .annotate(cycle_key=Value(cycle.pk, output_field=IntegerField()))
            .values("cycle_key")
            .annotate(in_scope=Count("pk"), submitted=Count("pk", filter=Q(_submitted(cycle))))
            .values_list("cycle_key", "submitted", "in_scope")
            for cycle in live
        ]
        query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for cycle_id, submitted, in_scope in query:
            result[cycle_id] = Completion(submitted, in_scope)
    if frozen:
        for cycle_id, submitted, in_scope in (
            _frozen_roster(frozen, viewer)
            .values("cycle_id")
            .annotate(
                submitted=Count("pk", filter=Q(submitted_at__isnull=False)), in_scope=Count("pk")
            )
            .values_list("cycle_id", "submitted", "in_scope")
        ):
            result[cycle_id] = Completion(submitted, in_scope)
    return {cycle.pk: result.get(cycle.pk, Completion(0, 0)) for cycle in cycles}


@dataclass(frozen=True, slots=True)
class TeamCompletion:
    team_id: int | None
    label: str
    depth: int
    completion: Completion


def cycle_team_completion(*, cycle: AssessmentCycle, viewer: CycleViewer) -> list[TeamCompletion]:
    """Submitted / in scope per team (people counted in their own team), in two queries: the
    counts grouped by team, and the team names for "Department › Team" labels."""
    grouped: QuerySet[Any, dict[str, Any]]
    if is_frozen(cycle):
        grouped = (
            _frozen_roster([cycle.pk], viewer)
            .values("team_id", "team__path")
            .annotate(
                in_scope=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False))
            )
        )
    else:
        grouped = (
            _live_scope(cycle, viewer)
            .values("team_id", "team__path")
            .annotate(in_scope=Count("pk"), submitted=Count("pk", filter=Q(_submitted(cycle))))
        )
    rows = list(grouped.values_list("team_id", "team__path", "submitted", "in_scope"))
    names = dict(Team.objects.order_by().values_list("pk", "name")) if rows else {}
    result = []
    for team_id, path, submitted, in_scope in rows:
        chain = [int(part) for part in (path or "").strip("/").split("/") if part]
        label = " › ".join(names.get(pk, "?") for pk in chain) if chain else "No team"
        result.append(
            TeamCompletion(team_id, label, max(len(chain) - 1, 0), Completion(submitted, in_scope))
        )
    # Departments first, each followed by its teams; "No team" last.
    result.sort(key=lambda row: (row.team_id is None, row.label.lower()))
    return result


def cycle_pending_people(*, cycle: AssessmentCycle, viewer: CycleViewer) -> QuerySet:
    """The people of the cycle who have not submitted, with how many reminders they were sent
    and whether their manager was told — one query (paginate it for two)."""
    if is_frozen(cycle):
        return (
            _frozen_roster([cycle.pk], viewer)
            .filter(submitted_at__isnull=True)
            .select_related("person__user", "team")
            .order_by("person__user__last_name", "person__user__first_name", "pk")
        )
    steps = Reminder.objects.filter(
        person=OuterRef("pk"), cycle=cycle, sent_at__isnull=False
    ).order_by()
    reminded = (
        steps.exclude(kind=ReminderKind.ESCALATION)
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _live_scope(cycle, viewer)
        .filter(~Q(_submitted(cycle)))
        .select_related("user", "team")
        .annotate(
            reminders_sent=Coalesce(Subquery(reminded, output_field=IntegerField()), 0),
            escalated=Exists(steps.filter(kind=ReminderKind.ESCALATION)),
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )


def cycle_roster_for_freeze(
    *, cycle: AssessmentCycle
) -> list[tuple[int, int | None, dt.datetime | None]]:
    """(person id, team id, first submission in the cycle or None) for everyone in scope."""
    first = (
        AssessmentSubmission.objects.filter(cycle=cycle, person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(at=Min("submitted_at"))
        .values("at")
    )
    return list(
        cycle_scope(cycle=cycle)
        .order_by()
        .annotate(first_submitted=Subquery(first))
        .values_list("pk", "team_id", "first_submitted")
    )


#: The banner's rule (``cycle_scope`` of each open cycle, for one person; not submitted; the
#: earliest due first), as one constant statement for PostgreSQL and SQLite: every page's layout
#: runs it, and building it with the ORM (nested ``Exists``) cost ~4 ms of CPU a page, more than
#: the trivial view itself. A team's path is its ancestors' ids ("/1/5/"): "under" is a prefix.
#: The layout's banner: the person of a user (active), their team and role, and the first
#: pending cycle by ``scope.PENDING_CONDITION`` on their columns. Always one row (the cycle's
#: columns NULL when none), led by the user's persona flags when the request has not read them
#: yet (``{persona}``): the navigation above the banner needs them, and one statement is one
#: round trip less.
_BANNER_SQL = Fragment("""
SELECT {persona}{columns}
  FROM (SELECT 1 AS one) one
  LEFT JOIN (
    SELECT c.* FROM assessments_assessmentcycle c
      JOIN readiness_person p ON p.user_id = {user} AND p.is_active
      LEFT JOIN readiness_team t ON t.id = p.team_id
      LEFT JOIN readiness_role r ON r.id = p.role_id
     WHERE {pending}
     ORDER BY c.due_on, c.id
     LIMIT 1
  ) c ON 1 = 1
""").fill(
    columns=", ".join(f"c.{field.column}" for field in AssessmentCycle._meta.concrete_fields),
    persona="{persona}",
    user="{user}",
    pending="{pending}",
)  # nosec B608 # module-constant SQL; values as parameters


def person_pending_cycle(*, user: User, today: dt.date) -> AssessmentCycle | None:
    """The open cycle (earliest due first) that covers ``user``'s person and has no submission
    from them, or None — the rule of ``open_cycles_by_person`` (``cycle_scope``), for one
    person, in ONE statement (``_BANNER_SQL``, prepared: every page's layout asks, built at
    every visit). The user's persona flags come with it when the request has not read them
    (``permissions.persona_remember``): the layout reads it before its navigation. A test holds
    it equal to ``open_cycles_by_person`` for every kind of scope."""
    pending = pending_condition(
        person="p.id", audience="r.audience_id", team="p.team_id", path="t.path", today=today
    )
    known = persona_known(user)
    statement = _BANNER_SQL.fill(
        persona="" if known else persona_probes(param(user.pk)) + ", ",
        user=param(user.pk),
        pending=pending,
    )
    (row,) = fetch_prepared(statement)
    if not known:
        persona_remember(user, row[:PERSONA_PROBE_COLUMNS])
        row = row[PERSONA_PROBE_COLUMNS:]
    return instance_of_row(AssessmentCycle, row) if row[0] is not None else None
