"""Organizations larger than 10,000 people, fast: the 10,000-person organization copied in
set-based SQL (``INSERT … SELECT`` over ``generate_series``), ``factor − 1`` more times.

Each copy has its own teams (the whole tree, paths rebuilt from the new ids; " (copy n)" after
the names), its own users (``<username>.<n>``, emails ``<n>.<email>``, no groups) and people
(same roles, job titles, activity), its teams' managers, its teams in the cycles that scope
the originals, and every rating and submission of the original people (same skills, levels,
cycles and moments; raters mapped to the copies). Learning plans, concerns and certifications
are not copied: the pages measured read the demo logins' own, which stay as they are.

Copying 2 million ratings nine times takes minutes where ``seed_demo --people 100000`` would
take over an hour. Bench databases only.
"""

from __future__ import annotations

import importlib
import time

from django.db import connection, transaction

from bench.common import log

_LATEST = importlib.import_module("assessments.migrations.0019_latest_ratings")

MAPS_SQL = """
CREATE TEMP TABLE team_map ON COMMIT DROP AS
SELECT t.id AS old_id, k, nextval(pg_get_serial_sequence('readiness_team', 'id')) AS new_id
  FROM readiness_team t CROSS JOIN generate_series(2, %(factor)s) AS k;
CREATE TEMP TABLE user_map ON COMMIT DROP AS
SELECT u.id AS old_id, k, nextval(pg_get_serial_sequence('auth_user', 'id')) AS new_id
  FROM auth_user u JOIN readiness_person p ON p.user_id = u.id
 CROSS JOIN generate_series(2, %(factor)s) AS k;
CREATE TEMP TABLE person_map ON COMMIT DROP AS
SELECT p.id AS old_id, um.k, nextval(pg_get_serial_sequence('readiness_person', 'id')) AS new_id,
       um.new_id AS user_id
  FROM readiness_person p JOIN user_map um ON um.old_id = p.user_id;
CREATE INDEX ON team_map (old_id, k);
CREATE INDEX ON user_map (old_id, k);
CREATE INDEX ON person_map (old_id);
ANALYZE team_map, user_map, person_map;
"""

COPY_SQL = [
    (
        "teams",
        """
INSERT INTO readiness_team (id, name, description, path, depth, parent_id, updated_at)
SELECT m.new_id, t.name || ' (copy ' || m.k || ')', t.description,
       (SELECT '/' || string_agg(pm.new_id::text, '/' ORDER BY o.n) || '/'
          FROM unnest(string_to_array(trim(both '/' from t.path), '/')) WITH ORDINALITY AS o(part, n)
          JOIN team_map pm ON pm.old_id = o.part::bigint AND pm.k = m.k),
       t.depth, parent.new_id, now()
  FROM team_map m JOIN readiness_team t ON t.id = m.old_id
  LEFT JOIN team_map parent ON parent.old_id = t.parent_id AND parent.k = m.k
""",
    ),
    (
        "users",
        """
INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
SELECT m.new_id, u.password, FALSE, u.username || '.' || m.k, u.first_name, u.last_name,
       CASE WHEN u.email = '' THEN '' ELSE m.k || '.' || u.email END, FALSE, u.is_active,
       u.date_joined
  FROM user_map m JOIN auth_user u ON u.id = m.old_id
""",
    ),
    (
        "people",
        """
INSERT INTO readiness_person (id, job_title, is_active, start_date, user_id, role_id, team_id,
                              updated_at)
SELECT m.new_id, p.job_title, p.is_active, p.start_date, m.user_id, p.role_id, tm.new_id, now()
  FROM person_map m JOIN readiness_person p ON p.id = m.old_id
  LEFT JOIN team_map tm ON tm.old_id = p.team_id AND tm.k = m.k
""",
    ),
    (
        "team managers",
        """
INSERT INTO readiness_team_managers (team_id, user_id)
SELECT tm.new_id, um.new_id
  FROM readiness_team_managers x
  JOIN team_map tm ON tm.old_id = x.team_id
  JOIN user_map um ON um.old_id = x.user_id AND um.k = tm.k
""",
    ),
    (
        "cycle scopes",
        """
INSERT INTO assessments_assessmentcycle_teams (assessmentcycle_id, team_id)
SELECT c.assessmentcycle_id, tm.new_id
  FROM assessments_assessmentcycle_teams c JOIN team_map tm ON tm.old_id = c.team_id
""",
    ),
    (
        "submissions",
        """
INSERT INTO assessments_assessmentsubmission (kind, changed_skills, submitted_at, cycle_id,
                                              person_id)
SELECT s.kind, s.changed_skills, s.submitted_at, s.cycle_id, pm.new_id
  FROM assessments_assessmentsubmission s JOIN person_map pm ON pm.old_id = s.person_id
""",
    ),
]

#: The ratings, one copy at a time (each ~2 million rows).
RATINGS_SQL = """
INSERT INTO assessments_skillrating (level, source, interest, note, evidence_url, created_at,
                                     cycle_id, person_id, rated_by_id, skill_id)
SELECT r.level, r.source, r.interest, r.note, r.evidence_url, r.created_at, r.cycle_id,
       pm.new_id, COALESCE(um.new_id, r.rated_by_id), r.skill_id
  FROM assessments_skillrating r
  JOIN person_map pm ON pm.old_id = r.person_id AND pm.k = %s
  LEFT JOIN user_map um ON um.old_id = r.rated_by_id AND um.k = pm.k
"""

#: The copies' latest ratings: their triggers do not fire under ``session_replication_role =
#: replica``, so the table (assessments/models_latest.py) is filled as the migration fills it,
#: from the copies' ratings (those of the people created here).
_COPIED_RATINGS = (
    "(SELECT * FROM assessments_skillrating WHERE person_id IN (SELECT new_id FROM person_map))"
)
LATEST_SQL = f"""
INSERT INTO {_LATEST.TABLE} ({_LATEST.COLUMNS})
{_LATEST.newest_sql(_COPIED_RATINGS)}
"""  # nosec B608 # module-constant SQL


def organization_multiply(*, factor: int) -> dict[str, float]:
    """Copy the organization ``factor − 1`` times (``factor`` 10: 10,000 → 100,000 people)."""
    started = time.perf_counter()
    added: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # The copies are consistent by construction: no foreign-key check per row (deferred,
        # 18 million of them would run at COMMIT for longer than the copy) and no data-version
        # trigger. Bench databases only (the bench connects as the superuser postgres).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(MAPS_SQL, {"factor": factor})
        for name, sql in COPY_SQL:
            cursor.execute(sql)
            added[name] = cursor.rowcount
            log(f"  copied {name}: {cursor.rowcount:,} ({time.perf_counter() - started:.0f} s)")
        added["ratings"] = 0
        for k in range(2, factor + 1):
            cursor.execute(RATINGS_SQL, [k])
            added["ratings"] += cursor.rowcount
            log(
                f"  copied ratings, copy {k}: {cursor.rowcount:,} ({time.perf_counter() - started:.0f} s)"
            )
        cursor.execute(LATEST_SQL)
        added["latest_ratings"] = cursor.rowcount
        log(f"  latest ratings: {cursor.rowcount:,} ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    added["seconds"] = round(time.perf_counter() - started, 1)
    return added
