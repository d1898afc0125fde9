"""The issue's organization size on top of ``seed_demo``: 40 skills and ~2 million ratings.

``seed_demo --people 10000`` gives 16 skills and ~300,000 ratings. ``organization_scale_up``
adds skills up to ``skills`` (each required of some roles) and, in set-based SQL (one
``INSERT … SELECT`` per cycle), self and manager ratings of every active person on every
skill they have not rated in each of the three closed cycles. Bench databases only.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

SKILLS_SQL = """
INSERT INTO readiness_skill (name, slug, description, descriptor_0, descriptor_1, descriptor_2,
                             descriptor_3, descriptor_4, is_active, reassessment_interval_days,
                             "order", category_id)
SELECT 'Bench skill ' || n, 'bench-skill-' || n, 'Generated for the benchmark.', '', '', '', '',
       '', TRUE, NULL, 100 + n,
       (SELECT id FROM readiness_skillcategory ORDER BY id OFFSET (n %% 5) LIMIT 1)
  FROM generate_series(1, %s) AS n
"""

#: Each added skill is required of about a third of the roles, at target 1 to 3.
REQUIREMENTS_SQL = """
INSERT INTO readiness_rolerequirement (target_level, importance, role_id, skill_id)
SELECT 1 + (s.id + r.id) %% 3, 'essential', r.id, s.id
  FROM readiness_skill s CROSS JOIN readiness_role r
 WHERE s.slug LIKE 'bench-skill-%%' AND (s.id + r.id) %% 3 = 0
ON CONFLICT DO NOTHING
"""

#: One cycle's ratings on every skill a person has not rated in it: a self rating from 90% of the people, a manager
#: rating (by a manager of their team) for 85% of those, a few days later.
RATINGS_SQL = """
WITH cycle AS (SELECT id, opens_on FROM assessments_assessmentcycle WHERE id = %s),
managers AS (SELECT team_id, MIN(user_id) AS user_id FROM readiness_team_managers
              GROUP BY team_id),
pairs AS (
    SELECT p.id AS person_id, p.user_id, m.user_id AS manager_id, s.id AS skill_id,
           LEAST(4, GREATEST(0, ((p.id * 7 + s.id * 13 + %s) %% 5)))::smallint AS level,
           random() AS roll, (c.opens_on + make_interval(days => (p.id %% 14)::int))::timestamptz
               + make_interval(hours => (9 + s.id %% 8)::int) AS at
      FROM readiness_person p
      CROSS JOIN readiness_skill s
      CROSS JOIN cycle c
      LEFT JOIN managers m ON m.team_id = p.team_id
     WHERE p.is_active AND s.is_active
       AND NOT EXISTS (SELECT 1 FROM assessments_skillrating r
                        WHERE r.person_id = p.id AND r.skill_id = s.id AND r.cycle_id = c.id)
)
INSERT INTO assessments_skillrating (level, source, interest, note, evidence_url, created_at,
                                     cycle_id, person_id, rated_by_id, skill_id)
SELECT level, 'self', (person_id + skill_id) %% 3, '', '', at, %s, person_id, user_id, skill_id
  FROM pairs WHERE roll < 0.9
UNION ALL
SELECT GREATEST(0, level - (person_id %% 2))::smallint, 'manager', NULL, '', '',
       at + interval '3 days', %s, person_id, manager_id, skill_id
  FROM pairs WHERE roll < 0.9 * 0.85 AND manager_id IS NOT NULL
"""


def organization_scale_up(*, skills: int = 40) -> dict[str, float]:
    """Add skills up to ``skills`` active ones, their requirements and three cycles of
    ratings on them. Returns what it added and how long it took."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM readiness_skill WHERE is_active")
        missing = skills - cursor.fetchone()[0]
        if missing <= 0:
            return {"skills_added": 0, "ratings_added": 0, "seconds": 0.0}
        cursor.execute(SKILLS_SQL, [missing])
        cursor.execute(REQUIREMENTS_SQL, [])
        cursor.execute(
            "SELECT id FROM assessments_assessmentcycle WHERE status = 'closed' ORDER BY opens_on"
        )
        added = 0
        for index, (cycle_id,) in enumerate(cursor.fetchall()):
            cursor.execute(RATINGS_SQL, [cycle_id, index, cycle_id, cycle_id])
            added += cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "skills_added": missing,
        "ratings_added": added,
        "seconds": round(time.perf_counter() - started, 1),
    }
