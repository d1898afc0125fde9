"""The dashboard's figures kept by the worker (``services.dashboard``): equal to the live
computation, swapped whole, queued once per window after writes, refreshed nightly, and the
page says as of when."""

import datetime as dt
import importlib
from dataclasses import replace
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from assessments.models import (
    AssessmentCycle,
    DashboardFigure,
    DashboardFigureSet,
    SkillRating,
)
from assessments.selectors import readiness_cube
from assessments.selectors.dashboard import dashboard_build, dashboard_scope, organization_scope
from assessments.selectors.dashboard.kept import kept_cube
from assessments.services import dashboard as service
from assessments.services.dashboard import dashboard_figures_refresh
from assessments.tasks import refresh_dashboard_figures
from readiness.celery import app as celery_app
from readiness.models import Person
from tests.orgs import leadership_user
from tests.orgs.leadership import NOW, TODAY

pytestmark = pytest.mark.django_db
URL = reverse("assessments:dashboard")
migration = importlib.import_module("assessments.migrations.0015_dashboard_figures")


@pytest.fixture(autouse=True)
def _today(settings):
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.MIN_AGGREGATE_PEOPLE = 5
    with time_machine.travel(NOW, tick=False):
        yield


def _varied(org) -> None:  # noqa: ANN001
    """More variety than the hand-computed organization: a cycle past due (the overdue rule),
    an inactive person, a person without a team, a calibration flag."""
    cycle = AssessmentCycle.objects.create(
        name="Spring", opens_on=TODAY - dt.timedelta(days=40), due_on=TODAY - dt.timedelta(days=2)
    )
    cycle.status = "open"
    cycle.save()
    cycle.teams.add(org.platform)
    Person.objects.filter(pk=org.devs[5].pk).update(is_active=False)
    Person.objects.filter(pk=org.analysts[0].pk).update(team=None)
    SkillRating.objects.create(
        person=org.devs[0], skill=org.rag, level=0, source="manager", rated_by=org.manager
    )


def test_kept_figures_equal_the_live_computation_for_leadership_and_managers(leadership_org):
    _varied(leadership_org)
    figure_set = dashboard_figures_refresh()
    organization = organization_scope()
    # The organization's cells come added up per department and role, with each team's people.
    live = readiness_cube(people=organization.people, today=TODAY)
    assert kept_cube(scope=organization, figure_set=figure_set).cube == replace(
        live,
        groups=live.readiness_by(lambda team, role: (organization.root(team), role)),
        within_cadence=live.within_cadence_by(lambda team, role: (organization.root(team), role)),
        team_people=live.people_by_team(),
    )
    assert len(organization.roots) > 1 and len(organization.teams) > len(organization.roots)
    for manager in (leadership_org.manager, leadership_org.sales_manager):
        scope = dashboard_scope(user=manager)
        kept = kept_cube(scope=scope, figure_set=figure_set).cube
        assert kept == readiness_cube(people=scope.people, today=TODAY)
        assert kept.groups  # the scope is not empty: the comparison says something
    # The whole page too (its privacy floor applied on reading): the same figures.
    live = dashboard_build(scope=organization, today=TODAY)
    shown = dashboard_build(
        scope=organization, today=TODAY, kept=kept_cube(scope=organization, figure_set=figure_set)
    )
    assert (shown.total, shown.audiences, shown.departments) == (
        live.total,
        live.audiences,
        live.departments,
    )
    assert shown.heatmap == live.heatmap and shown.calibration_total == live.calibration_total


def test_a_refresh_swaps_the_whole_set_and_keeps_only_the_latest(leadership_org):
    first = dashboard_figures_refresh()
    cells = set(DashboardFigure.objects.values_list("kind", "team_id", "role_id", "skill_id"))
    second = dashboard_figures_refresh()
    assert list(DashboardFigureSet.objects.all()) == [second] and first.pk != second.pk
    assert set(DashboardFigure.objects.values_list("kind", "team_id", "role_id", "skill_id")) == (
        cells
    )
    assert set(DashboardFigure.objects.values_list("figure_set", flat=True)) == {second.pk}
    assert second.people == 9  # 6 developers and 3 analysts, all with a required skill
    assert refresh_dashboard_figures()["people"] == 9  # what the worker runs


