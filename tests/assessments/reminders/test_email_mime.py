"""A batch's messages get the MIME form Django would build them, byte for byte
(``assessments.email_mime``): copied from their shape's first message, or built by Django."""

import copy
import datetime as dt
import logging
import re

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT

from assessments import email_mime
from assessments.email_mime import BatchMessage, MimeShapes, _short_lines
from assessments.reminders.run import reminders_send
from tests.assessments.reminder_helpers import at
from tests.orgs import clear_framework
from tests.orgs.reminder import add_person

NOW = at(dt.date(2026, 4, 5), 9)
TEXT = "Hello {name},\n\nYour skills self-assessment is due today.\n"
HTML = "<p>Hello {name},</p>\n<p>Your skills self-assessment is due today.</p>\n"


def fields(name: str = "Ana Tester", **overrides) -> dict:
    first = name.split()[0].lower()
    values = {
        "subject": "Your skills self-assessment is due today (5 April 2026)",
        "body": TEXT.format(name=name),
        "html": HTML.format(name=name),
        "to": [f"{first}@example.com"],
        "headers": {"Message-ID": f"<reminder-{first}@readiness.example.com>"},
    }
    return values | overrides


def batch_message(shapes: MimeShapes, values: dict) -> BatchMessage:
    values = dict(values)
    html = values.pop("html")
    message = BatchMessage(shapes=shapes, **values)
    message.attach_alternative(html, "text/html")
    return message


def django_message(values: dict) -> EmailMultiAlternatives:
    values = dict(values)
    html = values.pop("html")
    message = EmailMultiAlternatives(**values)
    message.attach_alternative(html, "text/html")
    return message


def wire(message: EmailMultiAlternatives) -> bytes:
    """What the SMTP backend writes, the random boundary made fixed."""
    tree = message.message()
    tree.set_boundary("==boundary==")
    return tree.as_bytes(linesep="\r\n")


KINDS = {
    "ascii": lambda name: fields(name),
    "accented name": lambda name: fields(f"{name} Ñúñez"),
    "accented subject": lambda name: fields(name, subject="Zoë: votre auto-évaluation est due"),
    "long subject, folded": lambda name: fields(name, subject="Your skills assessment " * 5),
    "accented html only": lambda name: fields(name, html=HTML.format(name=f"{name} Zoë")),
    "no text part": lambda name: fields(name, body=""),
    "no Message-ID": lambda name: fields(name, headers={}),
}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("kind", list(KINDS))
def test_each_message_of_a_shape_is_what_django_builds(kind):
    shapes = MimeShapes()
    # The first of its shape is built both ways and compared; the next ones are copies.
    for name in ("Ana Tester", "Ben Tester", "Cy Tester"):
        values = KINDS[kind](name)
        mine, theirs = wire(batch_message(shapes, values)), wire(django_message(values))
        if not values["headers"]:  # Django makes a new Message-ID each time
            mine, theirs = (re.sub(rb"Message-ID: <[^>]+>", b"", m) for m in (mine, theirs))
        assert mine == theirs
        assert name.encode() in mine or kind.startswith("accented")
    # Copied, or (without a Message-ID of its own) built by Django each time.
    assert list(shapes._exact.values()) == ([] if kind == "no Message-ID" else [True])


@time_machine.travel(NOW, tick=False)
def test_a_line_too_long_for_smtp_is_built_by_django_quoted_printable():
    shapes = MimeShapes()
    values = fields(html="<p>" + "x" * 1200 + "</p>")
    for _ in range(2):
        message = batch_message(shapes, values)
        assert wire(message) == wire(django_message(values))
        assert b"quoted-printable" in wire(message)
    assert shapes._exact == {}  # never copied


@time_machine.travel(NOW, tick=False)
def test_a_copy_that_differs_from_django_makes_the_shape_built_by_django(monkeypatch, caplog):
    monkeypatch.setattr(email_mime, "_payload", str.upper)  # as if Python changed the tree
    shapes = MimeShapes()
    names = ("Ana A", "Ben B", "Cy C")
    with caplog.at_level(logging.WARNING, logger="assessments.email_mime"):
        sent = [wire(batch_message(shapes, fields(name))) for name in names]
    assert list(shapes._exact.values()) == [False]
    assert sent == [wire(django_message(fields(name))) for name in names]
    assert "MIME copy differs" in caplog.text


def test_the_outbox_copy_shares_nothing_that_can_change():
    message = batch_message(MimeShapes(), fields())
    kept = copy.deepcopy(message)
    message.to.append("eve@example.com")
    message.extra_headers["X-Extra"] = "1"
    message.attach_alternative("<p>more</p>", "text/html")
    assert kept.to == ["ana@example.com"]
    assert kept.extra_headers == {"Message-ID": "<reminder-ana@readiness.example.com>"}
    assert len(kept.alternatives) == 1
    assert kept.shapes is message.shapes


# --- A reminder run: what each person receives is what Django would build -------------------


@pytest.mark.django_db
def test_reminders_of_a_run_are_the_messages_django_builds(reminder_org, mailoutbox, settings):
    clear_framework()
    settings.REASSESSMENT_INTERVAL_DAYS = 90
    settings.SITE_URL = "https://readiness.example.com"
    names = [("Ana", "Tester"), ("Zoë", "Ñúñez"), ("<b>Ben</b>", "O'Neil & Co")]
    for index, (first, last) in enumerate(names):
        person = add_person(reminder_org, f"p{index}", assessed_at=at(dt.date(2026, 1, 5), 9))
        person.user.first_name, person.user.last_name = first, last
        person.user.save()

    with time_machine.travel(at(dt.date(2026, 4, 5)), tick=False):
        reminders_send()
        assert len(mailoutbox) == 3
        for message in mailoutbox:
            plain = EmailMultiAlternatives(
                subject=message.subject,
                body=message.body,
                to=message.to,
                headers=message.extra_headers,
            )
            plain.attach_alternative(*message.alternatives[0])
            assert wire(message) == wire(plain)
    assert "Hello Zoë Ñúñez," in mailoutbox[1].body
    assert "Hello &lt;b&gt;Ben&lt;/b&gt; O&#x27;Neil &amp; Co," in mailoutbox[2].alternatives[0][0]


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\r", "\v", "\x1e", "\x85", "\u2028"])
@pytest.mark.parametrize("width", [249, 250, 332, 333, 998, 999])
@pytest.mark.parametrize("char", ["a", "é", "€", "😀"])
def test_short_lines_is_the_byte_count_of_every_line(separator, width, char):
    """One search for a long line, then bytes counted only if there is one: the same answer as
    counting the UTF-8 bytes of every line ``str.splitlines`` cuts."""
    for content in (
        char * width,
        f"short{separator}{char * width}{separator}end",
        f"{char * (width - 1)}{separator}{char * (width - 1)}",
    ):
        naive = all(
            len(line.encode()) <= RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in content.splitlines()
        )
        assert _short_lines(content) is naive, (separator, width, char)
