"""(4) the organization gap report and (5) one reminder sweep, each against one hand-written
SQL statement (the database floor)."""

from __future__ import annotations

import statistics
import time

from bench.common import _Rollback, median_of, row, vacuum

# --- (4) the organization gap report -------------------------------------------------------

FLOOR_STATES_SQL = """
WITH people(id) AS (SELECT id FROM readiness_person WHERE is_active),
targets AS ({targets}),
latest AS (
    SELECT DISTINCT ON (r.person_id, r.skill_id, r.source)
           r.person_id, r.skill_id, r.source, r.level, r.created_at
      FROM assessments_skillrating r
      JOIN readiness_person p ON p.id = r.person_id AND p.is_active
      JOIN readiness_skill s ON s.id = r.skill_id AND s.is_active
     ORDER BY r.person_id, r.skill_id, r.source, r.created_at DESC, r.id DESC
)
SELECT t.person_id, t.skill_id, t.target_level,
       MAX(l.level) FILTER (WHERE l.source = 'self') AS s,
       MAX(l.created_at) FILTER (WHERE l.source = 'self') AS s_at,
       MAX(l.level) FILTER (WHERE l.source = 'manager') AS m,
       MAX(l.created_at) FILTER (WHERE l.source = 'manager') AS m_at
  FROM targets t
  LEFT JOIN latest l ON l.person_id = t.person_id AND l.skill_id = t.skill_id
 GROUP BY t.person_id, t.skill_id, t.target_level
"""


def gap_rows(runs: int) -> list[dict]:
    from django.db import connection

    from assessments.selectors import group_readiness, skill_states_iter
    from readiness.models import Person
    from readiness.selectors import TARGETS_SQL

    floor_sql = FLOOR_STATES_SQL.format(targets=TARGETS_SQL)

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql)
            return len(cursor.fetchall())

    grouped_sql = f"""
        SELECT p.team_id, COUNT(DISTINCT g.person_id),
               SUM(CASE WHEN g.lvl >= g.target_level THEN 1 ELSE 0 END),
               SUM(GREATEST(g.target_level - COALESCE(g.lvl, 0), 0))
          FROM (SELECT f.*, CASE WHEN f.m_at IS NOT NULL AND (f.s_at IS NULL OR f.m_at >= f.s_at)
                                 THEN f.m ELSE f.s END AS lvl
                  FROM ({floor_sql}) f) g
          JOIN readiness_person p ON p.id = g.person_id
         GROUP BY p.team_id
    """  # noqa: S608 - fixed SQL

    def floor_grouped() -> int:
        with connection.cursor() as cursor:
            cursor.execute(grouped_sql)
            return len(cursor.fetchall())

    active = Person.objects.filter(is_active=True)
    floor_ms, floor_count = median_of(runs, floor)

    def report() -> int:
        """The gap report: every required (person, skill), streamed (never all in memory)."""
        return sum(1 for _ in skill_states_iter(people=active, required_only=True))

    ms, required = median_of(runs, report)
    grouped_floor_ms, _ = median_of(runs, floor_grouped)
    grouped_ms, groups = median_of(runs, lambda: group_readiness(people=active, by="team"))
    return [
        row(
            "(4) gap report: required states, all people",
            ms,
            floor_ms,
            2.0,
            rows=required,
            floor_rows=floor_count,
        ),
        row(
            "(4) gap report: group_readiness by team",
            grouped_ms,
            grouped_floor_ms,
            2.0,
            rows=len(groups),
        ),
    ]


# --- (5) one reminder sweep ----------------------------------------------------------------

