"""What verifying an Open Badge of either version shares: the refusal, the result, the
recipient, date and document checks (``verify`` for 2.0 and the entry point, ``verify_ob3``
for 3.0)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from assessments.learning_records.badges.fetch import fetch_json

#: Signature algorithms accepted (OB 2.0 signs with RS256; VC-JWTs with any of these).
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
HOSTED, SIGNED, EMBEDDED = "hosted", "signed", "embedded"
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


class BadgeRefused(Exception):
    """The badge is refused; ``reason`` is one of invalid, tampered, revoked, expired,
    recipient, unreachable."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedBadge:
    spec: str  # "2.0" or "3.0"
    method: str  # hosted, signed, or embedded (signed with the key in the credential)
    assertion_id: str
    issuer_id: str
    issuer_name: str
    badge_class_id: str
    name: str
    issued_on: dt.date
    expires_on: dt.date | None


def _text(value: Any, limit: int = 500) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _types(document: dict[str, Any]) -> set[str]:
    value = document.get("type", [])
    return {value} if isinstance(value, str) else {v for v in value if isinstance(v, str)}


def _is_ob3(document: dict[str, Any]) -> bool:
    return bool(_types(document) & (OB3_TYPES | {"VerifiableCredential"}))


def _when(value: Any, what: str) -> dt.datetime:
    """An ISO 8601 date or date-time (a naive one is UTC), or a Unix timestamp."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return dt.datetime.fromtimestamp(value, tz=dt.UTC)
        parsed = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError, OverflowError, OSError):
        raise BadgeRefused(f"The badge's {what} date cannot be read.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def _document(value: Any, what: str) -> dict[str, Any]:
    """An embedded object, or the one its URL names (fetched)."""
    if isinstance(value, dict):
        return value
    if _is_url(value):
        return fetch_json(value)
    raise BadgeRefused(f"The badge names no {what}.")


def _identity_matches(identity: str, *, hashed: bool, salt: str, email: str) -> bool:
    """OB 2.0 / 3.0 identity: the e-mail itself, or ``sha256$`` + hex(sha256(email + salt))."""
    email = email.strip().lower()
    if not email:
        return False
    identity = identity.strip()
    if not hashed:
        return identity.lower().removeprefix("mailto:") == email
    algorithm, _, digest = identity.partition("$")
    if algorithm.lower() != "sha256":
        return False
    expected = hashlib.sha256((email + salt).encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest.lower().encode(), expected.encode())


def _refuse_recipient() -> BadgeRefused:
    return BadgeRefused(
        "This badge was issued to someone else: its recipient is not your e-mail address.",
        "recipient",
    )


def _check_dates(
    *, valid_from: dt.datetime | None, valid_until: dt.datetime | None, now: dt.datetime
) -> None:
    if valid_until is not None and valid_until <= now:
        raise BadgeRefused(f"This badge expired on {valid_until:%d %b %Y}.", "expired")
    if valid_from is not None and valid_from > now + dt.timedelta(minutes=5):
        raise BadgeRefused("This badge is not valid yet.")


def _revoked_ids(entries: Any) -> set[str]:
    ids: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            ids.add(entry)
        elif isinstance(entry, dict):
            ids.update(str(entry[key]) for key in ("id", "uid") if key in entry)
    return ids


# --- Open Badges 2.0 ------------------------------------------------------------------------
