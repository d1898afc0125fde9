"""Send today's reminder steps now, in this process: what the daily Celery task does."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send the reminder steps due today (due, overdue, escalation digests) synchronously and "
        "list what was sent. Safe to repeat: a step already sent is never sent again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Decide who is due as of this ISO date instead of today (organization time zone).",
        )

    def handle(self, *args, **options) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        result = reminders_send(today=today)
        for email in result.sent:
            self.stdout.write(f"{email.kind:<11} {email.to:<40} {email.subject}")
        counts = result.counts()
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.today}: {result.people_checked} people checked, {result.people_due} due; "
                f"sent {counts['due']} due, {counts['overdue']} overdue, "
                f"{counts['escalation']} escalation digest(s)."
            )
        )