def test_the_page_says_as_of_when_and_keeps_its_figures_until_the_worker_refreshes(
    client, leadership_org
):
    client.force_login(leadership_user())
    assert not DashboardFigureSet.objects.exists()
    first = client.get(URL).content.decode()  # a fresh install: computed once, now
    assert DashboardFigureSet.objects.count() == 1
    assert "Figures as of" in first and "12:00</time> (updated every few minutes)" in first
    # Everybody at level 4 now: the page shows the kept figures (and their time) until the
    # worker has refreshed them.
    SkillRating.objects.bulk_create(
        SkillRating(person=person, skill=skill, level=4, source="self")
        for person in [*leadership_org.devs, *leadership_org.analysts]
        for skill in (leadership_org.prompting, leadership_org.rag)
    )
    with time_machine.travel(NOW + dt.timedelta(minutes=4), tick=False):
        later = client.get(URL).content.decode()
        assert "12:00</time> (updated every few minutes)" in later
        assert 'data-testid="kpi-readiness"' in later and "100%" not in _kpi(later)
        dashboard_figures_refresh()
        fresh = client.get(URL).content.decode()
    assert "12:04</time> (updated every few minutes)" in fresh and _kpi(fresh) == "100%"


def _kpi(page: str) -> str:
    start = page.index('data-testid="kpi-readiness"')
    return page[page.index(">", start) + 1 : page.index("<", start)].strip()


def test_figures_of_an_earlier_day_say_which_day(client, leadership_org):
    dashboard_figures_refresh()
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        client.force_login(leadership_user())
        page = client.get(URL).content.decode()
    assert "12:00</time> on 1 Jun 2026 (updated every few minutes)" in page


def test_two_writes_in_the_window_queue_one_refresh(
    leadership_org, django_capture_on_commit_callbacks
):
    dev = leadership_org.devs[3]
    with mock.patch.object(refresh_dashboard_figures, "apply_async") as queued:
        for level in (1, 2):
            with django_capture_on_commit_callbacks(execute=True):
                service_rate(dev, leadership_org.prompting, level)
        queued.assert_called_once_with(countdown=service.DEBOUNCE_SECONDS)
        # The refresh clears the marker: the next write queues the next one.
        dashboard_figures_refresh()
        with django_capture_on_commit_callbacks(execute=True):
            service_rate(dev, leadership_org.prompting, 3)
    assert queued.call_count == 2


def service_rate(person: Person, skill, level: int) -> None:  # noqa: ANN001
    from assessments.services.me import RatingInput, self_assessment_submit

    self_assessment_submit(
        person=person, user=person.user, entries=[RatingInput(skill_id=skill.pk, level=level)]
    )


def test_a_person_moved_queues_a_refresh_and_a_broker_down_fails_nothing(
    leadership_org, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(
            refresh_dashboard_figures, "apply_async", side_effect=ConnectionError
        ) as queued,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),  # its own transaction, not the fixture's
    ):
        leadership_org.devs[0].team = leadership_org.sales
        leadership_org.devs[0].save()
    queued.assert_called_once()
    # Not left marked as queued: the next write tries again.
    with (
        mock.patch.object(refresh_dashboard_figures, "apply_async") as again,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        leadership_org.devs[1].save()
    again.assert_called_once()


def test_the_nightly_refresh_is_in_the_beat_schedule():
    # A transactional test elsewhere may have flushed the migration's rows: put them back.
    migration.create_schedule(apps, None)
    task = PeriodicTask.objects.get(name="Dashboard figures (nightly)")
    assert task.task in celery_app.tasks
    assert task.task == "assessments.tasks.refresh_dashboard_figures" and task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("50", "1")


def test_the_page_reads_no_person_one_by_one(client, leadership_org, django_assert_num_queries):
    """Pinned in tests/assessments/views/test_dashboard.py at two sizes; here: the kept path
    never runs the cube's statement during a visit once figures exist."""
    dashboard_figures_refresh()
    client.force_login(leadership_user())
    with mock.patch("assessments.selectors.dashboard.build.readiness_cube") as live:
        assert client.get(URL).status_code == 200
    live.assert_not_called()


def test_an_hr_upsert_that_changes_people_queues_a_refresh(
    leadership_org, django_capture_on_commit_callbacks
):
    """The HR upsert (and SCIM through it) writes in bulk, which sends no ``post_save``: it
    says so with ``readiness.signals.organization_changed``. A dry run, or an upsert that
    changes nothing, queues nothing."""
    from readiness.hr.upsert import hr_upsert

    entry = {"email": leadership_org.devs[0].user.email, "job_title": "Staff engineer"}
    with mock.patch.object(refresh_dashboard_figures, "apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            hr_upsert(teams=[], people=[entry], dry_run=True)
        assert queued.call_count == 0
        with django_capture_on_commit_callbacks(execute=True):
            hr_upsert(teams=[], people=[entry])
        queued.assert_called_once_with(countdown=service.DEBOUNCE_SECONDS)
        dashboard_figures_refresh()  # clears the marker
        with django_capture_on_commit_callbacks(execute=True):
            result = hr_upsert(teams=[], people=[entry])
        assert result.summary()["people"]["unchanged"] == 1
        assert queued.call_count == 1
