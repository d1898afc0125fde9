"""Emails built from templates: ``templates/emails/<name>-{subject,body-text,body-html}.html``.

Every message has a plain-text and an HTML part; links in them are absolute (``SITE_URL``),
because a mail client has no page to resolve a relative link against.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse


def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL`` has no trailing slash)."""
    return f"{settings.SITE_URL}{path}"


def absolute_reverse(name: str, *, args: tuple = (), fallback: str | None = None) -> str | None:
    """The absolute URL of a named route, or of ``fallback`` when the route does not exist
    (yet): emails must not fail because a page elsewhere in the product is renamed."""
    try:
        return absolute_url(reverse(name, args=args))
    except NoReverseMatch:
        return absolute_url(fallback) if fallback else None


def message_id(local_part: str) -> str:
    """A stable Message-ID: if a message is ever sent again, mail clients can fold the copies."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{local_part}@{host}>"


def email_build(
    *, name: str, to: list[str], context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """The message ``name`` rendered with ``context``, ready to send."""
    context = {"site_url": settings.SITE_URL, **context}
    # A subject is one line, whatever the template's layout.
    subject = " ".join(render_to_string(f"emails/{name}-subject.html", context).split())
    text = render_to_string(f"emails/{name}-body-text.html", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message
