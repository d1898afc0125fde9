"""The MIME form of many messages of one shape, copied from the first one's (``EmailBatch``).

Django builds each message's MIME tree through Python's ``email`` package: for every part it
parses and sets again its Content-Type parameters and charset, for every header it checks the
value, and it folds the subject — about 0.25 ms a message, whatever sends it (the SMTP backend
then writes the tree out; the test backend deep-copies the message, 0.06 ms more). A reminder
run sends tens of thousands of messages of one shape: a text and an HTML part, the same
headers, only their values and the bodies differ.

``MimeShapes`` keeps, for each shape, the tree Django built for its first message, and gives
every later message of that shape a copy of it with the message's own header values and
bodies. What a copy holds is what Django would have built: the first message of each shape is
built both ways and compared (every attribute of every part, the headers in order); on any
difference — a Django or Python upgrade that builds the tree otherwise — every message of that
shape is built by Django, and a warning says so. A message outside the shapes copied (an
attachment, extra headers other than its Message-ID, a line too long for SMTP, which Django
encodes quoted-printable) is always built by Django.
"""

from __future__ import annotations

import copy
import logging
import time
from email.message import Message
from email.utils import formatdate
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

#: The extra headers a copied message carries: its own Message-ID (without one, Django makes
#: a new one at each build, and the first message could not be compared).
_COPIED_HEADERS = ["message-id"]
#: The most bytes one character takes in UTF-8.
_UTF8_MAX = 4


class MimeShapes:
    """The trees of one run's message shapes, and whether copying each was found exact."""

    def __init__(self) -> None:
        self._trees: dict[tuple, Message] = {}
        self._exact: dict[tuple, bool] = {}
        self._subjects: dict[tuple[str, str], str] = {}
        self._senders: dict[tuple[str, str], tuple[str, str]] = {}
        self._dated: tuple[tuple[int, bool], str] = ((-1, False), "")

    def message(self, email: BatchMessage) -> Message:
        """``email``'s MIME tree: a copy of its shape's, else Django's own."""
        key = _shape(email)
        if key is None or self._exact.get(key) is False:
            return email.django_message()
        if key not in self._trees:
            self._trees[key] = email.django_message()  # kept as built: never sent itself
        copied = self._copy(self._trees[key], email)
        if key not in self._exact:
            built = email.django_message()
            self._exact[key] = _same(copied, built)
            if not self._exact[key]:
                logger.warning("MIME copy differs from Django's for %s: built by Django", key)
            return built
        return copied

    def _copy(self, tree: Any, email: BatchMessage) -> Message:
        # ``tree``: a Message, whose ``_headers`` and ``_payload`` the stubs do not declare.
        encoding = email.encoding or settings.DEFAULT_CHARSET
        own = self._headers(email, encoding)
        structure = [header for header in tree._headers if header[0] in _STRUCTURE]
        parts = [
            _node(part, list(part._headers), _payload(content))
            for part, content in zip(tree._payload, _contents(email), strict=True)
        ]
        return _node(tree, structure + own, parts)

    def _headers(self, email: BatchMessage, encoding: str) -> list[tuple[str, str]]:
        """The message's own headers as ``EmailMessage.message`` sets them, in its order."""
        extra = email.extra_headers
        headers = [
            ("Subject", self._subject(str(email.subject), encoding)),
            self._from(email.from_email, encoding),
        ]
        if email.to:
            headers.append(forbid_multi_line_headers("To", ", ".join(map(str, email.to)), encoding))
        headers.append(("Date", self._date()))
        headers += [
            forbid_multi_line_headers(name, value, encoding) for name, value in extra.items()
        ]
        return headers

    def _from(self, sender: str, encoding: str) -> tuple[str, str]:
        """The From header checked once per run: every message of a run has the same."""
        if (sender, encoding) not in self._senders:
            self._senders[(sender, encoding)] = forbid_multi_line_headers("From", sender, encoding)
        return self._senders[(sender, encoding)]

    def _date(self) -> str:
        """``formatdate`` of now, as Django dates a message: it counts whole seconds, so it is
        formatted once a second."""
        key = (int(time.time()), settings.EMAIL_USE_LOCALTIME)
        if self._dated[0] != key:
            self._dated = (key, formatdate(key[0], localtime=key[1]))
        return self._dated[1]

    def _subject(self, subject: str, encoding: str) -> str:
        """The subject checked and folded once per run: most messages of a run share it."""
        if (subject, encoding) not in self._subjects:
            _, value = forbid_multi_line_headers("Subject", subject, encoding)
            self._subjects[(subject, encoding)] = value
        return self._subjects[(subject, encoding)]


