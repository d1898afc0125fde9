"""Sending a run's messages and recording what went out (with the steps' webhook events)."""

from __future__ import annotations

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from assessments.models import Reminder
from assessments.reminders.state import Outgoing, ReminderRun
from readiness.webhooks.services import Event, events_emit


def deliver(run: ReminderRun, outgoing: list[Outgoing]) -> None:
    """Send, then mark what went out in one UPDATE (also when a send fails midway)."""
    if not outgoing:
        return
    sent_ids: list[int] = []
    events: list[Event] = []
    try:
        # One connection for the batch; one message per call, so that a failure leaves
        # exactly the messages before it marked sent.
        with get_connection(run.mail_backend) as connection:
            for item in outgoing:
                connection.send_messages([item.message])
                sent_ids += item.reminder_ids
                events += [item.event] if item.event else []
                run.result.sent.append(item.record)
    finally:
        if sent_ids:
            # The step and its webhook events (an outbox) commit together.
            with transaction.atomic():
                Reminder.objects.filter(pk__in=sent_ids, sent_at__isnull=True).update(
                    sent_at=timezone.now()
                )
                events_emit(events=events)
