"""``manage.py seed_demo``: a demo organization to explore Readiness with, and five logins."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.create import demo_organization_create
from demo.data import DEFAULT_PASSWORD, DEFAULT_PEOPLE, MIN_PEOPLE


class Command(BaseCommand):
    help = (
        "Create a believable demo organization (teams, people, three closed assessment cycles "
        "and one open, "
        "learning plans, concerns, a readiness plan) and the logins admin, lead, curator, "
        "manager and employee. Running it again only resets those five logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"How many people (default {DEFAULT_PEOPLE}, at least {MIN_PEOPLE}); about "
            "40 per team, with divisions between departments and teams above 480.",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f'Password of every demo login (default "{DEFAULT_PASSWORD}").',
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed, the same data."
        )

    def handle(self, *args, people: int, password: str, seed: int, **options) -> None:
        try:
            summary = demo_organization_create(people=people, password=password, seed=seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(f"Demo organization created in {summary.seconds:.1f} s.")
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "A demo organization already exists: nothing added, the five logins reset."
                )
            )
        self.stdout.write(
            f"  {summary.people} people in {summary.teams} teams, {summary.cycles} cycles, "
            f"{summary.ratings} ratings ({summary.self_ratings} self, "
            f"{summary.manager_ratings} manager), {summary.plan_items} learning-plan items, "
            f"{summary.concerns} concerns."
        )
        self.stdout.write(f"Logins (password: {password}):")
        for login in summary.logins:
            self.stdout.write(
                f"  {login.username:<9} {login.first_name} {login.last_name} — {login.description}"
            )
