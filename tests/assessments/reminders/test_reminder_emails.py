"""What reminder emails say: subject, both parts, the absolute link, why they were sent."""

import datetime as dt

import pytest
import time_machine

from assessments.emails import EmailBatch, email_build
from assessments.reminders.run import reminders_send
from readiness.models import Person, Team
from tests.assessments.reminder_helpers import at
from tests.factories import AssessmentCycleFactory
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

pytestmark = pytest.mark.django_db

ASSESSED = at(dt.date(2026, 1, 5), 9)
DUE = dt.date(2026, 4, 5)
LINK = "https://readiness.example.com/me/assessment/"


@pytest.fixture(autouse=True)
def _setup(settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.SITE_URL = "https://readiness.example.com"


@pytest.fixture
def org(reminder_org):
    return reminder_org


def send_on(day: dt.date) -> None:
    with time_machine.travel(at(day), tick=False):
        reminders_send()


def parts(message) -> tuple[str, str]:
    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.body, html


def test_due_email_says_what_is_due_by_when_and_links_to_the_assessment(org, mailoutbox):
    ana = add_person(org, "ana", assessed_at=ASSESSED)

    send_on(DUE)

    (message,) = mailoutbox
    assert message.to == [ana.email]
    assert message.subject == "Your skills self-assessment is due today (5 April 2026)"
    text, html = parts(message)
    for body in (text, html):
        assert "Hello Ana Tester" in body
        assert "Sunday 5 April 2026" in body
        assert LINK in body
        assert "Why you got this email" in body
        assert "your last self-assessment was on 5 January 2026" in body
        assert "every 90 days" in body
    assert f'href="{LINK}"' in html
    assert "<html" not in text and "&quot;" not in text
    assert message.extra_headers["Message-ID"].endswith("@readiness.example.com>")


def test_cycle_due_email_names_the_cycle_and_its_due_date(org, mailoutbox):
    add_person(org, "ana", assessed_at=at(dt.date(2026, 5, 20)))
    cycle = AssessmentCycleFactory(
        name="H1 review", opens_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 6, 15)
    )
    cycle.teams.add(org.department)

    send_on(dt.date(2026, 6, 1))

    (message,) = mailoutbox
    assert message.subject == "H1 review: your skills self-assessment is due by 15 June 2026"
    text, html = parts(message)
    assert 'The assessment cycle "H1 review" is open' in text
    assert "by Monday 15 June 2026" in text
    assert "<strong>H1 review</strong>" in html
    for body in (text, html):
        assert LINK in body
        assert "in the scope of the assessment cycle" in body


def test_overdue_email_counts_the_reminders_and_warns_before_escalating(org, mailoutbox):
    add_person(org, "ana", assessed_at=ASSESSED)
    for offset in (0, 7, 14, 21):
        send_on(DUE + dt.timedelta(days=offset))

    due, first, second, last = mailoutbox
    assert first.subject == "Reminder 1 of 3: your skills self-assessment was due on 5 April 2026"
    assert last.subject.startswith("Reminder 3 of 3")
    text, html = parts(first)
    assert "(7 days ago)" in text and "(7 days ago)" in html
    assert "manager will be told" not in text
    text, html = parts(last)
    assert "This is the last reminder" in text and "This is the last reminder" in html
    assert LINK in text and LINK in html


def test_escalation_digest_lists_each_overdue_person_once(org, mailoutbox):
    add_person(org, "ana", assessed_at=ASSESSED)
    add_person(org, "ben", assessed_at=ASSESSED)
    for offset in (0, 7, 14, 21, 28):
        send_on(DUE + dt.timedelta(days=offset))

    digest = mailoutbox[-1]
    assert digest.to == [org.manager.email]
    assert digest.subject == "2 people in your teams are overdue with their skills self-assessment"
    text, html = parts(digest)
    for body in (text, html):
        assert "Hello Maya Manager" in body
        assert body.count("Ana Tester") == 1 and body.count("Ben Tester") == 1
        assert "Platform" in body
        assert "28 days overdue" in body
        assert "you manage the teams of these people" in body


