"""The measured effectiveness of resources, kept by the worker (``services.effectiveness``):
its table, the data-version triggers of that table (a refresh changes what ``/me/`` ranks, so
a kept page must not outlive it: readiness/data_version.py), and the nightly refresh in the
beat schedule (01:45, after the transcript sync and the snapshots). Re-runnable like the other
schedule migrations: an entry that exists (perhaps changed by an admin) is left as it is.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from readiness.migration_operations import VendorRunSQL

TABLE = "assessments_resourceeffectiveness"
# The trigger function and SQLite's trigger body, as migration readiness 0011 created them.
_triggers = importlib.import_module("readiness.migrations.0011_data_version_triggers")
TRIGGER = _triggers.TRIGGER
POSTGRES = [
    f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f'ON "{TABLE}" FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()'
]
POSTGRES_REVERSE = [f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{TABLE}"']
SQLITE_NAMES = [
    (f"{TRIGGER}_{TABLE}_{operation.lower()}", operation)
    for operation in ("INSERT", "UPDATE", "DELETE")
]
SQLITE = [
    statement
    for name, operation in SQLITE_NAMES
    for statement in (
        f"DROP TRIGGER IF EXISTS {name}",
        f'CREATE TRIGGER {name} AFTER {operation} ON "{TABLE}" BEGIN {_triggers.SQLITE_BODY}END',
    )
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {name}" for name, _ in SQLITE_NAMES]

SCHEDULE = [
    (
        "Resource effectiveness (nightly)",
        "assessments.tasks.refresh_effectiveness",
        ("45", "1"),
        "Recomputes the measured effectiveness of every resource; also queued after ratings "
        "and completions change.",
    ),
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, (minute, hour), description in SCHEDULE:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, description=description, enabled=True
        )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, *_ in SCHEDULE]
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0012_reminder_kind_certification_digest"),
        ("catalog", "0005_certification_catalog"),
        ("readiness", "0011_data_version_triggers"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResourceEffectiveness",
            fields=[
                ("resource", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="effectiveness", serialize=False, to="catalog.trainingresource")),
                ("mean_gain", models.FloatField(help_text="Mean change in effective level per person.")),
                ("people", models.PositiveIntegerField()),
                ("verified", models.PositiveIntegerField(default=0)),
                ("computed_at", models.DateTimeField()),
            ],
            options={
                "verbose_name_plural": "resource effectiveness",
            },
        ),
        VendorRunSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
