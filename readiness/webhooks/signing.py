"""The signature of a webhook request, as Stripe signs its events.

Header ``Readiness-Signature: t=<unix time>,v1=<hex>`` where ``<hex>`` is
HMAC-SHA256(key = the endpoint's secret, message = "<unix time>.<raw body>"). The receiver
recomputes it over the raw bytes it received, compares in constant time, and refuses a
timestamp older than a few minutes (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Readiness-Signature"
#: Tolerance of ``signature_verify`` for the age of a request (seconds).
TOLERANCE_SECONDS = 300


def secret_generate() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def signature_verify(
    *, secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver does (the README shows the same in a dozen lines)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, parts.get("v1", ""))
