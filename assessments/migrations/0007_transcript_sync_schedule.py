"""The nightly transcript sync (01:00; it spreads its reads itself) and the daily certification
expiry reminders (08:15) in the beat schedule. Re-runnable: an entry that exists (perhaps
changed by an admin) is left as it is."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SCHEDULE = [
    ("Microsoft Learn transcripts sync (nightly)",
     "assessments.learning_records.tasks.sync_all_transcripts", ("0", "1"),
     "Reads every linked Microsoft Learn transcript, spread over the night."),
    ("Certification expiry reminders (daily)",
     "assessments.learning_records.tasks.send_certification_reminders", ("15", "8"),
     "60, 30 and 7 days before a certification expires; each step is sent once."),
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
        ("assessments", "0006_verified_learning_transcripts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