FLOOR_DUE_SQL = """
WITH people(id) AS (
    SELECT p.id FROM readiness_person p JOIN auth_user u ON u.id = p.user_id
     WHERE p.is_active AND u.is_active AND u.email <> ''
),
targets AS ({targets}),
last_self AS (
    SELECT r.person_id, r.skill_id, MAX(r.created_at) AS at
      FROM assessments_skillrating r JOIN people ON people.id = r.person_id
     WHERE r.source = 'self' GROUP BY r.person_id, r.skill_id
),
last_sub AS (
    SELECT s.person_id, MAX(s.submitted_at) AS at
      FROM assessments_assessmentsubmission s GROUP BY s.person_id
)
SELECT t.person_id,
       MIN((GREATEST(ls.at, sub.at) AT TIME ZONE %s)::date
           + COALESCE(sk.reassessment_interval_days, %s)) AS due_on,
       BOOL_OR(ls.at IS NULL AND sub.at IS NULL) AS never
  FROM targets t
  JOIN readiness_skill sk ON sk.id = t.skill_id
  LEFT JOIN last_self ls ON ls.person_id = t.person_id AND ls.skill_id = t.skill_id
  LEFT JOIN last_sub sub ON sub.person_id = t.person_id
 GROUP BY t.person_id
"""


def _warm_up() -> None:
    """What a worker process loads once, before its first sweep: the URLconf (the emails'
    links) and the email templates. The floor has its warm-up call (``median_of``); without
    this, a single run (``--runs 1``) would time the imports of the whole URLconf too."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    from assessments.reminders.state import my_assessment_url

    get_resolver().url_patterns  # noqa: B018 - imports every URL module
    my_assessment_url()
    for name in ("reminder_due", "reminder_overdue", "escalation_digest"):
        for part in ("subject", "body-text", "body-html"):
            get_template(f"emails/{name}-{part}.html")


def reminder_rows(runs: int) -> list[dict]:
    from django.conf import settings
    from django.core import mail
    from django.core.mail.backends import locmem
    from django.db import connection, transaction

    from assessments.reminders.run import reminders_send
    from readiness.selectors import TARGETS_SQL

    sql = FLOOR_DUE_SQL.format(targets=TARGETS_SQL)

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [settings.TIME_ZONE, settings.REASSESSMENT_INTERVAL_DAYS])
            return len(cursor.fetchall())

    def sweep_twice() -> dict:
        """A sweep, then a second one, on a copy of the state (rolled back)."""
        outcome: dict = {}
        try:
            with transaction.atomic():
                mail.outbox = []
                started = time.perf_counter()
                first = reminders_send()
                outcome["first_ms"] = (time.perf_counter() - started) * 1000
                outcome["first"] = first.as_dict()
                outcome["emails"] = len(mail.outbox)
                # What the mail backend itself costs: the same messages delivered again to a
                # locmem backend (it builds each MIME message and deep-copies it).
                sent, mail.outbox = mail.outbox, []
                started = time.perf_counter()
                locmem.EmailBackend().send_messages(sent)
                outcome["delivery_ms"] = (time.perf_counter() - started) * 1000
                del sent
                started = time.perf_counter()
                second = reminders_send()
                outcome["second_ms"] = (time.perf_counter() - started) * 1000
                outcome["second_sent"] = len(second.sent)
                mail.outbox = []
                raise _Rollback
        except _Rollback:
            pass
        vacuum("assessments_reminder")
        return outcome

    floor()  # warm-up
    _warm_up()
    # The floor measured in the same rounds, right before each sweep: on a shared machine the
    # load of the moment then weighs on both.
    floors, sweeps = [], []
    for _ in range(runs):
        started = time.perf_counter()
        floor_count = floor()
        floors.append((time.perf_counter() - started) * 1000)
        sweeps.append(sweep_twice())
    floor_ms = statistics.median(floors)
    first_ms = statistics.median(s["first_ms"] for s in sweeps)
    second_ms = statistics.median(s["second_ms"] for s in sweeps)
    delivery_ms = statistics.median(s["delivery_ms"] for s in sweeps)
    last = sweeps[-1]
    return [
        row(
            f"(5) reminder sweep, {last['first']['people_checked']:,} people",
            first_ms,
            floor_ms,
            2.0,
            emails=last["emails"],
            sent=last["first"]["sent"],
            people_due=last["first"]["people_due"],
            floor_rows=floor_count,
            delivery_ms=round(delivery_ms, 1),
            ratio_without_delivery=round((first_ms - delivery_ms) / floor_ms, 2),
        ),
        row(
            "(5) same sweep again (sends nothing)",
            second_ms,
            floor_ms,
            2.0,
            second_sent=max(s["second_sent"] for s in sweeps),
        ),
    ]
