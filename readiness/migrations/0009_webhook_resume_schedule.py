"""Beat entry: every 10 minutes, queue again the webhook deliveries whose task was lost (a
broker that was down when the event committed). Re-runnable; an existing entry is kept."""

from django.db import migrations
from django.utils import timezone

NAME = "Webhook deliveries: resume lost ones (every 10 minutes)"
TASK = "readiness.webhooks.tasks.resume_webhook_deliveries"


def create_entry(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    interval, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.create(
        name=NAME, task=TASK, interval=interval, enabled=True,
        description="Queues pending webhook deliveries whose attempt is overdue; an attempt "
        "that finds one claimed or done does nothing.",
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_entry(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("readiness", "0008_webhook_endpoints_and_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_entry, remove_entry)]
