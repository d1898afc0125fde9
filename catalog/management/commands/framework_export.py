"""Export the skills framework, the catalog and the mappings to a versioned JSON file."""

import json

from django.core.management.base import BaseCommand

from catalog.services.framework_io import SECTIONS, framework_export


class Command(BaseCommand):
    help = "Write the skills framework, catalog and mapping rules to FILE ('-' for stdout)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("file")

    def handle(self, *args, file: str, **options) -> None:
        document = framework_export()
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        if file == "-":
            self.stdout.write(text, ending="")
            return
        with open(file, "w", encoding="utf-8") as handle:
            handle.write(text)
        counts = ", ".join(f"{len(document[s.name])} {s.name}" for s in SECTIONS)
        self.stdout.write(f"Wrote {file}: {counts}.")
