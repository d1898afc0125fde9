"""``send_reminders_now``: today's steps are sent; ``--dry-run``, and a ``--date`` other than
today without ``--send``, list what would go out and record nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from assessments.models import Reminder
from tests.assessments.reminder_helpers import at
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

pytestmark = pytest.mark.django_db

ASSESSED = at(dt.date(2026, 1, 5), 9)  # + 90 days = 5 April 2026
DUE = dt.date(2026, 4, 5)


@pytest.fixture(autouse=True)
def _setup(settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.TIME_ZONE = "Europe/Paris"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def ana(reminder_org):
    org = reminder_org
    return add_person(org, "ana", assessed_at=ASSESSED)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders_now", *args, stdout=out)
    return out.getvalue()


def test_today_sends_and_records(ana, mailoutbox):
    with time_machine.travel(at(DUE), tick=False):
        output = run()
    assert [m.to for m in mailoutbox] == [[ana.email]]
    assert Reminder.objects.filter(person=ana, sent_at__isnull=False).count() == 1
    assert "sent 1 due" in output


def test_dry_run_lists_what_would_go_out_and_records_nothing(ana, mailoutbox):
    with time_machine.travel(at(DUE), tick=False):
        output = run("--dry-run")
        assert mailoutbox == []
        assert not Reminder.objects.exists()
        assert ana.email in output
        assert "would send 1 due" in output and "Dry run" in output
        # The real run afterwards sends what the dry run listed.
        run()
    assert [m.to for m in mailoutbox] == [[ana.email]]


def test_another_date_is_a_dry_run_unless_send_is_given(ana, mailoutbox):
    with time_machine.travel(at(DUE - dt.timedelta(days=30)), tick=False):
        output = run("--date", DUE.isoformat())
        assert mailoutbox == [] and not Reminder.objects.exists()
        assert ana.email in output and "without --send" in output

        output = run("--date", DUE.isoformat(), "--send")
    assert [m.to for m in mailoutbox] == [[ana.email]]
    assert Reminder.objects.filter(person=ana, sent_at__isnull=False).count() == 1
    assert "Dry run" not in output


def test_todays_date_given_explicitly_sends(ana, mailoutbox):
    with time_machine.travel(at(DUE), tick=False):
        run("--date", DUE.isoformat())
    assert len(mailoutbox) == 1


def test_dry_run_and_send_together_are_refused(ana):
    with pytest.raises(CommandError):
        run("--dry-run", "--send")
