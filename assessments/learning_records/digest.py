"""Expiring certifications in the managers' digest, through the reminders' exactly-once claim.

Each certification of an active person that expires within CERTIFICATION_DIGEST_DAYS of the
run's day is one step per manager of the holder (``managers_to_notify``: the same managers an
escalation goes to): a ``Reminder`` of kind ``cert_digest`` whose period is the expiry
sequence's own (``certification:<id>:<expiry date>``). The uniqueness constraint on
(person, kind, period, sequence, recipient) lets one run insert it, so each manager reads about
each expiry once; a renewal moves the expiry, so a renewed certification is a new sequence,
listed again only when it nears its new expiry. The run's ``send_digests`` reads these steps back
with the escalations, and sends each manager one digest with both.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from assessments.emails import absolute_reverse
from assessments.learning_records.digest_entry import ExpiringEntry
from assessments.learning_records.models import PersonCertification
from assessments.learning_records.reminders import certification_period
from assessments.learning_records.verified import day_start
from assessments.models import Reminder, ReminderKind
from assessments.reminders.claim import LEASE, claim
from assessments.reminders.plan import managers_to_notify
from assessments.reminders.state import ReminderRun

KIND = ReminderKind.CERTIFICATION_DIGEST


def _expiring(run: ReminderRun) -> list[PersonCertification]:
    """Certifications of active people that expire from the run's day to the end of the
    window (organization dates), one query."""
    last_day = run.today + dt.timedelta(days=settings.CERTIFICATION_DIGEST_DAYS)
    return list(
        PersonCertification.objects.filter(
            expires_at__gte=day_start(run.today),
            expires_at__lt=day_start(last_day + dt.timedelta(days=1)),
            person__is_active=True,
            person__user__is_active=True,
        ).only("id", "person_id", "expires_at")
    )


def certification_digest_claim(run: ReminderRun) -> None:
    """Plan and claim this run's digest steps: a new step per (expiring certification,
    manager) not recorded yet, and the unsent ones whose claim expired."""
    certifications = {certification_period(c): c for c in _expiring(run)}
    if not certifications:
        return
    recorded: dict[tuple[str, int | None], Reminder] = {
        (row.period, row.recipient_id): row
        for row in Reminder.objects.filter(kind=KIND, period__in=list(certifications)).only(
            "id", "period", "recipient_id", "claimed_at", "sent_at"
        )
    }
    managers = managers_to_notify(sorted({c.person_id for c in certifications.values()}))
    expired_claims = timezone.now() - LEASE
    new_rows: list[Reminder] = []
    retry_ids: list[int] = []
    now = timezone.now()
    for period, certification in certifications.items():
        for manager_id in managers.get(certification.person_id, []):
            row = recorded.get((period, manager_id))
            if row is None:
                new_rows.append(
                    Reminder(
                        person_id=certification.person_id,
                        kind=KIND,
                        period=period,
                        sequence=0,
                        recipient_id=manager_id,
                        due_on=timezone.localdate(certification.expires_at),
                        created_at=now,
                        claimed_by=run.token,
                        claimed_at=now,
                    )
                )
            elif row.sent_at is None and (
                row.claimed_at is None or row.claimed_at < expired_claims
            ):
                retry_ids.append(row.pk)
    if new_rows or retry_ids:
        claim(run, new_rows, retry_ids)


def certifications_of(rows: list[Reminder]) -> dict[int, PersonCertification]:
    """The certifications of these digest steps, by id, with what their entries say: one
    query for all the managers' digests of a run."""
    return PersonCertification.objects.select_related(
        "person__user", "person__team", "certification"
    ).in_bulk({_certification_id(row) for row in rows})


def _certification_id(row: Reminder) -> int:
    return int(row.period.split(":")[1])


def certification_entries(
    run: ReminderRun, rows: list[Reminder], certifications: dict[int, PersonCertification]
) -> list[ExpiringEntry]:
    """What the digest says of each claimed step, soonest expiry first, from
    ``certifications`` (``certifications_of``); a certification deleted meanwhile is left out
    (its step is marked sent with the rest of the digest; a digest left with nothing to say is
    not sent, and its steps stay unsent: no later run plans a deleted certification again)."""
    entries = []
    for row in rows:
        certification = certifications.get(_certification_id(row))
        if certification is None or row.due_on is None:
            continue
        person = certification.person
        curated = certification.certification
        entries.append(
            ExpiringEntry(
                reminder_id=row.pk,
                person_id=person.pk,
                person_name=person.display_name,
                team_name=person.team.name if person.team else "",
                name=certification.name,
                expires_on=row.due_on,
                days_left=(row.due_on - run.today).days,
                person_url=absolute_reverse("assessments:person-detail", args=(person.pk,)) or "",
                renewal_url=curated.renewal_url if curated else "",
            )
        )
    return sorted(entries, key=lambda e: (e.expires_on, e.person_name.lower(), e.name))
