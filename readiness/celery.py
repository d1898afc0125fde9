"""The Celery application; tasks are discovered in each app's tasks.py (and in
the listed sub-packages')."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings.dev")

app = Celery("readiness")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Sub-packages of an app keep their tasks in their own tasks.py.
app.autodiscover_tasks(["readiness.webhooks"])
