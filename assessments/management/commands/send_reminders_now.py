"""Send today's reminder steps now, in this process: what the daily Celery task does."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessments.reminders.run import reminders_preview, reminders_send


class Command(BaseCommand):
    help = (
        "Send the reminder steps due today (due, overdue, escalation digests) synchronously and "
        "list what was sent. Safe to repeat: a step already sent is never sent again. "
        "--dry-run lists what would go out and records nothing; so does --date with a day other "
        "than today, unless --send is given too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Decide who is due as of this ISO date instead of today (organization time "
            "zone). A day other than today is a dry run unless --send is given.",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent; send nothing and record nothing.",
        )
        mode.add_argument(
            "--send",
            action="store_true",
            help="With --date on another day than today: really send, and record the steps as "
            "sent (they will not go out again on that day's real run).",
        )

    def handle(self, *args, **options) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        other_day = today is not None and today != timezone.localdate()
        dry = options["dry_run"] or (other_day and not options["send"])
        if dry:
            result = reminders_preview(today=today)
            verb = "would send"
        else:
            result = reminders_send(today=today)
            verb = "sent"
        for email in result.sent:
            self.stdout.write(f"{email.kind:<11} {email.to:<40} {email.subject}")
        counts = result.counts()
        summary = (
            f"{result.today}: {result.people_checked} people checked, {result.people_due} due; "
            f"{verb} {counts['due']} due, {counts['overdue']} overdue, "
            f"{counts['escalation']} escalation digest(s)."
        )
        if dry:
            why = "--dry-run" if options["dry_run"] else "another day than today, without --send"
            self.stdout.write(
                self.style.WARNING(f"Dry run ({why}): nothing was sent or recorded. {summary}")
            )
        else:
            self.stdout.write(self.style.SUCCESS(summary))
