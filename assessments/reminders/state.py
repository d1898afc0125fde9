"""What one reminder run carries from its first batch to its digests: its day, its claim token,
the open cycles it has read, and what it sent."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from assessments.emails import EmailBatch, absolute_reverse
from assessments.models import AssessmentCycle, ReminderKind
from readiness.webhooks.services import Event

#: Where a person acts on a reminder (the self-assessment page of the employee area).
MY_ASSESSMENT_PATH = "/me/assessment/"


def my_assessment_url() -> str:
    # The self-assessment page belongs to the employee area; its path is fixed by the product.
    return absolute_reverse("assessments:my-assessment", fallback=MY_ASSESSMENT_PATH)


@dataclass(frozen=True, slots=True)
class SentEmail:
    kind: str
    to: str
    subject: str
    people: tuple[int, ...]


@dataclass
class ReminderRunResult:
    """What one run did: the emails it sent, in order."""

    today: dt.date
    people_checked: int = 0
    people_due: int = 0
    sent: list[SentEmail] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        totals = {kind.value: 0 for kind in ReminderKind}
        for email in self.sent:
            totals[email.kind] += 1
        return totals

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "people_checked": self.people_checked,
            "people_due": self.people_due,
            "sent": self.counts(),
        }


@dataclass(frozen=True, slots=True)
class Outgoing:
    message: EmailMultiAlternatives
    reminder_ids: list[int]
    record: SentEmail
    #: The webhook event of the step (``person.due``, ``certification.expiring``), emitted when
    #: the step is marked sent.
    event: Event | None = None


@dataclass(eq=False)
class ReminderRun:
    """One run: the rows it claims carry its ``token``; ``mail_backend`` None is the
    configured one (a preview passes the dummy backend)."""

    today: dt.date
    mail_backend: str | None = None
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    result: ReminderRunResult = field(init=False)
    #: The open cycles, read the first time a due person's cycle is needed.
    cycles: dict[int, AssessmentCycle] = field(default_factory=dict)
    my_assessment_url: str = field(default_factory=my_assessment_url)
    #: Renders each distinct email context once for the whole run.
    emails: EmailBatch = field(default_factory=EmailBatch)
    #: The organization's time zone, for the run's local dates (read once: the current zone
    #: costs a context-local lookup at each ``timezone.localdate`` without it).
    zone: dt.tzinfo = field(default_factory=timezone.get_current_timezone)

    def __post_init__(self) -> None:
        self.result = ReminderRunResult(today=self.today)
