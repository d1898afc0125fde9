"""The fields of a Learn item, one normaliser each: whatever is malformed raises
``RejectedItem`` with the reason (``parse`` turns it into a ``Rejection``)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import nh3

TITLE_MAX = 300
URL_MAX = 500
UID_MAX = 300
DURATION_MAX = 100_000
#: Query parameters that only track where a click came from.
TRACKING_PARAM = re.compile(r"^(wt\..+|utm_.+|ocid|mc_id|icid|trk|sharingid|cid)$", re.IGNORECASE)
LEARN_HOSTS = {"learn.microsoft.com"}
LOCALE_SEGMENT = re.compile(r"^/[a-z]{2}-[a-z]{2,4}(?=/)", re.IGNORECASE)
BLOCK_END = re.compile(r"<\s*(br\s*/?|/p|/div|/li|/h[1-6]|/tr|/ul|/ol)\s*>", re.IGNORECASE)


class RejectedItem(Exception):  # noqa: N818 - internal control flow, never escapes parse_items
    pass


def pick(raw: dict, *names: str) -> Any:
    """The first present value among ``names`` and their camelCase / snake_case spellings."""
    for name in names:
        for candidate in (name, _camel(name), _snake(name)):
            if candidate in raw and raw[candidate] is not None:
                return raw[candidate]
    return None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def taxonomy_ids(value: Any) -> list[str]:
    """Taxonomy values as a list of ids: strings, ``{id, name}`` objects, or a mix."""
    if value is None:
        return []
    if isinstance(value, str | dict):
        value = [value]
    if not isinstance(value, list):
        return []
    ids: list[str] = []
    for entry in value:
        if isinstance(entry, dict):
            entry = entry.get("id") or entry.get("uid") or entry.get("name")
        if isinstance(entry, str) and entry.strip() and entry.strip() not in ids:
            ids.append(entry.strip())
    return ids


def child_uids(value: Any) -> list[str]:
    """Child references as uids: strings (legacy) or ``{id|uid, …}`` objects (Platform)."""
    if not isinstance(value, list):
        return []
    uids: list[str] = []
    for entry in value:
        if isinstance(entry, dict):
            entry = entry.get("uid") or entry.get("id")
        if isinstance(entry, str) and entry.strip():
            uids.append(entry.strip())
    return uids


def plain_text(value: Any) -> str:
    """HTML (or plain text) → safe plain text: no tags, entities decoded, spaces tidied.

    Templates escape it again on output; this only removes markup, never trusts it.
    """
    if not isinstance(value, str):
        return ""
    marked = BLOCK_END.sub("\n", value)
    stripped = nh3.clean(marked, tags=set(), attributes={}, strip_comments=True)
    text = html.unescape(stripped).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def canonical_url(value: Any) -> str:
    """The URL we store and match on: tracking parameters and fragment gone, Learn's locale
    segment dropped (Learn redirects to the reader's own), a trailing slash on Learn paths."""
    if not isinstance(value, str) or not value.strip():
        raise RejectedItem("it has no URL")
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise RejectedItem(f"its URL is not an http(s) address: {value[:120]!r}")
    host = parts.netloc.lower()
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAM.match(k)
        ]
    )
    path = parts.path or "/"
    if parts.hostname.lower() in LEARN_HOSTS:
        path = LOCALE_SEGMENT.sub("", path) or "/"
        if not path.endswith("/"):
            path += "/"
    url = urlunsplit(
        (
            "https" if parts.hostname.lower() in LEARN_HOSTS else parts.scheme.lower(),
            host,
            path,
            query,
            "",
        )
    )
    if len(url) > URL_MAX:
        raise RejectedItem(f"its URL is longer than {URL_MAX} characters")
    return url


def minutes(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RejectedItem("its duration is not a number of minutes")
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        raise RejectedItem(
            f"its duration is not a number of minutes: {str(value)[:40]!r}"
        ) from None
    if minutes != minutes or minutes < 0 or minutes > DURATION_MAX:  # NaN, negative, absurd
        raise RejectedItem(f"its duration is out of range: {value!r}")
    return round(minutes)


def utc_datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None  # an unreadable date is not worth rejecting the item for
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)
