"""Local development settings (``make run``, ``make seed``, ``manage.py`` by default): the base
settings plus the ``demo`` app, whose ``seed_demo`` command loads the demo organization.
Production (``readiness.settings.production``) does not install it."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
