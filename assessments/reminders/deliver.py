"""Sending a run's messages and recording what went out (with the steps' webhook events)."""

from __future__ import annotations

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Reminder
from assessments.reminders.state import Outgoing, ReminderRun
from catalog.learn.bulk import among
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
            # The step and its webhook events (an outbox) commit together. By id alone, and
            # a time already recorded kept (COALESCE), rather than ``sent_at IS NULL``: the
            # rows are found by their primary key, and the update is heap-only (the model's
            # ``Meta.indexes``).
            with transaction.atomic():
                Reminder.objects.filter(among("id", sent_ids)).update(
                    sent_at=Coalesce("sent_at", Value(timezone.now()))
                )
                events_emit(events=events)
