"""Erase a person: anonymize their login and free text, keep their ratings as statistics."""

from django.core.management.base import BaseCommand, CommandError

from assessments.privacy import person_erase, person_find
from readiness.models import Person


class Command(BaseCommand):
    help = (
        "Anonymize the person with this email: names, email and password wiped, login disabled, "
        "notes and evidence links of their ratings blanked; ratings kept as anonymous statistics."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("email")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, email: str, interactive: bool, **options) -> None:
        try:
            person = person_find(email=email)
        except Person.DoesNotExist as error:
            raise CommandError(f"No person has the email {email!r}.") from error
        except Person.MultipleObjectsReturned as error:
            raise CommandError(f"Several people share the email {email!r}.") from error
        if interactive:
            answer = input(
                f"Erase {person.display_name} <{person.email}>? This cannot be undone. "
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Erasure cancelled.")
        person_erase(person=person)
        self.stdout.write(f"Erased: the login is now {person.user.username}.")
