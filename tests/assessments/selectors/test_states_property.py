"""Property: the set-based SQL rules equal a naive per-person computation on random data."""

import datetime as dt
from typing import NamedTuple

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.learning_records.models import PersonCertification
from assessments.models import AssessmentSubmission, SkillRating
from assessments.selectors import (
    EMPTY_READINESS,
    group_readiness,
    people_readiness,
    person_skill_states,
    readiness_figures,
    skill_readiness,
    skill_states,
    skill_states_iter,
)
from assessments.selectors.own_ratings import latest_self_ratings
from assessments.selectors.states import GridState
from assessments.selectors.team_map_reads import grid_states
from catalog.certifications.models import Certification, CertificationSkill
from readiness.models import (
    Audience,
    AudienceRequirement,
    Person,
    Role,
    RoleRequirement,
    Skill,
    SkillCategory,
    Team,
)
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

levels = st.integers(min_value=0, max_value=4)
targets = st.none() | st.integers(min_value=1, max_value=4)

organization = st.fixed_dictionaries(
    {
        "skills_active": st.lists(st.booleans(), min_size=1, max_size=4),
        "audiences": st.integers(min_value=1, max_value=2),
        # per role: audience index, then a target (or None) per skill slot
        "roles": st.lists(
            st.tuples(st.integers(0, 1), st.lists(targets, min_size=4, max_size=4)),
            min_size=1,
            max_size=3,
        ),
        "audience_targets": st.lists(
            st.lists(targets, min_size=4, max_size=4), min_size=2, max_size=2
        ),
        "everyone_targets": st.lists(targets, min_size=4, max_size=4),
        # per person: role index or None, team index
        "people": st.lists(
            st.tuples(st.none() | st.integers(0, 2), st.integers(0, 1)), min_size=1, max_size=6
        ),
        # ratings: person slot, skill slot, level, source, minute offset (small: ties happen),
        # microseconds (the states carry the timestamps: they must come back exact), interest
        "ratings": st.lists(
            st.tuples(
                st.integers(0, 5),
                st.integers(0, 3),
                levels,
                st.sampled_from(["self", "manager"]),
                st.integers(0, 3),
                st.sampled_from([0, 1, 999_999]),
                st.none() | st.integers(0, 2),
            ),
            max_size=25,
        ),
        # Ties: a self and a manager rating of the same cell at the same instant, later than
        # every rating above (minutes 4-5), so the tie decides the effective level. Random
        # timestamps almost never tie; this makes every example hold at least one.
        # (person slot, skill slot — both taken modulo what exists —, self level, manager
        # level, which of the two rows is inserted first, minute)
        "ties": st.lists(
            st.tuples(
                st.integers(0, 5),
                st.integers(0, 3),
                levels,
                levels,
                st.booleans(),
                st.integers(4, 5),
            ),
            min_size=1,
            max_size=3,
        ),
        # Two curated certifications: counts as a rating or not, and a level (or no link) per
        # skill slot.
        "certifications": st.lists(
            st.tuples(
                st.booleans(), st.lists(st.none() | st.integers(1, 4), min_size=4, max_size=4)
            ),
            min_size=2,
            max_size=2,
        ),
        # People's certifications: person slot, certification slot, source, verified by a
        # manager, earned minute (None: unknown, the recorded minute stands in), recorded
        # minute — minutes 0-5 like the ratings (ties happen) —, expiry in minutes from now
        # (None: never; -2..2: lapsed before now, at now — no longer counts — or still on).
        "held": st.lists(
            st.tuples(
                st.integers(0, 5),
                st.integers(0, 1),
                st.sampled_from(["transcript", "manual", "badge"]),
                st.booleans(),
                st.none() | st.integers(0, 5),
                st.integers(0, 5),
                st.none() | st.integers(-2, 2),
            ),
            max_size=6,
        ),
        # The states are "as of now": now is this minute (6-9), after every rating.
        "as_of": st.integers(6, 9),
    }
)


