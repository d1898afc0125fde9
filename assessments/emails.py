"""Emails built from templates: ``templates/emails/<name>-{subject,body-text,body-html}.html``.

Every message has a plain-text and an HTML part; links in them are absolute (``SITE_URL``),
because a mail client has no page to resolve a relative link against.

``email_build`` renders one message. ``EmailBatch`` builds thousands of the same templates
(a reminder run) at a fraction of the cost: see there (and ``email_mime`` for their MIME form).
"""

from __future__ import annotations

import functools
import logging
from typing import overload
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from assessments.email_mime import BatchMessage, MimeShapes

logger = logging.getLogger(__name__)

_PARTS = ("subject", "body-text", "body-html")


def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL`` has no trailing slash)."""
    return f"{settings.SITE_URL}{path}"


@overload
def absolute_reverse(name: str, *, args: tuple = (), fallback: str) -> str: ...
@overload
def absolute_reverse(name: str, *, args: tuple = (), fallback: None = None) -> str | None: ...
def absolute_reverse(name: str, *, args: tuple = (), fallback: str | None = None) -> str | None:
    """The absolute URL of a named route, or of ``fallback`` when the route does not exist
    (yet): emails must not fail because a page elsewhere in the product is renamed."""
    try:
        return absolute_url(reverse(name, args=args))
    except NoReverseMatch:
        return absolute_url(fallback) if fallback is not None else None


def message_id(local_part: str) -> str:
    """A stable Message-ID: if a message is ever sent again, mail clients can fold the copies."""
    return f"<{local_part}@{_host(settings.SITE_URL)}>"


@functools.lru_cache(maxsize=8)
def _host(site_url: str) -> str:
    return urlsplit(site_url).hostname or "localhost"


def _render(name: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of the message ``name``."""
    context = {"site_url": settings.SITE_URL, **context}
    subject, text, html = (
        get_template(f"emails/{name}-{part}.html").render(context) for part in _PARTS
    )
    # A subject is one line, whatever the template's layout.
    return " ".join(subject.split()), text, html


def _message(
    parts: tuple[str, str, str],
    to: list[str],
    headers: dict[str, str] | None,
    shapes: MimeShapes | None = None,
) -> EmailMultiAlternatives:
    subject, text, html = parts
    if shapes is None:
        message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers or {})
    else:
        message = BatchMessage(
            subject=subject, body=text, to=to, headers=headers or {}, shapes=shapes
        )
    message.attach_alternative(html, "text/html")
    return message


def email_build(
    *, name: str, to: list[str], context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """The message ``name`` rendered with ``context``, ready to send."""
    return _message(_render(name, context), to, headers)


class _NotOwn(Exception):
    """A template asked a stand-in for a value that was not declared the recipient's own."""


class _StandIn:
    """Stands for a context object in a shared render: its declared own values are tokens,
    anything else it is asked for aborts the shared render (the message is rendered in full)."""

    def __init__(self, tokens: dict[str, str]) -> None:
        self._tokens = tokens

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._tokens[name]
        except KeyError:
            raise _NotOwn(name) from None

    def __str__(self) -> str:
        raise _NotOwn("str")


class EmailBatch:
    """Builds many messages from the same templates, rendering each distinct context once.

    Rendering three templates is most of the cost of a message, and the messages of a batch
    mostly differ only by whom they greet. ``build`` takes ``own``: for context keys whose
    object is the recipient's (``{"person": ("display_name",)}``), the attributes the
    templates print. The rest of the context is rendered once, with a token standing for each
    own value; each message then gets the recipient's values in place of the tokens — escaped
    where the template escaped the token (HTML), as is where it did not (subject, text).

    So a template may only print an own value. Anything else falls back to rendering in full:
    asking the object for another attribute (the shared render stops), or transforming the
    value (a filter): the first message of each template in a batch is also rendered in full and
    compared, and on a difference every message of that template is rendered in full.
    """

    def __init__(self) -> None:
        self._shared: dict[tuple, tuple[str, str, str] | None] = {}
        self._checked: dict[str, bool] = {}  # template name -> shared rendering is exact
        self._shapes = MimeShapes()  # their MIME trees, copied from one message of a kind

    def build(
        self,
        *,
        name: str,
        to: list[str],
        context: dict,
        own: dict[str, tuple[str, ...]],
        headers: dict[str, str] | None = None,
    ) -> EmailMultiAlternatives:
        if self._checked.get(name) is False:
            return _message(_render(name, context), to, headers, self._shapes)
        values = [
            (token, str(getattr(context[key], attribute)))
            for token, (key, attribute) in self._tokens(own).items()
        ]
        parts = self._fill(self._shared_parts(name, context, own), values)
        if name not in self._checked:
            full = _render(name, context)
            self._checked[name] = parts == full
            if parts != full:
                logger.warning(
                    "Email %s does more than print its own values: rendered in full", name
                )
            return _message(full, to, headers, self._shapes)
        if parts is None:
            parts = _render(name, context)
        return _message(parts, to, headers, self._shapes)

    @staticmethod
    def _tokens(own: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, str]]:
        return _tokens(tuple(sorted(own.items())))

    def _shared_parts(
        self, name: str, context: dict, own: dict[str, tuple[str, ...]]
    ) -> tuple[str, str, str] | None:
        """The message rendered with tokens for the own values; None if it cannot be."""
        try:
            key = (name, tuple(sorted((k, v) for k, v in context.items() if k not in own)))
            hash(key)
        except TypeError:  # an unhashable value: no sharing
            return None
        if key not in self._shared:
            tokens = self._tokens(own)
            stand_ins = {
                k: _StandIn(
                    {attribute: token for token, (kk, attribute) in tokens.items() if kk == k}
                )
                for k in own
            }
            try:
                self._shared[key] = _render(name, {**context, **stand_ins})
            except _NotOwn:
                self._shared[key] = None
        return self._shared[key]

    @staticmethod
    def _fill(
        parts: tuple[str, str, str] | None, values: list[tuple[str, str]]
    ) -> tuple[str, str, str] | None:
        if parts is None:
            return None
        pairs = [(_escaped(token), str(escape(value)), token, value) for token, value in values]
        filled = []
        for part in parts:
            for escaped_token, escaped_value, token, value in pairs:
                part = part.replace(escaped_token, escaped_value).replace(token, value)
            if "\x00" in part:  # a token the template transformed
                return None
            filled.append(part)
        first, second, third = filled
        return first, second, third


@functools.lru_cache(maxsize=64)
def _tokens(own: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[str, str]]:
    """The tokens standing for the own values (the same few for every message of a run;
    treat the dict as read-only). NUL never occurs in a template's output; "&" tells an
    escaped token from a raw one."""
    return {
        f"\x00{key}.{attribute}&\x00": (key, attribute)
        for key, attributes in own
        for attribute in attributes
    }


@functools.cache
def _escaped(token: str) -> str:
    return str(escape(token))
