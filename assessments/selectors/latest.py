"""The latest self and manager rating of each (person, skill) of a ``people(id)`` CTE: the part
of ``states.STATES_SQL`` whose cost is the access path, written for each database."""

from django.db import connection

from readiness.sql import Fragment

#: The newest rating of each (person, skill, source) of ``people``, active skills only, pivoted
#: to one row per (person, skill): latest self level, its moment and interest, latest manager
#: level and its moment. A tie on time goes to the row written last (the higher id). Two
#: spellings of the same rule, because the access path decides the statement's cost:
#: PostgreSQL reads each person's newest ratings straight off the ``rating_latest_lookup``
#: index, (person, skill, source, -created_at, -id) covering level and interest, with
#: ``DISTINCT ON`` per person (an index-only scan in index order, no sort: ~4x faster than
#: ranking every rating of a 50-person team with a window, bench (1)); SQLite, which has
#: neither ``LATERAL`` nor ``DISTINCT ON``, ranks them with a window (the property tests, run
#: on PostgreSQL, hold the first to a naive version; the local SQLite run uses the second).
LATEST_SQL = Fragment("""
    SELECT x.person_id, x.skill_id,
           MAX(CASE WHEN x.source = 'self' THEN x.level END) AS self_level,
           MAX(CASE WHEN x.source = 'self' THEN x.created_at END) AS self_at,
           MAX(CASE WHEN x.source = 'self' THEN x.interest END) AS interest,
           MAX(CASE WHEN x.source = 'manager' THEN x.level END) AS manager_level,
           MAX(CASE WHEN x.source = 'manager' THEN x.created_at END) AS manager_at
      FROM {newest} x
      JOIN readiness_skill s ON s.id = x.skill_id
     WHERE s.is_active
     GROUP BY x.person_id, x.skill_id
""")
#: ``{newest}`` on PostgreSQL: each person's newest rating per (skill, source), in index order.
NEWEST_POSTGRESQL = """people CROSS JOIN LATERAL (
        SELECT DISTINCT ON (r.skill_id, r.source)
               r.person_id, r.skill_id, r.source, r.level, r.created_at, r.interest
          FROM assessments_skillrating r
         WHERE r.person_id = people.id
         ORDER BY r.skill_id, r.source, r.created_at DESC, r.id DESC
      )"""
#: ``{newest}`` elsewhere (SQLite): the same rows, ranked by a window.
NEWEST_WINDOW = """(
        SELECT * FROM (
            SELECT r.person_id, r.skill_id, r.source, r.level, r.created_at, r.interest,
                   ROW_NUMBER() OVER (
                       PARTITION BY r.person_id, r.skill_id, r.source
                       ORDER BY r.created_at DESC, r.id DESC
                   ) AS rn
              FROM people
              JOIN assessments_skillrating r ON r.person_id = people.id
        ) ranked
         WHERE ranked.rn = 1
      )"""


def latest_ratings_sql() -> Fragment:
    """``LATEST_SQL`` for the database in use (it expects a ``people(id)`` CTE)."""
    newest = NEWEST_POSTGRESQL if connection.vendor == "postgresql" else NEWEST_WINDOW
    return LATEST_SQL.fill(newest=newest)