def in_seconds(state):
    """``state`` (a ``SkillState``) as ``grid_states`` reads it, spelled out naively."""
    seconds = [None if m is None else m.timestamp() for m in (state[5], state[7], state[15])]
    return GridState(*state[:5], seconds[0], state[6], seconds[1], *state[8:15], seconds[2])


def _minute(offset):
    return BASE + dt.timedelta(minutes=offset)


def naive_certification_events(held, links, counts, as_of):
    """README "The rules", a certification that counts as a rating, read literally: each
    trusted one (not manual, or manual and verified) of a certification that counts, active
    now (earned — else recorded — at or before now, expiring after now) is a manager rating of
    each skill it evidences at its level, dated when earned."""
    events = []
    for pc in held:
        if not counts[pc.certification_id]:
            continue
        if pc.source == "manual" and pc.verified_at is None:
            continue
        at = pc.earned_at or pc.recorded_at
        if at > as_of or (pc.expires_at is not None and pc.expires_at <= as_of):
            continue
        for skill_id, level in links[pc.certification_id].items():
            events.append((pc.person_id, skill_id, level, at, pc.pk, pc.name, pc.expires_at))
    return events


def naive_states(
    people, skills, role_targets, audience_targets, everyone_targets, ratings, cert_events=()
):
    """DESIGN.md's rules read literally, one person at a time."""
    result = {}
    for person in people:
        for skill in skills:
            if not skill.is_active:
                continue
            candidates = [everyone_targets.get(skill.pk)]
            if person.role_id is not None:
                candidates.append(role_targets.get((person.role_id, skill.pk)))
                candidates.append(audience_targets.get((person.role.audience_id, skill.pk)))
            candidates = [c for c in candidates if c is not None]
            target = max(candidates) if candidates else None
            mine = [r for r in ratings if r.person_id == person.pk and r.skill_id == skill.pk]
            # The manager's timeline: their ratings and the certifications counting as one; a
            # real rating wins a tie with a certification.
            manager_events = [
                _Event(r.level, r.created_at, (r.created_at, 1, r.pk), None, None)
                for r in mine
                if r.source == "manager"
            ] + [
                _Event(level, at, (at, 0, pk), name, until)
                for pid, sid, level, at, pk, name, until in cert_events
                if pid == person.pk and sid == skill.pk
            ]
            self_r = max(
                (r for r in mine if r.source == "self"),
                key=lambda r: (r.created_at, r.pk),
                default=None,
            )
            manager_r = max(manager_events, key=lambda e: e.key, default=None)
            if target is None and self_r is None and manager_r is None:
                continue
            if manager_r and (self_r is None or manager_r.created_at >= self_r.created_at):
                level = manager_r.level
            else:
                level = self_r.level if self_r else None
            if target is None:
                gap = 0
            elif level is None:
                gap = target
            else:
                gap = max(0, target - level)
            result[(person.pk, skill.pk)] = (
                target,
                level,
                gap,
                target is not None and level is None,
                target is not None and level is not None and level >= target,
                # Awaiting review: a self level newer than the manager's and different.
                bool(
                    self_r
                    and (
                        manager_r is None
                        or (
                            self_r.created_at > manager_r.created_at
                            and self_r.level != manager_r.level
                        )
                    )
                ),
                bool(self_r and manager_r and abs(self_r.level - manager_r.level) >= 2),
                # What the states carry of the latest ratings themselves.
                self_r.level if self_r else None,
                self_r.created_at if self_r else None,
                self_r.interest if self_r else None,
                manager_r.level if manager_r else None,
                manager_r.created_at if manager_r else None,
                manager_r.certification if manager_r else None,
                manager_r.until if manager_r else None,
            )
    return result


class _Event(NamedTuple):
    level: int
    created_at: dt.datetime
    key: tuple
    certification: str | None
    until: dt.datetime | None


