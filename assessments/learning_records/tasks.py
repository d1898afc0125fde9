"""The nightly transcript sync: one task per linked transcript, spread over the night and
rate-limited, so Microsoft Learn sees a polite trickle rather than a burst."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.conf import settings

from assessments.learning_records.models import TranscriptLink
from assessments.learning_records.reminders import certification_reminders_send
from assessments.learning_records.services import transcript_sync
from assessments.learning_records.transcript import TranscriptClient, TranscriptConfig

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    ignore_result=True,
    rate_limit=settings.LEARN_TRANSCRIPT_RATE_LIMIT,
    soft_time_limit=15 * 60,
    time_limit=20 * 60,
)
def sync_transcript(link_id: int) -> str | None:
    """Read one linked transcript now ("Sync now", or one step of the nightly spread)."""
    if not TranscriptLink.objects.filter(pk=link_id).exists():
        return None  # unlinked meanwhile
    with TranscriptClient(TranscriptConfig.from_settings()) as client:
        outcome = transcript_sync(link_id=link_id, client=client)
    # The link id only: the summary holds titles and counts, never personal fields.
    logger.info("Transcript link #%s: %s", link_id, outcome.status)
    return outcome.status


@shared_task(acks_late=True, ignore_result=True)
def sync_all_transcripts() -> int:
    """Queue every linked transcript, each at its own moment of the spread window."""
    ids = list(TranscriptLink.objects.order_by("pk").values_list("pk", flat=True))
    spread = max(0, settings.LEARN_TRANSCRIPT_SYNC_SPREAD)
    for index, link_id in enumerate(ids):
        countdown = int(spread * index / len(ids)) if ids else 0
        sync_transcript.apply_async(args=[link_id], countdown=countdown)
    logger.info("Transcript sync: %s links queued over %s s", len(ids), spread)
    return len(ids)


@shared_task(
    acks_late=True,
    time_limit=20 * 60,
    soft_time_limit=19 * 60,
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=300,
    max_retries=5,
)
def send_certification_reminders(today: str | None = None) -> dict:
    """Certification expiry reminders due today (or on ``today``, an ISO date), each once."""
    day = dt.date.fromisoformat(today) if today else None
    return certification_reminders_send(today=day).as_dict()
