"""``python manage.py scim_token --name NAME``: a bearer token for SCIM provisioning, printed
once (only its hash is kept). Admins also create and revoke them on the "API tokens" page."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from readiness.tokens import scim_token_create


class Command(BaseCommand):
    help = "Create a SCIM provisioning bearer token and print it (once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="What uses it, e.g. “Entra ID”.")
        parser.add_argument(
            "--account",
            default="scim",
            help="The service account the token acts as (created when missing; default scim).",
        )
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="Lifetime in days (default: none)."
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            token, secret = scim_token_create(
                name=str(options["name"]),
                account=str(options["account"]),
                expires_in_days=options["expires_in_days"],  # type: ignore[arg-type]
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(
            f"SCIM token “{token.name}” for {token.user.get_username()} created; it is shown "
            "once. Use it as the Secret Token of the provisioning job:"
        )
        self.stdout.write(secret)
