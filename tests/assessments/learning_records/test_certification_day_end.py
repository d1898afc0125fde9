"""A certification whose expiry is a date (typed by hand, a badge's) is held the whole of that
day, to its last instant, and lapsed from the next midnight (the organization's time zone) —
the same for every reader: the person's certifications (/me/ and the team's Certifications
page), the states (/me/'s ratings and the team map's cells), the team's coverage in the API,
and the expiry reminders. 23:59 used to drop the day's last minute."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from assessments.learning_records.reminders import certification_reminders_send
from assessments.learning_records.selectors import person_certifications
from assessments.selectors import person_skill_states, skill_states
from tests.factories import certification_counted_as_rating

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")  # the organization's time zone (settings.TIME_ZONE)
LAST_DAY = dt.date(2027, 1, 15)


def _at(day: dt.date, *clock: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(*clock), tzinfo=PARIS)


MOMENTS = pytest.mark.parametrize(
    ("moment", "held"),
    [
        (_at(LAST_DAY, 0, 0), True),
        (_at(LAST_DAY, 23, 59, 30), True),  # lapsed with 23:59
        (_at(LAST_DAY, 23, 59, 59, 999_000), True),
        (_at(LAST_DAY + dt.timedelta(days=1), 0, 0), False),
    ],
    ids=["day-start", "last-minute", "last-millisecond", "next-midnight"],
)


@pytest.fixture
def held_until_last_day(make_team_org, settings) -> tuple:
    """A team member's certification entered by hand, expiring on ``LAST_DAY``, its proof
    checked by their manager; the curator made it count as a level-3 rating of a skill."""
    settings.CERTIFICATION_REMINDER_DAYS = [60, 30, 7]
    org = make_team_org(people=1, skills=1, rated=False)
    person, skill = org.people[0], org.skills[0]
    certification_counted_as_rating(
        person=person,
        skill=skill,
        checked_by=org.manager,
        earned_on=dt.date(2026, 1, 15),
        expires_on=LAST_DAY,
    )
    return org, person, skill


@MOMENTS
def test_the_pages_and_the_map_hold_it_to_the_days_end(
    held_until_last_day, time_machine, moment, held
) -> None:
    org, person, skill = held_until_last_day
    time_machine.move_to(moment, tick=False)
    (certification,) = person_certifications(person=person)
    assert certification.status == ("expiring" if held else "expired")
    mine = person_skill_states(person=person)[skill.pk]
    cells = skill_states(people=[p.pk for p in org.people])  # the map's cells
    (cell,) = [state for state in cells if state.skill_id == skill.pk]
    for state in (mine, cell):
        assert (state.level, state.certification) == (
            (3, "Agent Builder") if held else (None, None)
        )
        until = state.certification_until
        assert (until.astimezone(PARIS).date() if until else None) == (LAST_DAY if held else None)


@MOMENTS
def test_the_api_counts_it_held_to_the_days_end(held_until_last_day, time_machine, moment, held):
    org, _, _ = held_until_last_day
    time_machine.move_to(moment, tick=False)
    api = APIClient()
    api.force_authenticate(org.manager)
    body = api.get(f"/api/v1/teams/{org.team.pk}/certifications/").json()
    figures = {"name": "Agent Builder", "held": 1, "expiring": 1, "lapsed": 0}
    if not held:
        figures |= {"held": 0, "expiring": 0, "lapsed": 1}
    assert body["certifications"] == [figures]


@MOMENTS
def test_a_reminder_goes_out_to_the_days_end(
    held_until_last_day, time_machine, moment, held, mailoutbox
) -> None:
    time_machine.move_to(moment, tick=False)
    sent = certification_reminders_send(today=moment.date()).sent
    assert len(sent) == (1 if held else 0)
    if held:
        assert mailoutbox[0].subject == (
            'Your certification "Agent Builder" expires on 15 January 2027'
        )
        assert "in 0 days" in mailoutbox[0].body


def test_the_day_ends_at_the_next_midnight_where_the_clocks_go_back_then(settings) -> None:
    """In Santiago the clocks go back at midnight on 4 April 2027 (-03 to -04): 23:59:59.999999
    of the 3rd happens twice, and the day ends at the second (04:00 UTC), not an hour early."""
    from assessments.learning_records.verified import day_end, day_start

    settings.TIME_ZONE = "America/Santiago"
    end = day_end(dt.date(2027, 4, 3))
    assert end == dt.datetime(2027, 4, 4, 3, 59, 59, 999_999, tzinfo=dt.UTC)
    assert day_start(dt.date(2027, 4, 4)) - end == dt.timedelta(microseconds=1)
    settings.TIME_ZONE = "Europe/Paris"  # an ordinary day: its wall clock's last instant
    assert day_end(LAST_DAY) == dt.datetime.combine(LAST_DAY, dt.time.max, tzinfo=PARIS)
