"""Open Badges: the curators' badge rules and the badges people uploaded (their tables get
the data-version triggers: readiness/data_version.py), the "Open Badge" verification and
certification sources."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from readiness.migration_operations import VendorRunSQL

TABLES = ["assessments_badgerule", "assessments_badgeaward"]
# The trigger function and SQLite's trigger body, as migration readiness 0011 created them.
_triggers = importlib.import_module("readiness.migrations.0011_data_version_triggers")
TRIGGER = _triggers.TRIGGER
POSTGRES = [
    f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()'
    for table in TABLES
]
POSTGRES_REVERSE = [f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"' for table in TABLES]
SQLITE_NAMES = [
    (f"{TRIGGER}_{table}_{operation.lower()}", operation, table)
    for table in TABLES
    for operation in ("INSERT", "UPDATE", "DELETE")
]
SQLITE = [
    statement
    for name, operation, table in SQLITE_NAMES
    for statement in (
        f"DROP TRIGGER IF EXISTS {name}",
        f'CREATE TRIGGER {name} AFTER {operation} ON "{table}" BEGIN {_triggers.SQLITE_BODY}END',
    )
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {name}" for name, _, _ in SQLITE_NAMES]


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0013_resource_effectiveness"),
        ("catalog", "0005_certification_catalog"),
        ("readiness", "0012_scim_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="learningplanitem",
            name="verified_by",
            field=models.CharField(
                blank=True,
                choices=[("microsoft_learn", "Microsoft Learn"), ("open_badge", "Open Badge")],
                default="",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="personcertification",
            name="source",
            field=models.CharField(
                choices=[
                    ("transcript", "Microsoft Learn transcript"),
                    ("manual", "Entered by hand"),
                    ("badge", "Open Badge"),
                ],
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="verifiedcompletion",
            name="source",
            field=models.CharField(
                choices=[("microsoft_learn", "Microsoft Learn"), ("open_badge", "Open Badge")],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="BadgeRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("issuer_id", models.CharField(max_length=500)),
                ("badge_class_id", models.CharField(max_length=500)),
                ("badge_name", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "certification",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.certification",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "resource",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.trainingresource",
                    ),
                ),
            ],
            options={
                "ordering": ["badge_name", "pk"],
            },
        ),
        migrations.CreateModel(
            name="BadgeAward",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("spec_version", models.CharField(max_length=8)),
                ("assertion_id", models.CharField(max_length=500)),
                ("issuer_id", models.CharField(max_length=500)),
                ("issuer_name", models.CharField(max_length=200)),
                ("badge_class_id", models.CharField(max_length=500)),
                ("name", models.CharField(max_length=200)),
                ("issued_on", models.DateField()),
                ("expires_on", models.DateField(blank=True, null=True)),
                (
                    "verification",
                    models.CharField(
                        choices=[
                            ("hosted", "Hosted by the issuer"),
                            ("signed", "Signed by the issuer"),
                            ("embedded", "Signed, with the key in the credential"),
                        ],
                        max_length=8,
                    ),
                ),
                ("verified_at", models.DateTimeField()),
                ("recipient_matched", models.BooleanField(default=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("mapped", "Mapped"),
                            ("waiting", "Waiting for a curator"),
                            ("refused", "Refused"),
                        ],
                        max_length=8,
                    ),
                ),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "certification",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="assessments.personcertification",
                    ),
                ),
                (
                    "completion",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="assessments.verifiedcompletion",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="badge_awards",
                        to="readiness.person",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="awards",
                        to="assessments.badgerule",
                    ),
                ),
            ],
            options={
                "ordering": ["-issued_on", "name"],
            },
        ),
        migrations.AddConstraint(
            model_name="badgerule",
            constraint=models.UniqueConstraint(
                fields=("issuer_id", "badge_class_id"), name="one_badge_rule"
            ),
        ),
        migrations.AddConstraint(
            model_name="badgerule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("certification__isnull", False), ("resource__isnull", True)),
                    models.Q(("certification__isnull", True), ("resource__isnull", False)),
                    _connector="OR",
                ),
                name="badge_rule_one_target",
            ),
        ),
        migrations.AddIndex(
            model_name="badgeaward",
            index=models.Index(
                fields=["status", "issuer_id", "badge_class_id"], name="badge_award_queue"
            ),
        ),
        migrations.AddConstraint(
            model_name="badgeaward",
            constraint=models.UniqueConstraint(
                fields=("person", "assertion_id"), name="one_badge_award"
            ),
        ),
        migrations.AddConstraint(
            model_name="badgeaward",
            constraint=models.CheckConstraint(
                condition=models.Q(("recipient_matched", True)),
                name="badge_award_recipient_matched",
            ),
        ),
        VendorRunSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
    ]
