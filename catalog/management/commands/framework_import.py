"""Import a framework file written by framework_export (upsert by natural keys, one transaction)."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.services.framework_io import framework_import


class Command(BaseCommand):
    help = (
        "Create or update the framework, catalog and mapping rules from FILE; nothing is deleted."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file")

    def handle(self, *args, file: str, **options) -> None:
        try:
            with open(file, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            result = framework_import(document=document)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        for name, created in result.created.items():
            self.stdout.write(f"{name}: {created} created, {result.updated[name]} updated")
