"""The steps a run reads as plain rows (``assessments.reminders.steps``): the person an email
goes to is named as ``Person.display_name`` names them, and a template asking more of them
fails instead of printing nothing."""

import dataclasses
import datetime as dt

import pytest
from django.template import Context, Template

from assessments.models import Reminder
from assessments.reminders import claim as claim_module
from assessments.reminders.steps import NewStep, Recipient, UnknownAttribute, claimed_steps
from tests.orgs.reminder import add_person


def test_a_template_asking_a_recipient_for_more_than_it_was_read_with_fails():
    recipient = Recipient(7, "Ana Tester", "ana@example.com")

    assert (
        Template("{{ person.display_name }} <{{ person.email }}>").render(
            Context({"person": recipient})
        )
        == "Ana Tester <ana@example.com>"
    )
    with pytest.raises(UnknownAttribute):
        Template("{{ person.team.name }}").render(Context({"person": recipient}))


@pytest.mark.django_db
def test_claimed_steps_name_each_person_as_their_display_name(reminder_org):
    named = add_person(reminder_org, "ana", assessed_at=None)
    first_only = add_person(reminder_org, "ben", assessed_at=None)
    first_only.user.last_name = ""
    first_only.user.save()
    nameless = add_person(reminder_org, "cy-7", assessed_at=None)
    nameless.user.first_name = nameless.user.last_name = ""
    nameless.user.save()
    people = [named, first_only, nameless]
    for person in people:
        Reminder.objects.create(
            person=person, kind="due", period="cadence:never", due_on=dt.date(2026, 4, 5)
        )

    steps = claimed_steps(Reminder.objects.order_by("person_id"))

    assert [(s.person.pk, s.person.display_name, s.person.email) for s in steps] == [
        (p.pk, p.display_name, p.email) for p in people
    ]
    assert [p.display_name for p in people] == ["Ana Tester", "Ben", "cy-7"]
    assert {(s.kind, s.sequence, s.due_on) for s in steps} == {("due", 0, dt.date(2026, 4, 5))}


def test_a_new_step_holds_every_column_a_claim_inserts():
    # A column added to Reminder must be added to NewStep too: the claim inserts them all.
    assert [field.name for field in dataclasses.fields(NewStep)] == claim_module._COLUMNS
