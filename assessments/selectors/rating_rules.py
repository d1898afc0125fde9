"""The rating rules written as SQL, one place each: the effective level of a self and a
manager rating, the certifications that count as a manager rating, and a person's rating of a
skill as of a moment. ``states.STATES_SQL`` and the effectiveness reads
(``selectors.catalog``) are built from them."""

from __future__ import annotations

from typing import NamedTuple

from readiness.sql import Fragment


def effective_level_sql(
    *, self_level: str, self_at: str, manager_level: str, manager_at: str, newest: bool = True
) -> Fragment:
    """The effective level rule (DESIGN "Effective level"), the one place it is written: of a
    person's latest self rating and latest manager rating of a skill (as of a date, see
    ``rating_as_of_sql``), the more recent one counts, a manager rating winning a tie; no
    rating → NULL (not assessed). With ``newest=False`` it picks among their *first* ratings
    after a date the earlier one (a manager rating still winning a tie): the "first rating
    after" of training effectiveness. The arguments are SQL expressions of the four values."""
    wins = ">=" if newest else "<="
    return Fragment(
        f"(CASE WHEN {manager_at} IS NOT NULL"
        f" AND ({self_at} IS NULL OR {manager_at} {wins} {self_at})"
        f" THEN {manager_level} ELSE {self_level} END)"
    )


def certification_ratings_sql(*, as_of: Fragment | str | None) -> Fragment:
    """Certifications as manager ratings (README "Certifications in the rules"), the one place
    it is written: one row (id of the person's certification,
    person_id, skill_id, level, created_at, expires_at, name) per skill evidenced by a person's
    *trusted* certification — any source but "manual" is verified upstream (transcript, Open
    Badge); a manual one once a manager verified it — of a certification the curator made count
    as a rating, *active* at ``as_of`` (an SQL expression; None: whenever): earned
    (``earned_at``, else ``recorded_at``: that date is the rating's) at or before it, expiring
    strictly after it. Rides the person_id index of the person's certifications."""
    active = Fragment(
        " AND COALESCE(pc.earned_at, pc.recorded_at) <= {as_of}"
        " AND (pc.expires_at IS NULL OR pc.expires_at > {as_of})"
    )
    return Fragment(
        "SELECT pc.id, pc.person_id, cs.skill_id, cs.level,"
        " COALESCE(pc.earned_at, pc.recorded_at) AS created_at, pc.expires_at, c.name"
        " FROM assessments_personcertification pc"
        " JOIN catalog_certification c ON c.id = pc.certification_id"
        " JOIN catalog_certificationskill cs ON cs.certification_id = c.id"
        " WHERE c.counts_as_rating AND (pc.source <> %s OR pc.verified_at IS NOT NULL){active}",
        ("manual",),
    ).fill(active=active.fill(as_of=as_of) if as_of is not None else "")


def rating_as_of_sql(
    *, source: str, person: str, skill: str, before: str | None = None, after: str | None = None
) -> Fragment:
    """A correlated look-up of the key of the person's latest ``source`` rating of the skill
    strictly before ``before`` (or, with ``after``, their first one strictly after it), for
    ``effective_level_sql``; join it with ``rating_by_key_sql``. Rides the (person, skill,
    source, -created_at) index; a tie on time goes to the row written last (first, with
    ``after``), as in the states' ranking. The manager's timeline holds the certifications that
    count as a rating too (``certification_ratings_sql``, active at the bound; with ``after``,
    the first one earned after it), a real rating winning a tie with one, as in the states:
    their key is minus the person's certification's id (a rating's is its id)."""
    if (before is None) == (after is None):
        raise ValueError("give exactly one of before / after")
    bound, order = (f"< {before}", "DESC") if before is not None else (f"> {after}", "ASC")
    where = (
        f" WHERE r.person_id = {person} AND r.skill_id = {skill} AND r.source = %s"
        f" AND r.created_at {bound}"
    )
    if source != "manager":
        return Fragment(
            f"(SELECT r.id FROM assessments_skillrating r{where}"  # nosec B608 # column names from our code; values as parameters
            f" ORDER BY r.created_at {order}, r.id {order} LIMIT 1)",
            (source,),
        )
    # Active at the bound (before); earned after it and not expired on the day (after).
    lapsed = "" if before is not None else " AND (c.expires_at IS NULL OR c.expires_at > c.at)"
    return Fragment(
        "(SELECT u.k FROM ("
        f"SELECT r.id AS k, r.id AS tie, r.created_at AS at, 0 AS by_certification"  # nosec B608 # column names from our code; values as parameters
        f" FROM assessments_skillrating r{where}"
        " UNION ALL"
        " SELECT -c.id, c.id, c.at, 1 FROM ("
        "SELECT id, person_id, skill_id, created_at AS at, expires_at FROM ({certifications}) x"
        f") c WHERE c.person_id = {person} AND c.skill_id = {skill} AND c.at {bound}{lapsed}"
        f") u ORDER BY u.at {order}, u.by_certification ASC, u.tie {order} LIMIT 1)",
        (source,),
    ).fill(certifications=certification_ratings_sql(as_of=before))


class RatingByKey(NamedTuple):
    """``rating_by_key_sql``: the joins, and the level and time of the rating they found."""

    joins: Fragment
    level: str
    at: str


def rating_by_key_sql(*, alias: str, key: str, skill: str) -> RatingByKey:
    """The rating a ``rating_as_of_sql`` key names (a rating, or a certification counting as
    one: minus its id), as LEFT JOINs under ``alias`` (and ``{alias}_c``), for
    ``effective_level_sql``. ``key`` and ``skill`` are SQL expressions of the outer row."""
    joins = Fragment(
        f" LEFT JOIN assessments_skillrating {alias} ON {alias}.id = {key}"
        f" LEFT JOIN ({{certifications}}) {alias}_c"
        f" ON {alias}_c.id = -{key} AND {alias}_c.skill_id = {skill}"
    ).fill(certifications=certification_ratings_sql(as_of=None))
    return RatingByKey(
        joins,
        f"COALESCE({alias}.level, {alias}_c.level)",
        f"COALESCE({alias}.created_at, {alias}_c.created_at)",
    )
