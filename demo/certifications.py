"""The demo's certifications: a small curated list and people holding them, so the certification
pages (a person's certifications, a team's coverage, the dashboard's coverage, the expiry
reminders and the manager's digest) have something to show in ``make run``."""

from __future__ import annotations

from datetime import timedelta

from assessments.learning_records.models import CertificationSource, PersonCertification
from catalog.certifications.models import Certification
from catalog.models import Provider
from demo.state import DemoState
from readiness.models import Person

LEARN_CREDENTIALS = "https://learn.microsoft.com/credentials/certifications/"
#: name, exam codes, validity in months (None: does not expire), renewal page.
CERTIFICATIONS = (
    ("Microsoft Certified: Azure AI Fundamentals", "AI-900", None, "azure-ai-fundamentals/"),
    ("Microsoft Certified: Azure AI Engineer Associate", "AI-102", 12, "azure-ai-engineer/"),
    ("Microsoft Certified: Azure Data Scientist Associate", "DP-100", 12, "azure-data-scientist/"),
)


class CertificationSteps(DemoState):
    def _create_certifications(self) -> None:
        """About one person in four holds a certification; the role-based ones earned over the
        past year, so some expire within 90 days and a few have lapsed."""
        provider = Provider.objects.get(slug="microsoft-learn")
        curated = [
            Certification.objects.get_or_create(
                name=name,
                defaults={
                    "provider": provider,
                    "exam_codes": exams,
                    "validity_months": months,
                    "renewal_url": LEARN_CREDENTIALS + page if months else "",
                },
            )[0]
            for name, exams, months, page in CERTIFICATIONS
        ]
        people = list(Person.objects.filter(is_active=True).order_by("pk"))
        rows = []
        for person in people:
            if self.rng.random() >= 0.25:
                continue
            certification = self.rng.choice(curated)
            earned = self.now - timedelta(days=self.rng.randint(20, 420))
            expires = (
                earned + timedelta(days=365) if certification.validity_months is not None else None
            )
            rows.append(
                PersonCertification(
                    person=person,
                    certification=certification,
                    name=certification.name,
                    number=f"DEMO-{person.pk:05d}",
                    source=CertificationSource.MANUAL,
                    earned_at=earned,
                    expires_at=expires,
                )
            )
        PersonCertification.objects.bulk_create(rows)
