"""Read linked Microsoft Learn transcripts now, in this process, and print what changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.learning_records.models import TranscriptLink
from assessments.learning_records.services import transcript_sync
from assessments.learning_records.transcript import TranscriptClient, TranscriptConfig


class Command(BaseCommand):
    help = (
        "Sync every linked Microsoft Learn transcript (or one person's) now and print what "
        "changed. Safe to repeat: a second sync changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--person", metavar="EMAIL", help="Only this person's transcript.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; write nothing."
        )

    def handle(self, *args, **options) -> None:
        links = TranscriptLink.objects.select_related("person__user").order_by("pk")
        if options["person"]:
            links = links.filter(person__user__email__iexact=options["person"].strip())
            if not links:
                raise CommandError(f"No linked transcript for {options['person']}.")
        dry_run = options["dry_run"]
        changed = 0
        with TranscriptClient(TranscriptConfig.from_settings()) as client:
            for link in links:
                outcome = transcript_sync(link_id=link.pk, client=client, dry_run=dry_run)
                changed += outcome.changed
                self.stdout.write(f"{link.person.user.email}: {outcome.summary()}")
                for title in outcome.added:
                    self.stdout.write(f"  + completed {title}")
                for title in outcome.redated:
                    self.stdout.write(f"  ~ date corrected: {title}")
                for title in outcome.plan_items_completed:
                    self.stdout.write(f"  ✓ plan item verified: {title}")
                for name in outcome.certifications_added:
                    self.stdout.write(f"  + certification {name}")
                for name in outcome.certifications_updated:
                    self.stdout.write(f"  ~ certification renewed or updated: {name}")
        prefix = "Dry run: would change" if dry_run else "Changed"
        self.stdout.write(self.style.SUCCESS(f"{prefix} {changed} of {len(links)} transcript(s)."))
