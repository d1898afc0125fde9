"""The reminder tests' clock and mailbox helpers (their organization: ``tests.orgs.reminder``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

PARIS = ZoneInfo("Europe/Paris")


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour`` in the organization's time zone (Europe/Paris in the tests)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def outbox_summary(start: int = 0) -> list[tuple[str, str]]:
    """(recipient, subject) of the messages sent since index ``start``."""
    return [(message.to[0], message.subject) for message in mail.outbox[start:]]


class CrashingBackend(EmailBackend):
    """The locmem backend that accepts ``limit`` messages in all, then fails as a worker that
    dies mid-batch would (a RuntimeError: not a mail-server error the task retries)."""

    limit = 0

    def send_messages(self, messages):  # noqa: ANN001, ANN201
        if len(mail.outbox) >= CrashingBackend.limit:
            raise RuntimeError("worker crashed mid-batch")
        return super().send_messages(messages)
