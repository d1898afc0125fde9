"""The latest self and manager rating of each (person, skill) of a ``people(id)`` CTE: the part
of ``states.STATES_SQL`` whose cost is the access path.

The states read them from ``LatestRating``, the table the database keeps by triggers
(assessments/models_latest.py): one row per (person, skill), so a 50-person team's states read
~2,000 rows off its primary key instead of ranking ~10,000 ratings (bench (1), EXPLAIN
ANALYZE on a loaded machine: the latest-ratings step 6.1 -> 0.6 ms, the statement 11 -> 6 ms).
The ranking of the ratings themselves (``ranked_latest_sql``) stays as the definition the table
is tested equal to."""

from django.db import connection

from readiness.sql import Fragment

#: The pivot of one (person, skill)'s newest rating per source (rows ``x`` of ``source``,
#: ``level``, ``created_at``, ``interest``) into one row: latest self level, its moment and
#: interest, latest manager level and its moment.
PIVOT = """MAX(CASE WHEN x.source = 'self' THEN x.level END) AS self_level,
           MAX(CASE WHEN x.source = 'self' THEN x.created_at END) AS self_at,
           MAX(CASE WHEN x.source = 'self' THEN x.interest END) AS interest,
           MAX(CASE WHEN x.source = 'manager' THEN x.level END) AS manager_level,
           MAX(CASE WHEN x.source = 'manager' THEN x.created_at END) AS manager_at"""

#: The definition (``ranked_latest_sql``): the newest rating of each (person, skill, source) of
#: ``people``, active skills only, pivoted to one row per (person, skill) (``PIVOT``). A tie on
#: time goes to the row written last (the higher id). Two spellings of the same rule, because the
#: access path decided the statement's cost. PostgreSQL reads each person's newest ratings straight
#: off the ``rating_latest_lookup`` index, (person, skill, source, -created_at, -id) covering level
#: and interest, with ``DISTINCT ON`` per person (an index-only scan in index order, no sort: ~4x
#: faster than ranking every rating of a 50-person team with a window, bench (1)), and pivots them
#: per person too: the rows arrive in skill order, so a streaming group per person replaces one
#: hash table over the whole team's rows (bench (1): the latest-ratings step 2.5 -> 2.1 ms).
#: SQLite, which has neither ``LATERAL`` nor ``DISTINCT ON``, ranks them with a window (the
#: property tests, run on PostgreSQL, hold the first to a naive version; the local SQLite run uses
#: the second).
LATEST_POSTGRESQL = Fragment("""
    SELECT people.id AS person_id, x.skill_id, x.self_level, x.self_at, x.interest,
           x.manager_level, x.manager_at
      FROM people CROSS JOIN LATERAL (
        SELECT x.skill_id,
           {pivot}
          FROM (
            SELECT DISTINCT ON (r.skill_id, r.source)
                   r.skill_id, r.source, r.level, r.created_at, r.interest
              FROM assessments_skillrating r
             WHERE r.person_id = people.id
             ORDER BY r.skill_id, r.source, r.created_at DESC, r.id DESC
          ) x
         GROUP BY x.skill_id
      ) x
      JOIN readiness_skill s ON s.id = x.skill_id
     WHERE s.is_active
""").fill(pivot=PIVOT)
#: Elsewhere (SQLite): the same rows, ranked by a window, then pivoted.
LATEST_WINDOW = Fragment("""
    SELECT x.person_id, x.skill_id,
           {pivot}
      FROM (
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
      ) x
      JOIN readiness_skill s ON s.id = x.skill_id
     WHERE s.is_active
     GROUP BY x.person_id, x.skill_id
""").fill(pivot=PIVOT)


#: The same rows read from the kept table, on every database.
LATEST_TABLE = Fragment("""
    SELECT l.person_id, l.skill_id, l.self_level, l.self_at, l.interest, l.manager_level,
           l.manager_at
      FROM people
      JOIN assessments_latestrating l ON l.person_id = people.id
      JOIN readiness_skill s ON s.id = l.skill_id
     WHERE s.is_active
""")


def latest_ratings_sql() -> Fragment:
    """The latest ratings as the states read them (it expects a ``people(id)`` CTE)."""
    return LATEST_TABLE


def ranked_latest_sql() -> Fragment:
    """The latest ratings ranked from the ratings themselves, for the database in use: what
    ``LatestRating`` must equal (the tests' oracle)."""
    return LATEST_POSTGRESQL if connection.vendor == "postgresql" else LATEST_WINDOW
