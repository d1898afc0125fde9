"""Person data versions (readiness/data_version.py, readiness/caching.py ``Shows``): a write of a
person's own rows moves that person's version only. Each kind of write, made through the real
views and API, must show at the next visit on every kept page that shows it — the person's
``/me/``, their page as their manager sees it, their team's map — each then equal to the same
page built with the cache off; and must leave kept what does not show it (a team-mate's
``/me/``, another team's map).

These tests commit (``transaction=True``): nothing is kept inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.learning_records.models import PersonCertification
from assessments.models import LearningPlanItem, SkillRating
from assessments.services.me import self_assessment_version
from catalog.models import Certification, CertificationSkill
from readiness.caching import data_version, kept_clear
from readiness.data_version import (
    PERSON_TRIGGER,
    data_changes_compact,
    person_tables,
    scoped_version,
    tables_without_triggers,
    tracked_tables,
)
from readiness.models import PersonChange
from tests.assessments.team_posts import editor_form, editor_post
from tests.factories import ProviderFactory, SkillRatingFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.READINESS_CACHE = True
    settings.TEAM_MAP_VISIBLE_TO_MEMBERS = True
    kept_clear()


def _client(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def visit(user, url: str) -> tuple[str, int]:  # noqa: ANN001
    """The page (its CSRF tokens out) and the number of queries of a GET by ``user``."""
    client = _client(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return CSRF_VALUE.sub(r"\1token\2", response.content.decode()), len(queries)


def built(user, url: str) -> str:  # noqa: ANN001
    with override_settings(READINESS_CACHE=False):
        return visit(user, url)[0]


# --- The writes, each through a view or the API, as the person or their manager -------------


def api_self_rating(org) -> None:  # noqa: ANN001
    body = {"ratings": [{"skill": org.skills[0].pk, "level": 4, "note": "api"}]}
    response = _client(org.person.user).post(
        "/api/v1/ratings/self-assessment/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content


def form_self_rating(org) -> None:  # noqa: ANN001
    data = {
        "version": self_assessment_version(person=org.person),
        f"s{org.skills[1].pk}-level": 3,
    }
    response = _client(org.person.user).post(reverse("assessments:my-assessment"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def manager_rating_in_the_editor(org) -> None:  # noqa: ANN001
    client = _client(org.manager)
    data = editor_form(client, org.team)
    data[f"c-{org.person.pk}-{org.skills[0].pk}"] = "3"
    assert editor_post(client, org.team, data).status_code == 302


def confirmation(org) -> None:  # noqa: ANN001
    response = _client(org.person.user).post(reverse("assessments:my-assessment-confirm"))
    assert response.status_code == 302


def plan_item_added(org) -> None:  # noqa: ANN001
    response = _client(org.person.user).post(
        reverse("assessments:my-plan-add"),
        {"resource": org.resources[0].pk, "skill": org.skills[0].pk},
    )
    assert response.status_code == 302
    assert LearningPlanItem.objects.filter(person=org.person).exists()


def plan_item_started(org) -> None:  # noqa: ANN001
    item = LearningPlanItem.objects.get(person=org.person)
    response = _client(org.person.user).post(
        reverse("assessments:my-plan-item-action", args=[item.pk, "start"])
    )
    assert response.status_code == 302


def certification_entered(org) -> None:  # noqa: ANN001
    response = _client(org.person.user).post(
        reverse("assessments:my-certification-add"),
        {"name": "Azure AI Engineer", "number": "A-1", "earned_on": "2026-01-05"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def counting_certification_entered(org) -> None:  # noqa: ANN001
    """A certification the curators made count as a rating of a skill, entered by hand: it
    counts once a manager verified it."""
    curated = Certification.objects.create(
        name="Certified Prompt Engineer",
        provider=ProviderFactory(),
        validity_months=60,
        counts_as_rating=True,
    )
    CertificationSkill.objects.create(certification=curated, skill=org.skills[2], level=4)
    response = _client(org.person.user).post(
        reverse("assessments:my-certification-add"),
        {"name": curated.name, "number": "P-1", "earned_on": "2026-01-05"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def certification_verified_by_the_manager(org) -> None:  # noqa: ANN001
    row = PersonCertification.objects.get(person=org.person)
    response = _client(org.manager).post(
        reverse("assessments:person-certification-verify", args=[org.person.pk, row.pk])
    )
    assert response.status_code == 302
    assert PersonCertification.objects.get(pk=row.pk).verified_at is not None


ME, PERSON_PAGE, MAP = "me", "person page", "map"
#: Each write and the kept pages of the person that show it (all of them are checked equal to
#: the page built, whether or not they show it).
WRITES: list[tuple[Callable, set[str], Callable | None]] = [
    (api_self_rating, {ME, PERSON_PAGE, MAP}, None),
    (form_self_rating, {ME, PERSON_PAGE, MAP}, None),
    (manager_rating_in_the_editor, {ME, PERSON_PAGE, MAP}, None),
    (confirmation, {ME, PERSON_PAGE}, None),
    (plan_item_added, {ME}, None),  # "in your plan", on the person's own page
    (plan_item_started, set(), plan_item_added),  # still "in your plan"
    (certification_entered, {PERSON_PAGE}, None),  # shown to their manager
    # Now a manager rating of its skill: the person's level, gap and the map's cell change.
    (
        certification_verified_by_the_manager,
        {ME, PERSON_PAGE, MAP},
        counting_certification_entered,
    ),
]


@pytest.mark.parametrize(
    ("write", "shown_on", "before"), WRITES, ids=lambda w: getattr(w, "__name__", "")
)
def test_each_write_shows_where_it_is_shown_and_leaves_the_rest_kept(
    make_employee_org, write, shown_on, before
):
    org = make_employee_org(skills=3)
    # A year on: the person is due for reassessment, which a confirmation ends.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=400), tick=False):
        _check_write(org, write, shown_on, before)


def _check_write(org, write: Callable, shown_on: set[str], before: Callable | None) -> None:  # noqa: ANN001
    if before is not None:
        before(org)
    mine = {
        ME: (org.person.user, reverse("assessments:my-readiness")),
        PERSON_PAGE: (org.manager, reverse("assessments:person-detail", args=[org.person.pk])),
        MAP: (org.manager, reverse("assessments:team-detail", args=[org.team.pk])),
    }
    others = {
        "team-mate's /me/": (org.teammate.user, reverse("assessments:my-readiness")),
        "another team's map": (
            org.other_manager,
            reverse("assessments:team-detail", args=[org.other_team.pk]),
        ),
    }
    pages = {**mine, **others}
    first = {name: visit(*page) for name, page in pages.items()}  # built and kept
    kept = {name: visit(*page) for name, page in pages.items()}
    for name in pages:
        assert kept[name][0] == first[name][0] and kept[name][1] < first[name][1], name

    write(org)

    for name, (user, url) in mine.items():
        page, _ = visit(user, url)
        assert page == visit(user, url)[0] == built(user, url), name  # kept again, as built
        assert (page != kept[name][0]) == (name in shown_on), name
    for name, (user, url) in others.items():
        page, queries = visit(user, url)
        assert page == kept[name][0] == built(user, url), name
        assert queries == kept[name][1], f"{name} was built again"


def test_a_persons_rows_move_their_version_only_however_written(make_employee_org):
    org = make_employee_org(skills=2)
    before = data_version()
    mine = scoped_version(connection, "person", org.person.pk)
    theirs = scoped_version(connection, "person", org.teammate.pk)
    team = scoped_version(connection, "team", org.team.pk)
    other_team = scoped_version(connection, "team", org.other_team.pk)
    SkillRatingFactory(person=org.person, skill=org.skills[0], level=3)
    assert data_version() == before
    assert scoped_version(connection, "person", org.person.pk) != mine
    assert scoped_version(connection, "person", org.teammate.pk) == theirs
    assert scoped_version(connection, "team", org.team.pk) != team
    assert scoped_version(connection, "team", org.other_team.pk) == other_team
    mine = scoped_version(connection, "person", org.person.pk)
    with connection.cursor() as cursor:  # raw SQL counts too
        cursor.execute(
            "UPDATE assessments_skillrating SET note = 'moved' WHERE person_id = %s",
            [org.person.pk],
        )
    assert scoped_version(connection, "person", org.person.pk) != mine
    # A rating moved from one person to another moves both people's versions (the rows before
    # and after the update), and a delete moves its person's.
    moved = SkillRatingFactory(person=org.person, skill=org.skills[1], level=2)
    mine = scoped_version(connection, "person", org.person.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_skillrating SET person_id = %s WHERE id = %s",
            [org.teammate.pk, moved.pk],
        )
    assert scoped_version(connection, "person", org.person.pk) != mine
    assert scoped_version(connection, "person", org.teammate.pk) != theirs
    theirs = scoped_version(connection, "person", org.teammate.pk)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_skillrating WHERE id = %s", [moved.pk])
    assert scoped_version(connection, "person", org.teammate.pk) != theirs
    theirs = scoped_version(connection, "person", org.teammate.pk)
    with transaction.atomic():  # a rolled-back write moves nothing
        SkillRatingFactory(person=org.teammate, skill=org.skills[0], level=3)
        transaction.set_rollback(True)
    assert scoped_version(connection, "person", org.teammate.pk) == theirs
    assert data_version() == before


def test_every_person_table_has_its_person_triggers_and_a_missing_one_is_found():
    assert set(person_tables()) <= set(tracked_tables())
    assert "assessments_skillrating" in person_tables()
    assert tables_without_triggers(connection) == []
    name = (
        f"{PERSON_TRIGGER}_insert"
        if connection.vendor == "postgresql"
        else f"{PERSON_TRIGGER}_assessments_skillrating_insert"
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER {name} ON "assessments_skillrating"')
            else:
                cursor.execute(f"DROP TRIGGER {name}")
        assert tables_without_triggers(connection) == ["assessments_skillrating"]
        transaction.set_rollback(True)
    assert tables_without_triggers(connection) == []


def test_compacting_folds_each_persons_rows_and_moves_their_version_once(make_employee_org):
    org = make_employee_org(skills=2)
    for level in (1, 2, 3):
        SkillRatingFactory(person=org.person, skill=org.skills[0], level=level)
    before = scoped_version(connection, "person", org.person.pk)
    weight = before.split(":")[0]
    data_changes_compact()
    after = scoped_version(connection, "person", org.person.pk)
    assert after.split(":")[0] == weight
    if connection.vendor == "postgresql":  # one row per transaction, folded into one
        assert after != before
        assert PersonChange.objects.filter(person_id=org.person.pk).count() == 1
    else:  # SQLite keeps one counting row per person
        assert after == before
    assert SkillRating.objects.filter(person=org.person).count() >= 3