#: The headers of a tree that are its structure, not the message's own.
_STRUCTURE = frozenset({"Content-Type", "MIME-Version"})


def _shape(email: BatchMessage) -> tuple | None:
    """What makes two messages' trees the same but for their values; None: not copied."""
    if not email.alternatives or email.attachments or email.cc or email.reply_to:
        return None
    if not all(mimetype.startswith("text/") for _, mimetype in email.alternatives):
        return None  # another kind of part is not a text payload to put in
    if [name.lower() for name in email.extra_headers] != _COPIED_HEADERS:
        return None
    contents = _contents(email)
    if not all(isinstance(content, str) and _short_lines(content) for content in contents):
        return None
    return (
        type(email),
        email.encoding or settings.DEFAULT_CHARSET,
        email.content_subtype,
        email.alternative_subtype,
        bool(email.body),
        tuple(mimetype for _, mimetype in email.alternatives),
        tuple(content.isascii() for content in contents),  # 7bit or 8bit
        bool(email.to),
    )


def _contents(email: BatchMessage) -> list[Any]:
    """The contents of the message's parts, in their order: its body, then its alternatives."""
    return ([email.body] if email.body else []) + [content for content, _ in email.alternatives]


def _short_lines(content: str) -> bool:
    """No line over SMTP's limit (Django would encode the part quoted-printable)."""
    lines = content.splitlines()
    if max(map(len, lines), default=0) * _UTF8_MAX <= RFC5322_EMAIL_LINE_LENGTH_LIMIT:
        return True
    return all(
        len(line.encode(errors="surrogateescape")) <= RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for line in lines
    )


def _payload(content: str) -> str:
    """A text part's payload as ``Message.set_payload`` keeps it (UTF-8 bytes as text)."""
    return content if content.isascii() else content.encode().decode("ascii", "surrogateescape")


def _node(tree: Any, headers: list[tuple[str, str]], payload: Any) -> Any:
    """A copy of one node of a tree with its own headers and payload (nothing shared that a
    later change to the copy could reach)."""
    node = _shallow(tree)
    node._headers = headers
    node._payload = payload
    node.defects = []
    return node


def _shallow(obj: _T) -> _T:
    """``copy.copy`` of a plain object (its class, its attributes), without the pickling
    protocol ``copy.copy`` goes through: a tenth of the cost."""
    clone = object.__new__(type(obj))
    clone.__dict__.update(obj.__dict__)
    return clone


def _same(copied: Message, built: Message) -> bool:
    """The same tree: every attribute of every node, the headers in order (the Date's value
    aside: the two were built a moment apart)."""
    if type(copied) is not type(built):
        return False
    mine, theirs = dict(vars(copied)), dict(vars(built))
    if _undated(mine.pop("_headers")) != _undated(theirs.pop("_headers")):
        return False
    payloads = mine.pop("_payload"), theirs.pop("_payload")
    if mine != theirs:
        return False
    if isinstance(payloads[0], list) and isinstance(payloads[1], list):
        return len(payloads[0]) == len(payloads[1]) and all(map(_same, *payloads))
    return payloads[0] == payloads[1]


def _undated(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, "" if name == "Date" else value) for name, value in headers]


class BatchMessage(EmailMultiAlternatives):
    """A message of a batch: its MIME tree copied from its shape's (``MimeShapes``), and a
    deep copy that shares what cannot change (strings, tuples of them)."""

    def __init__(self, *args: Any, shapes: MimeShapes, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shapes = shapes

    def message(self) -> Message:
        return self.shapes.message(self)

    def django_message(self) -> Message:
        return super().message()

    def __deepcopy__(self, memo: dict) -> BatchMessage:
        # The test backend keeps a deep copy of each message; lists and dicts of strings are
        # copied one level, which is as deep as they go. The shapes are the run's, shared.
        clone = _shallow(self)
        for name, value in vars(self).items():
            if name != "shapes" and not _deep_immutable(value):
                setattr(clone, name, _copied(value, memo))
        return clone


def _copied(value: Any, memo: dict) -> Any:
    if type(value) is list and all(map(_deep_immutable, value)):
        return list(value)
    if type(value) is dict and all(map(_deep_immutable, value.values())):
        return dict(value)
    return copy.deepcopy(value, memo)


#: The types whose values cannot change (a str subclass, e.g. a SafeString, is one too).
_ATOMS = frozenset({str, int, float, bytes, bool, type(None)})


def _deep_immutable(value: Any) -> bool:
    kind = type(value)
    if kind in _ATOMS:
        return True
    if isinstance(value, tuple):
        return all(map(_deep_immutable, value))
    return isinstance(value, str | int | float | bytes)