def test_names_are_escaped_in_html_and_plain_in_text(org, mailoutbox):
    ana = add_person(org, "ana", assessed_at=ASSESSED)
    ana.user.first_name, ana.user.last_name = "<b>Ana</b>", "O'Neil"
    ana.user.save()
    Team.objects.filter(pk=org.team.pk).update(name="R&D <lab>")

    send_on(DUE)

    text, html = parts(mailoutbox[0])
    assert "Hello <b>Ana</b> O'Neil" in text
    assert "&lt;b&gt;Ana&lt;/b&gt; O&#x27;Neil" in html


# --- Rendered once per context: the same messages as rendered one by one ----------------------


def test_a_batch_of_reminders_equals_each_rendered_alone(org, mailoutbox):
    # Three people, one context: only the first message is rendered in full in the run, the
    # others are the shared render with their own (escaped) names put in.
    names = [("Ana", "Tester"), ("<b>Zoë</b>", "O'Neil & Co"), ('"Quoted"', "<script>")]
    for index, (first, last) in enumerate(names):
        person = add_person(org, f"p{index}", assessed_at=ASSESSED)
        person.user.first_name, person.user.last_name = first, last
        person.user.save()

    send_on(DUE)

    assert len(mailoutbox) == 3
    for message in mailoutbox:
        person = Person.objects.select_related("user").get(user__email=message.to[0])
        alone = email_build(
            name="reminder_due",
            to=message.to,
            context=reminder_context(person),
            headers=message.extra_headers,
        )
        assert (message.subject, *parts(message)) == (alone.subject, *parts(alone))
    _, html = parts(mailoutbox[1])
    assert "Hello &lt;b&gt;Zoë&lt;/b&gt; O&#x27;Neil &amp; Co," in html


def reminder_context(person):
    return {
        "person": person,
        "cycle": None,
        "due_on": DUE,
        "today": DUE,
        "days_overdue": 0,
        "step": 0,
        "overdue_steps": 3,
        "reason": "cadence",
        "last_assessed_on": ASSESSED.date(),
        "cadence_days": 90,
        "action_url": LINK,
    }


def test_a_template_that_uses_more_than_the_declared_values_is_rendered_in_full(org):
    ana = add_person(org, "ana", assessed_at=ASSESSED)
    ben = add_person(org, "ben", assessed_at=ASSESSED)
    batch = EmailBatch()
    # Only the email is declared the person's own, but the templates print the name: the
    # shared render cannot be made, each message is rendered in full.
    for person in (ana, ben, ana):
        context = reminder_context(person)
        message = batch.build(
            name="reminder_due", to=[person.email], context=context, own={"person": ("email",)}
        )
        alone = email_build(name="reminder_due", to=[person.email], context=context)
        assert parts(message) == parts(alone)
        assert f"Hello {person.display_name}" in message.body


def test_a_template_that_transforms_an_own_value_is_rendered_in_full(org, settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "emails/shout-subject.html": "Hi {{ person.display_name|upper }}",
                            "emails/shout-body-text.html": "{{ person.display_name|truncatechars:6 }}",
                            "emails/shout-body-html.html": "<p>{{ person.display_name }}</p>",
                        },
                    )
                ]
            },
        }
    ]
    ana = add_person(org, "ana", assessed_at=ASSESSED)
    ben = add_person(org, "ben", assessed_at=ASSESSED)
    batch = EmailBatch()

    messages = [
        batch.build(
            name="shout", to=[p.email], context={"person": p}, own={"person": ("display_name",)}
        )
        for p in (ana, ben)
    ]

    assert [m.subject for m in messages] == ["Hi ANA TESTER", "Hi BEN TESTER"]
    assert [m.body for m in messages] == ["Ana T…", "Ben T…"]
    assert parts(messages[1])[1] == "<p>Ben Tester</p>"