# max_examples comes from the profile (tests/conftest.py: "ci" 60, derandomized; "nightly" 600).
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(org=organization)
def test_set_based_rules_equal_naive_rules(org, time_machine):
    as_of = BASE + dt.timedelta(minutes=org["as_of"])
    time_machine.move_to(as_of, tick=False)
    with transaction.atomic():
        # Start from a blank framework inside this example's savepoint.
        AudienceRequirement.objects.all().delete()
        RoleRequirement.objects.all().delete()
        category = SkillCategory.objects.create(name="P", slug="p-cat")
        skills = [
            Skill.objects.create(name=f"P{i}", slug=f"p-{i}", category=category, is_active=active)
            for i, active in enumerate(org["skills_active"])
        ]
        everyone = Audience.objects.filter(is_everyone=True).first() or Audience.objects.create(
            name="Everyone", slug="everyone", is_everyone=True
        )
        audiences = [
            Audience.objects.create(name=f"PA{i}", slug=f"pa-{i}") for i in range(org["audiences"])
        ]
        roles = [
            Role.objects.create(
                name=f"PR{i}", slug=f"pr-{i}", audience=audiences[a % len(audiences)]
            )
            for i, (a, _) in enumerate(org["roles"])
        ]
        role_targets, audience_targets, everyone_targets = {}, {}, {}
        for role, (_, per_skill) in zip(roles, org["roles"], strict=True):
            for skill, target in zip(skills, per_skill, strict=False):
                if target is not None:
                    RoleRequirement.objects.create(role=role, skill=skill, target_level=target)
                    role_targets[(role.pk, skill.pk)] = target
        for audience, per_skill in zip(audiences, org["audience_targets"], strict=False):
            for skill, target in zip(skills, per_skill, strict=False):
                if target is not None:
                    AudienceRequirement.objects.create(
                        audience=audience, skill=skill, target_level=target
                    )
                    audience_targets[(audience.pk, skill.pk)] = target
        for skill, target in zip(skills, org["everyone_targets"], strict=False):
            if target is not None:
                AudienceRequirement.objects.create(
                    audience=everyone, skill=skill, target_level=target
                )
                everyone_targets[skill.pk] = target
        teams = [Team.objects.create(name=f"PT{i}") for i in range(2)]
        people = []
        for i, (role_index, team_index) in enumerate(org["people"]):
            role = roles[role_index % len(roles)] if role_index is not None else None
            user = UserFactory(username=f"prop-{i}")
            people.append(Person.objects.create(user=user, role=role, team=teams[team_index]))
        ratings = []
        for person_slot, skill_slot, level, source, minutes, micros, interest in org["ratings"]:
            if person_slot >= len(people) or skill_slot >= len(skills):
                continue
            ratings.append(
                SkillRating.objects.create(
                    person=people[person_slot],
                    skill=skills[skill_slot],
                    level=level,
                    source=source,
                    interest=interest,
                    created_at=BASE + dt.timedelta(minutes=minutes, microseconds=micros),
                )
            )

        active = [skill for skill in skills if skill.is_active] or skills
        for person_slot, skill_slot, self_level, manager_level, manager_first, minutes in org[
            "ties"
        ]:
            at = BASE + dt.timedelta(minutes=minutes)
            pair = [("self", self_level), ("manager", manager_level)]
            for source, level in reversed(pair) if manager_first else pair:
                ratings.append(
                    SkillRating.objects.create(
                        person=people[person_slot % len(people)],
                        skill=active[skill_slot % len(active)],
                        level=level,
                        source=source,
                        created_at=at,
                    )
                )

        provider = ProviderFactory()
        certifications, links, counts = [], {}, {}
        for i, (counts_as_rating, per_skill) in enumerate(org["certifications"]):
            certification = Certification.objects.create(
                name=f"PC-{i}", provider=provider, counts_as_rating=counts_as_rating
            )
            certifications.append(certification)
            counts[certification.pk] = counts_as_rating
            links[certification.pk] = {}
            for skill, level in zip(skills, per_skill, strict=False):
                if level is not None:
                    CertificationSkill.objects.create(
                        certification=certification, skill=skill, level=level
                    )
                    links[certification.pk][skill.pk] = level
        held, seen = [], set()
        for person_slot, cert_slot, source, verified, earned, recorded, expires in org["held"]:
            person = people[person_slot % len(people)]
            if (person.pk, source, cert_slot) in seen:
                continue  # one per person, source and name
            seen.add((person.pk, source, cert_slot))
            held.append(
                PersonCertification.objects.create(
                    person=person,
                    certification=certifications[cert_slot],
                    name=certifications[cert_slot].name,
                    source=source,
                    verified_at=_minute(1) if verified else None,
                    earned_at=None if earned is None else _minute(earned),
                    recorded_at=_minute(recorded),
                    expires_at=None if expires is None else _minute(org["as_of"] + expires),
                )
            )

        scope = Person.objects.filter(pk__in=[p.pk for p in people])
        expected = naive_states(
            people,
            skills,
            role_targets,
            audience_targets,
            everyone_targets,
            ratings,
            naive_certification_events(held, links, counts, as_of),
        )
        states = skill_states(people=scope)
        actual = {
            (s.person_id, s.skill_id): (
                s.target,
                s.level,
                s.gap,
                s.not_assessed,
                s.at_target,
                s.awaiting_review,
                s.calibration_flag,
                s.self_level,
                s.self_at,
                s.interest,
                s.manager_level,
                s.manager_at,
                s.certification,
                s.certification_until,
            )
            for s in states
        }
        assert actual == expected
        assert all(
            moment is None or moment.utcoffset() == dt.timedelta(0)
            for s in states
            for moment in (s.self_at, s.manager_at, s.certification_until)
        )
        # Ordered by person then skill; the streamed states are the same, required-only the
        # required ones.
        assert [(s.person_id, s.skill_id) for s in states] == sorted(actual)
        assert list(skill_states_iter(people=scope, chunk_size=2)) == states
        # The team grids' read: the same states, each moment in Unix seconds as timestamp()
        # gives it (PostgreSQL's date_part; elsewhere converted).
        assert sorted(
            grid_states(people=[person.pk for person in people]), key=lambda s: s[:2]
        ) == [in_seconds(state) for state in states]
        assert skill_states(people=scope, required_only=True) == [
            s for s in states if s.target is not None
        ]
        # What a save compares its entries with: the states' self level and interest.
        for person in people:
            assert latest_self_ratings(
                person_id=person.pk, skill_ids=[skill.pk for skill in skills]
            ) == {
                s.skill_id: (s.self_level, s.interest)
                for s in states
                if s.person_id == person.pk and s.self_level is not None
            }

        # Aggregates agree with the naive pairs too.
        per_person = people_readiness(people=scope)
        for person in people:
            required = [v for (pid, _), v in expected.items() if pid == person.pk and v[0]]
            if not required:
                assert person.pk not in per_person
                continue
            figures = per_person[person.pk]
            assert figures.required == len(required)
            assert figures.at_target == sum(v[4] for v in required)
            assert figures.total_gap == sum(v[2] for v in required)
            assert figures.not_assessed == sum(v[3] for v in required)
        overall = group_readiness(people=scope, by="all").get(0)
        ready_people = sum(f.people_ready for f in per_person.values())
        assert (overall.people_ready if overall else 0) == ready_people
        # The team map's one statement gives the same three figures.
        assert readiness_figures(people=scope) == (
            per_person,
            skill_readiness(people=scope),
            overall or EMPTY_READINESS,
        )
        transaction.set_rollback(True)


