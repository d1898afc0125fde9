"""The manager's digest lists their people's certifications expiring in the next 30 days, each
once per (certification, expiry, manager), with travelled time: not before the window, once
in it, again only after a renewal nears its new expiry; through the same claim as the
escalations (a failed send loses nothing and sends nothing twice; a preview records nothing);
one digest per manager with the escalations when both are due the same day."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.learning_records.models import PersonCertification
from assessments.models import Reminder
from assessments.reminders.run import reminders_preview, reminders_send
from catalog.models import Certification
from tests.assessments.reminder_helpers import CrashingBackend, at
from tests.factories import ProviderFactory, UserFactory
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

pytestmark = pytest.mark.django_db

ENGINEER = "Microsoft Certified: Azure AI Engineer Associate"
RENEW = "https://learn.microsoft.com/credentials/renew-engineer"
EXPIRY = dt.date(2027, 1, 15)
RECENT = at(dt.date(2026, 12, 1), 9)  # assessed recently: no reassessment reminder


@pytest.fixture(autouse=True)
def _setup(settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.CERTIFICATION_DIGEST_DAYS = 30
    settings.SITE_URL = "https://readiness.example.com"


@pytest.fixture
def org(reminder_org):
    return reminder_org


def certify(person, expires_on: dt.date = EXPIRY, name: str = ENGINEER) -> PersonCertification:
    curated, _ = Certification.objects.get_or_create(
        name=name, defaults={"provider": ProviderFactory(), "renewal_url": RENEW}
    )
    expires = at(expires_on, 12)
    return PersonCertification.objects.create(
        person=person,
        certification=curated,
        name=name,
        source="transcript",
        earned_at=expires - dt.timedelta(days=365),
        expires_at=expires,
    )


def digests_on(day: dt.date, mailbox, manager) -> list:
    """Run the reminders on ``day``: the digests ``manager`` got from that run."""
    before = len(mailbox)
    with time_machine.travel(at(day), tick=False):
        reminders_send()
    return [m for m in mailbox[before:] if m.to == [manager.email]]


def test_listed_once_from_thirty_days_before(org, mailoutbox) -> None:
    ana = add_person(org, "ana", assessed_at=RECENT)
    certify(ana)
    assert digests_on(dt.date(2026, 12, 15), mailoutbox, org.manager) == []  # 31 days before
    [digest] = digests_on(dt.date(2026, 12, 16), mailoutbox, org.manager)  # 30 days before
    assert digest.subject == "1 certification in your teams expires within 30 days"
    text, html = digest.body, digest.alternatives[0][0]
    for body in (text, html):
        assert "Hello Maya Manager" in body
        assert "Ana Tester" in body and ENGINEER in body and "Platform" in body
        assert "in 30 days" in body and RENEW in body
        assert "overdue" not in body
    assert "15 January 2027" in text and "15 Jan 2027" in html
    assert f"https://readiness.example.com/people/{ana.pk}/" in html
    for day in (
        dt.date(2026, 12, 16),
        dt.date(2026, 12, 17),
        dt.date(2027, 1, 8),
        dt.date(2027, 1, 15),
        dt.date(2027, 1, 16),
    ):
        assert digests_on(day, mailoutbox, org.manager) == []
    # Neither the department head above nor the holder hear of it.
    assert all(m.to != [org.department_head.email] for m in mailoutbox)
    assert all(m.to != [ana.email] for m in mailoutbox)
    [row] = Reminder.objects.filter(kind="cert_digest")
    assert (row.person_id, row.recipient_id, row.due_on) == (ana.pk, org.manager.pk, EXPIRY)
    assert row.sent_at is not None


def test_several_in_one_digest_soonest_first(org, mailoutbox) -> None:
    ana = add_person(org, "ana", assessed_at=RECENT)
    ben = add_person(org, "ben", assessed_at=RECENT)
    certify(ana)
    certify(ben, EXPIRY - dt.timedelta(days=10), name="Microsoft Certified: Fabric Analyst")
    certify(ben, EXPIRY + dt.timedelta(days=60), name="Far away")
    [digest] = digests_on(dt.date(2026, 12, 16), mailoutbox, org.manager)
    assert digest.subject == "2 certifications in your teams expire within 30 days"
    assert digest.body.index("Fabric Analyst") < digest.body.index(ENGINEER)
    assert "in 20 days" in digest.body and "Far away" not in digest.body


def test_the_nearest_managers_hear_of_it(org, mailoutbox) -> None:
    """The same managers as an escalation: the holder's team's, else the nearest team above."""
    head_report = add_person(org, "hana", assessed_at=RECENT, team=org.department)
    certify(head_report)
    platform_manager = add_person(org, "mia", assessed_at=RECENT)
    org.team.managers.set([platform_manager.user])  # she manages her own team only
    certify(platform_manager, name="Managers own")
    day = dt.date(2026, 12, 16)
    with time_machine.travel(at(day), tick=False):
        reminders_send()
    to_head = [m for m in mailoutbox if m.to == [org.department_head.email]]
    assert len(to_head) == 1
    assert "Hana Tester" in to_head[0].body and "Mia Tester" in to_head[0].body
    assert [m for m in mailoutbox if m.to == [platform_manager.email]] == []


def test_inactive_holders_are_not_listed(org, mailoutbox) -> None:
    ana = add_person(org, "ana", assessed_at=RECENT)
    certify(ana)
    ana.is_active = False
    ana.save()
    assert digests_on(dt.date(2026, 12, 16), mailoutbox, org.manager) == []
    assert not Reminder.objects.filter(kind="cert_digest").exists()


def test_a_renewal_lists_it_again_only_near_the_new_expiry(org, mailoutbox) -> None:
    ana = add_person(org, "ana", assessed_at=RECENT)
    held = certify(ana)
    assert len(digests_on(dt.date(2026, 12, 16), mailoutbox, org.manager)) == 1
    held.expires_at = at(dt.date(2028, 1, 15), 12)  # renewed upstream (the next sync)
    held.save()
    assert digests_on(dt.date(2026, 12, 20), mailoutbox, org.manager) == []
    assert digests_on(dt.date(2027, 12, 15), mailoutbox, org.manager) == []
    [again] = digests_on(dt.date(2027, 12, 16), mailoutbox, org.manager)
    assert "15 January 2028" in again.body
    assert Reminder.objects.filter(kind="cert_digest", sent_at__isnull=False).count() == 2


def test_a_failed_send_loses_nothing_and_sends_nothing_twice(org, mailoutbox, settings) -> None:
    ana = add_person(org, "ana", assessed_at=RECENT)
    certify(ana)
    settings.EMAIL_BACKEND = "tests.assessments.reminder_helpers.CrashingBackend"
    CrashingBackend.limit = 0
    with time_machine.travel(at(dt.date(2026, 12, 16)), tick=False), pytest.raises(RuntimeError):
        reminders_send()
    [row] = Reminder.objects.filter(kind="cert_digest")
    assert (row.sent_at, row.claimed_by) == (None, "")  # released for the next run
    CrashingBackend.limit = 1000
    assert len(digests_on(dt.date(2026, 12, 17), mailoutbox, org.manager)) == 1
    assert digests_on(dt.date(2026, 12, 18), mailoutbox, org.manager) == []


def test_a_preview_lists_it_and_records_nothing(org, mailoutbox) -> None:
    ana = add_person(org, "ana", assessed_at=RECENT)
    certify(ana)
    with time_machine.travel(at(dt.date(2026, 12, 16)), tick=False):
        preview = reminders_preview()
    assert [(e.kind, e.to) for e in preview.sent] == [("cert_digest", org.manager.email)]
    assert preview.counts()["cert_digest"] == 1
    assert not Reminder.objects.exists() and mailoutbox == []
    assert len(digests_on(dt.date(2026, 12, 16), mailoutbox, org.manager)) == 1


def test_one_digest_with_the_escalations_of_the_same_day(org, mailoutbox) -> None:
    assessed = at(dt.date(2026, 1, 5), 9)
    due = dt.date(2026, 4, 5)
    overdue = add_person(org, "olga", assessed_at=assessed)
    holder = add_person(org, "hugh", assessed_at=at(due, 9))
    certify(holder, due + dt.timedelta(days=58))  # enters the window with the escalation
    for offset in (0, 7, 14, 21):
        assert digests_on(due + dt.timedelta(days=offset), mailoutbox, org.manager) == []
    [digest] = digests_on(due + dt.timedelta(days=28), mailoutbox, org.manager)
    assert digest.subject == (
        "1 person in your teams is overdue with their skills self-assessment; "
        "1 certification expiring"
    )
    assert overdue.display_name in digest.body and "Hugh Tester" in digest.body
    assert ENGINEER in digest.body and "in 30 days" in digest.body


def queries_of_a_run(day: dt.date) -> int:
    with time_machine.travel(at(day), tick=False), CaptureQueriesContext(connection) as queries:
        reminders_send()
    return sum(not q["sql"].startswith(("SAVEPOINT", "RELEASE")) for q in queries)


def test_the_digests_of_more_managers_take_no_more_queries(org, mailoutbox) -> None:
    """The expiring certifications of every digest are read at once, not once per manager."""
    certify(add_person(org, "ana", assessed_at=RECENT))
    one_manager = queries_of_a_run(dt.date(2026, 12, 16))
    for name in ("data", "web", "ops"):
        team = org.team.__class__.objects.create(name=name.title(), parent=org.department)
        team.managers.add(UserFactory(username=f"{name}-lead", email=f"{name}@example.com"))
        certify(add_person(org, f"{name}-one", assessed_at=RECENT, team=team))
    mailoutbox.clear()

    assert queries_of_a_run(dt.date(2026, 12, 17)) == one_manager
    assert sorted(m.to[0] for m in mailoutbox) == [
        "data@example.com",
        "ops@example.com",
        "web@example.com",
    ]
