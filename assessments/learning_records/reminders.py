"""Certification expiry reminders, through the reminders' exactly-once machinery.

Each certification with an expiry is a sequence whose ``period`` is
``certification:<id>:<expiry date>``; step ``n`` is the n-th of CERTIFICATION_REMINDER_DAYS
(60, 30, 7 days before). Only the latest step reached is sent (someone who becomes known 20
days before expiry gets the 30-day message, not the 60-day one too). A renewal moves the
expiry, so the period changes and the old sequence stops. Claiming, sending and releasing
are ``assessments.reminders``' own (``claim``, ``deliver``) (the same Reminder rows, constraint and lease).
Each step sent emits a ``certification.expiring`` webhook event with it (the same outbox
transaction; the event id is the step's, so a step sent again is one event).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from assessments.emails import absolute_reverse, email_build, message_id
from assessments.learning_records.models import PersonCertification
from assessments.models import Reminder, ReminderKind
from assessments.reminders.claim import LEASE, claim, release
from assessments.reminders.deliver import deliver
from assessments.reminders.state import Outgoing, ReminderRun, ReminderRunResult, SentEmail
from readiness.webhooks.models import EventType
from readiness.webhooks.services import Event, event_id_for

KIND = ReminderKind.CERTIFICATION_EXPIRY


def certification_period(certification: PersonCertification) -> str:
    return f"certification:{certification.pk}:{timezone.localdate(certification.expires_at)}"


def certification_reminders_send(*, today: dt.date | None = None) -> ReminderRunResult:
    """Send each expiry reminder due today exactly once; safe to repeat or run twice."""
    run = _ExpiryRun(today=today or timezone.localdate())
    try:
        run.remind()
    except BaseException:
        release(run)
        raise
    return run.result


class _ExpiryRun(ReminderRun):
    def remind(self) -> None:
        days = sorted(set(settings.CERTIFICATION_REMINDER_DAYS), reverse=True)
        if not days:
            return
        certifications = {c.pk: c for c in self._expiring(max(days))}
        self.result.people_checked = len({c.person_id for c in certifications.values()})
        planned = self._plan_steps(certifications, days)
        if planned:
            claim(self, *planned)
        claimed = list(
            Reminder.objects.filter(claimed_by=self.token, sent_at__isnull=True, kind=KIND)
            .select_related("person__user")
            .order_by("person_id", "pk")
        )
        outgoing = []
        for row in claimed:
            certification = certifications.get(int(row.period.split(":")[1]))
            if certification is None:  # expired or renewed meanwhile: nothing to say
                continue
            outgoing.append(self._expiry_message(row, certification))
        deliver(self, outgoing)

    def _expiring(self, horizon_days: int) -> list[PersonCertification]:
        start = timezone.now()
        end = start + dt.timedelta(days=horizon_days + 1)
        return list(
            PersonCertification.objects.filter(
                expires_at__gt=start,
                expires_at__lt=end,
                person__is_active=True,
                person__user__is_active=True,
            )
            .exclude(person__user__email="")
            .select_related("certification")
        )

    def _plan_steps(
        self, certifications: dict[int, PersonCertification], days: list[int]
    ) -> tuple[list[Reminder], list[int]] | None:
        periods = {certification_period(c): c for c in certifications.values()}
        existing: dict[str, list[Reminder]] = {}
        for row in Reminder.objects.filter(kind=KIND, period__in=list(periods)):
            existing.setdefault(row.period, []).append(row)
        expired_claims = timezone.now() - LEASE
        new_rows, retry_ids = [], []
        for period, certification in periods.items():
            rows = existing.get(period, [])
            unsent = [row for row in rows if row.sent_at is None]
            if unsent:
                retry_ids += [
                    r.pk for r in unsent if r.claimed_at is None or r.claimed_at < expired_claims
                ]
                continue
            expiry = timezone.localdate(certification.expires_at)
            left = (expiry - self.today).days
            reached = [step for step, before in enumerate(days) if left <= before]
            if not reached or max(reached) <= max((r.sequence for r in rows), default=-1):
                continue
            now = timezone.now()
            new_rows.append(
                Reminder(
                    person_id=certification.person_id,
                    kind=KIND,
                    period=period,
                    sequence=max(reached),
                    due_on=expiry,
                    created_at=now,
                    claimed_by=self.token,
                    claimed_at=now,
                )
            )
        return (new_rows, retry_ids) if new_rows or retry_ids else None

    def _expiry_message(self, row: Reminder, certification: PersonCertification) -> Outgoing:
        person = row.person
        curated = certification.certification
        if row.due_on is None:  # never: an expiry reminder is due on the expiry date
            raise ValueError(f"Reminder {row.pk} has no due date.")
        context = {
            "person": person,
            "name": certification.name,
            "expires_on": row.due_on,
            "days_left": (row.due_on - self.today).days,
            "renewal_url": curated.renewal_url if curated else "",
            "action_url": absolute_reverse("assessments:my-verified-learning", fallback="/"),
        }
        message = email_build(
            name="certification_expiry",
            to=[person.email],
            context=context,
            headers={"Message-ID": message_id(f"certification-{row.pk}")},
        )
        record = SentEmail(KIND, person.email, str(message.subject), (person.pk,))
        event = Event(
            EventType.CERTIFICATION_EXPIRING,
            {
                "person": person.pk,
                "certification": curated.pk if curated else None,
                "name": certification.name,
                "expires_on": row.due_on,
                "days_left": context["days_left"],
                "renewal_url": context["renewal_url"],
            },
            event_id_for(f"certification-{row.pk}"),
        )
        return Outgoing(message, [row.pk], record, event)
