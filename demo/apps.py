from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organization generator and ``manage.py seed_demo``: a development app, installed
    by ``readiness.settings.dev`` (``make run``/``make seed``) and the test settings, never by
    ``readiness.settings.production``."""

    name = "demo"
    label = "demo"
    verbose_name = "Demo data"
