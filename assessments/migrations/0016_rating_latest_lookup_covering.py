"""The latest-rating index gains ``-id`` (the tie-break of "the newest rating") and covers level
and interest, so that the states statement reads each person's newest ratings from the index
alone, in order, without sorting them (issue 18; ``include`` is PostgreSQL-only, ignored on
SQLite). Building it on 2 M ratings takes a few seconds."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0015_dashboard_figures"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="skillrating",
            name="rating_latest_lookup",
        ),
        migrations.AddIndex(
            model_name="skillrating",
            index=models.Index(
                fields=["person", "skill", "source", "-created_at", "-id"],
                include=("level", "interest"),
                name="rating_latest_lookup",
            ),
        ),
    ]
