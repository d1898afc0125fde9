"""Background work of the catalog: queued Learn imports and the weekly Platform sync."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError

from catalog.learn.client import PlatformConfig
from catalog.models import ImportSource
from catalog.services.imports import import_run_create, import_run_execute

logger = logging.getLogger(__name__)

# A 13 MB catalog imports in well under a minute; the limits only stop a stuck run.
IMPORT_TIME_LIMITS = {"soft_time_limit": 20 * 60, "time_limit": 25 * 60}


@shared_task(acks_late=True, ignore_result=True, **IMPORT_TIME_LIMITS)
def run_import(import_run_id: int) -> None:
    """Run a recorded import (an uploaded file or a Platform sync asked for on the page)."""
    import_run_execute(run_id=import_run_id)


@shared_task(acks_late=True, ignore_result=True, **IMPORT_TIME_LIMITS)
def sync_learn_platform() -> int | None:
    """The weekly sync from the Learn Platform API; only logs when no credentials are set.

    Returns the id of the import run it recorded, or None when it did nothing.
    """
    if not PlatformConfig.from_settings().configured:
        logger.info(
            "Learn Platform sync skipped: LEARN_TENANT_ID, LEARN_CLIENT_ID and "
            "LEARN_CLIENT_SECRET are not all set."
        )
        return None
    try:
        run = import_run_create(source=ImportSource.PLATFORM, enqueue=False)
    except ValidationError as exc:
        logger.warning("Learn Platform sync skipped: %s", " ".join(exc.messages))
        return None
    run = import_run_execute(run_id=run.pk)
    logger.info("Learn Platform sync #%s: %s %s", run.pk, run.status, run.summary or run.error)
    return run.pk
