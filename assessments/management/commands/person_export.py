"""Export everything the product stores about one person as JSON (a subject access request)."""

import json

from django.core.management.base import BaseCommand, CommandError

from assessments.privacy import person_export, person_find
from readiness.models import Person


class Command(BaseCommand):
    help = "Print (or write to --output) all data about the person with this email, as JSON."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args, email: str, output: str | None, **options) -> None:
        try:
            person = person_find(email=email)
        except Person.DoesNotExist as error:
            raise CommandError(f"No person has the email {email!r}.") from error
        except Person.MultipleObjectsReturned as error:
            raise CommandError(f"Several people share the email {email!r}.") from error
        text = json.dumps(person_export(person=person), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)
