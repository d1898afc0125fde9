"""The demo's past readiness snapshots, so the dashboard's trend has a history from day one.

A snapshot of a past date is written by the nightly task's own code (``snapshots_write``),
which reads the ratings and submissions in the database as they are now. To show it the
database as it was on that date, the ratings and submissions made after the date are set
aside in a temporary table (and put back afterwards, ids and all), and the people who had not
joined yet are left out (``is_active`` off meanwhile). Dates go newest first so each step only
sets aside more rows. All of it is set-based SQL inside the demo's transaction.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from assessments.models import AssessmentSubmission, SkillRating
from assessments.snapshots import SnapshotResult, snapshots_write
from demo.state import DemoState
from readiness.models import Person

#: The rows ``snapshots_write`` reads that carry a date, and the field that says when.
DATED_ROWS: tuple[tuple[type[SkillRating] | type[AssessmentSubmission], str], ...] = (
    (SkillRating, "created_at"),
    (AssessmentSubmission, "submitted_at"),
)


def snapshots_backfill(dates: Iterable[date]) -> list[SnapshotResult]:
    """Write the snapshot of each past date from the ratings, submissions and people of that
    date; the database holds the same ratings, submissions and people afterwards."""
    days = sorted(set(dates), reverse=True)
    if not days:
        return []
    quote = connection.ops.quote_name
    tables = [
        (
            model._meta.db_table,
            f"demo_aside_{model._meta.db_table}",
            field,
            quote(model._meta.pk.column),
        )
        for model, field in DATED_ROWS
    ]
    not_joined: list[int] = []
    results = []
    with transaction.atomic(), connection.cursor() as cursor:
        for table, aside, *_ in tables:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {quote(aside)} AS "  # nosec B608 # table names from the models, quoted; values as parameters
                f"SELECT * FROM {quote(table)} WHERE 1 = 0"
            )
        for day in days:
            # Everything stamped after the day (in the organization's time zone) goes aside.
            after = timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))
            for (table, aside, field, pk), (model, _) in zip(tables, DATED_ROWS, strict=True):
                later, params = (
                    model.objects.filter(**{f"{field}__gte": after})
                    .order_by()
                    .values("pk")
                    .query.sql_with_params()
                )
                cursor.execute(
                    f"INSERT INTO {quote(aside)} SELECT * FROM {quote(table)} "  # nosec B608 # table names from the models, quoted; values as parameters
                    f"WHERE {pk} IN ({later})",
                    params,
                )
                cursor.execute(
                    f"DELETE FROM {quote(table)} "  # nosec B608 # table names from the models, quoted; values as parameters
                    f"WHERE {pk} IN (SELECT {pk} FROM {quote(aside)})"
                )
            joining = list(
                Person.objects.filter(is_active=True, start_date__gt=day).values_list(
                    "pk", flat=True
                )
            )
            Person.objects.filter(pk__in=joining).update(is_active=False)
            not_joined += joining
            results.append(snapshots_write(date=day))
        for table, aside, *_ in tables:
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(aside)}")  # nosec B608 # table names from the models, quoted; values as parameters
            cursor.execute(f"DROP TABLE {quote(aside)}")
        Person.objects.filter(pk__in=not_joined).update(is_active=True)
    return sorted(results, key=lambda result: result.date)


class TrendSteps(DemoState):
    """The trend step of ``DemoBuilder``: a snapshot at the close of each past cycle."""

    def _create_snapshots(self) -> None:
        if connection.vendor == "postgresql":
            # Fresh rows without statistics make the snapshot queries hash-join every rating.
            fresh = [Person, SkillRating, AssessmentSubmission]
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE "
                    + ", ".join(connection.ops.quote_name(model._meta.db_table) for model in fresh)
                )
        snapshots_backfill(timezone.localdate(cycle.closed_at) for cycle in self.cycles)
