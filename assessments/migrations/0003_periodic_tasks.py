"""The beat schedule, in the database so admins can change or pause it (django-celery-beat).

Reminders daily at 08:00 and snapshots nightly at 01:30, in the organization's time zone; the
Microsoft Learn catalog sync weekly, Monday 03:00. Re-runnable: an entry that exists (perhaps
changed by an admin) is left as it is.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SCHEDULE = [
    # name, task, (minute, hour, day of week), description
    (
        "Reassessment reminders (daily)",
        "assessments.tasks.send_reminders",
        ("0", "8", "*"),
        "Due, overdue and escalation emails for self-assessments; each step is sent once.",
    ),
    (
        "Readiness snapshots (nightly)",
        "assessments.tasks.write_snapshots",
        ("30", "1", "*"),
        "Writes (or replaces) today's ReadinessSnapshot rows for dashboards and plan progress.",
    ),
    (
        "Microsoft Learn catalog sync (weekly)",
        "catalog.tasks.sync_learn_platform",
        ("0", "3", "1"),
        "Imports the Microsoft Learn catalog when a source is configured.",
    ),
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, (minute, hour, day_of_week), description in SCHEDULE:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, description=description, enabled=True
        )
    # Beat reloads its schedule when this marker changes (the model manager does it outside
    # migrations; historical models do not).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_reminder_claims_cycle_participation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