# --- Confirmations and re-saves change nothing -------------------------------------------------

#: One step of a person's life: a self-assessment of one skill (level, interest), a manager
#: rating, "nothing changed", a re-save of the form as it stands, or that re-save inside an
#: open cycle. Each step happens 0 or 1 minute after the previous (ties happen).
steps = st.lists(
    st.tuples(
        st.sampled_from(["self", "manager", "confirm", "resave", "cycle"]),
        st.integers(0, 1),
        levels,
        st.none() | st.integers(0, 2),
        st.integers(0, 1),
    ),
    min_size=1,
    max_size=14,
)


def naive_after(history):
    """(effective level, awaiting review) per skill from the rows the rule lets be written:
    DESIGN.md read literally."""
    result = {}
    for skill_id, rows in history.items():
        latest = {}
        for source in ("self", "manager"):
            latest[source] = max(
                (r for r in rows if r[0] == source), key=lambda r: (r[3], r[4]), default=None
            )
        self_r, manager_r = latest["self"], latest["manager"]
        if manager_r and (self_r is None or manager_r[3] >= self_r[3]):
            level = manager_r[1]
        else:
            level = self_r[1] if self_r else None
        awaiting = bool(
            self_r
            and (manager_r is None or (self_r[3] > manager_r[3] and self_r[1] != manager_r[1]))
        )
        result[skill_id] = (level, awaiting)
    return result


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_confirmations_and_resaves_change_no_level_and_no_review(sequence, time_machine):
    from assessments.services.me import (
        RatingInput,
        manager_ratings_record,
        self_assessment_confirm,
        self_assessment_submit,
    )
    from tests.factories import AssessmentCycleFactory, PersonFactory, SkillFactory

    with transaction.atomic():
        person, manager = PersonFactory(), UserFactory()
        skills = [SkillFactory(), SkillFactory()]
        cycle = AssessmentCycleFactory()
        history: dict[int, list] = {skill.pk: [] for skill in skills}  # (source, level, ...)
        now = BASE
        for index, (kind, slot, level, interest, minutes) in enumerate(sequence):
            now += dt.timedelta(minutes=minutes)
            time_machine.move_to(now, tick=False)
            skill = skills[slot]
            before = naive_after(history)
            rows_before = SkillRating.objects.count()
            current = [
                (skill_id, latest[1], latest[2])
                for skill_id, rows in history.items()
                if (
                    latest := max(
                        (r for r in rows if r[0] == "self"),
                        key=lambda r: (r[3], r[4]),
                        default=None,
                    )
                )
            ]
            if kind == "self":
                self_assessment_submit(
                    person=person,
                    user=person.user,
                    entries=[RatingInput(skill.pk, level, interest=interest)],
                )
                mine = [r for r in history[skill.pk] if r[0] == "self"]
                last = max(mine, key=lambda r: (r[3], r[4]), default=None)
                if last is None or (last[1], last[2]) != (level, interest):
                    history[skill.pk].append(("self", level, interest, now, index))
            elif kind == "manager":
                manager_ratings_record(
                    manager=manager,
                    entries=[RatingInput(skill.pk, level, person_id=person.pk)],
                )
                history[skill.pk].append(("manager", level, None, now, index))
            elif kind == "confirm":
                self_assessment_confirm(person=person, user=person.user, cycle=cycle)
            else:
                self_assessment_submit(
                    person=person,
                    user=person.user,
                    cycle=cycle if kind == "cycle" else None,
                    entries=[RatingInput(pk, lvl, interest=i) for pk, lvl, i in current],
                )
            expected = naive_after(history)
            states = person_skill_states(person=person)
            actual = {
                pk: (states[pk].level, states[pk].awaiting_review)
                if pk in states
                else (None, False)
                for pk in history
            }
            assert actual == expected
            if kind in ("confirm", "resave", "cycle"):
                # Nothing of the effective levels nor of the review queue moved, and no row.
                assert expected == before
                assert SkillRating.objects.count() == rows_before
        assert AssessmentSubmission.objects.filter(person=person).count() == sum(
            kind != "manager" for kind, *_ in sequence
        )
        transaction.set_rollback(True)
