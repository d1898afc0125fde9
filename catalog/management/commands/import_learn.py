"""``manage.py import_learn --file catalog.json`` or ``--platform``: the Learn importer, now."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import ImportSource, ImportStatus
from catalog.services.imports import IMPORT_MAX_BYTES, import_run_create, import_run_execute


class Command(BaseCommand):
    help = (
        "Import the Microsoft Learn catalog: a legacy Catalog API JSON file (--file) or the "
        "Learn Platform API (--platform, credentials from LEARN_TENANT_ID, LEARN_CLIENT_ID, "
        "LEARN_CLIENT_SECRET). Prints created, updated, unchanged, retired, unmapped and "
        "rejected items."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", type=Path, help="A catalog JSON file (Catalog API shape).")
        source.add_argument(
            "--platform", action="store_true", help="Fetch from the Learn Platform API."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change without writing anything.",
        )
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="With --file: do not retire Learn items the file lacks (a partial file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = None
        if options["file"]:
            path: Path = options["file"]
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            if path.stat().st_size > IMPORT_MAX_BYTES:
                raise CommandError(f"{path} is larger than {IMPORT_MAX_BYTES // 2**20} MB.")
            data = path.read_bytes()
        try:
            run = import_run_create(
                source=ImportSource.PLATFORM if options["platform"] else ImportSource.FILE,
                data=data,
                file_name=options["file"].name if options["file"] else "",
                dry_run=bool(options["dry_run"]),
                retire_missing=not options["keep_missing"],
                enqueue=False,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        run = import_run_execute(
            run_id=run.pk,
            data=data,
            echo=self.stderr.write if int(options["verbosity"]) > 1 else None,
        )
        if run.status != ImportStatus.SUCCEEDED:
            raise CommandError(f"Import #{run.pk} failed: {run.error}")
        s = run.summary
        head = "Dry run, nothing written: " if run.dry_run else ""
        self.stdout.write(
            f"{head}created {s['created']}, updated {s['updated']}, unchanged {s['unchanged']}, "
            f"retired {s['retired']}, unmapped {s['unmapped']}, rejected {len(run.rejections)}"
        )
        # By title: what was (or would be) retired always, the rest with -v 2.
        shown = ["retired"] + (
            ["created", "updated", "unmapped"] if int(options["verbosity"]) > 1 else []
        )
        for outcome in shown:
            entries = run.outcomes.get(outcome, [])
            for entry in entries:
                self.stdout.write(f"  {outcome} {entry['title']!r} {entry['url']}")
            if s[outcome] > len(entries):
                self.stdout.write(f"  … and {s[outcome] - len(entries)} more {outcome}")
        for rejection in run.rejections:
            self.stdout.write(
                f"  rejected {rejection['uid'] or '(no uid)'} "
                f"{rejection['title']!r}: {rejection['reason']}"
            )
