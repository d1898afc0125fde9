"""The beat schedule created by the data migration: three entries, in the organization's time
zone, re-runnable without undoing an admin's changes; and the tasks it names exist."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from readiness.celery import app as celery_app

pytestmark = pytest.mark.django_db

migration = importlib.import_module("assessments.migrations.0003_periodic_tasks")
EXPECTED = {
    "Reassessment reminders (daily)": ("assessments.tasks.send_reminders", "0", "8", "*"),
    "Readiness snapshots (nightly)": ("assessments.tasks.write_snapshots", "30", "1", "*"),
    "Microsoft Learn catalog sync (weekly)": ("catalog.tasks.sync_learn_platform", "0", "3", "1"),
}


@pytest.fixture(autouse=True)
def schedule():
    # A transactional test elsewhere may have flushed the migration's rows: put them back.
    migration.create_schedule(apps, None)


def test_the_schedule_lives_in_the_database():
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    for name, (task, minute, hour, day_of_week) in EXPECTED.items():
        entry = tasks[name]
        assert entry.task == task and entry.enabled
        crontab = entry.crontab
        assert (crontab.minute, crontab.hour, crontab.day_of_week) == (minute, hour, day_of_week)
        assert str(crontab.timezone) == settings.TIME_ZONE


def test_rerunning_keeps_what_admins_changed():
    PeriodicTask.objects.filter(name="Reassessment reminders (daily)").update(enabled=False)

    migration.create_schedule(apps, None)

    assert PeriodicTask.objects.filter(name__in=EXPECTED).count() == 3
    assert not PeriodicTask.objects.get(name="Reassessment reminders (daily)").enabled


def test_reverse_removes_the_entries():
    migration.remove_schedule(apps, None)
    assert not PeriodicTask.objects.filter(name__in=EXPECTED).exists()


def test_the_scheduled_tasks_are_registered():
    celery_app.loader.import_default_modules()
    for task, *_ in EXPECTED.values():
        assert task in celery_app.tasks
    for name in ("assessments.tasks.send_reminders", "assessments.tasks.write_snapshots"):
        task = celery_app.tasks[name]
        assert task.acks_late and task.time_limit > task.soft_time_limit
