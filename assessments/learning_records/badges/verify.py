"""Verifying an Open Badge against its issuer, the way the specifications say.

- Open Badges 2.0, hosted: the assertion is fetched at its id and must be the same document;
  the issuer must host it; a withdrawn (404/410) or ``revoked`` assertion is refused.
- Open Badges 2.0, signed: a JWS whose key is published by the issuer (``verify.creator``),
  checked with joserfc; the issuer's ``revocationList`` is read.
- Open Badges 3.0: a VC-JWT (or a JSON credential carrying one as its ``proof.jwt``), checked
  with the key in its header (``jwk``) or the key published at its ``kid`` on the issuer's
  server; ``validFrom``/``validUntil`` (``issuanceDate``/``expirationDate``), the JWT's
  ``exp``/``nbf``, and a ``1EdTechRevocationList`` credential status.

In every version the recipient must be the uploader: a salted sha256 (or plain) e-mail
identity, a ``mailto:`` subject id, or an e-mail identifier. Nothing of the recipient is kept
but that it matched. A refusal is a BadgeRefused with a message for the upload field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import import_key

from assessments.learning_records.badges.checks import (
    HOSTED,
    SIGNED,
    BadgeRefused,
    VerifiedBadge,
    _check_dates,
    _document,
    _host,
    _identity_matches,
    _is_ob3,
    _is_url,
    _refuse_recipient,
    _revoked_ids,
    _same,
    _text,
    _when,
)
from assessments.learning_records.badges.extract import ExtractError, credential_extract
from assessments.learning_records.badges.fetch import FetchError, FetchGone, fetch_json
from assessments.learning_records.badges.verify_ob3 import (
    _ob3_document,
    _ob3_result,
    _vc_jwt_verify,
)

__all__ = ["BadgeRefused", "VerifiedBadge", "badge_verify"]


def badge_verify(data: bytes, *, email: str, now: dt.datetime) -> VerifiedBadge:
    """Extract and verify the uploaded badge for the person whose e-mail is ``email``."""
    try:
        found = credential_extract(data)
    except ExtractError as error:
        raise BadgeRefused(str(error)) from None
    try:
        if found.jws is not None:
            return _from_jws(found.jws, email=email, now=now)
        if found.url is not None:
            return _ob2_hosted(None, found.url, email=email, now=now)
        document = found.document or {}
        if _is_ob3(document):
            return _ob3_document(document, email=email, now=now)
        return _ob2_document(document, email=email, now=now)
    except FetchGone as error:
        raise BadgeRefused(f"Revoked: {error}", "revoked") from None
    except FetchError as error:
        raise BadgeRefused(str(error), "unreachable") from None


# --- Helpers --------------------------------------------------------------------------------


def _ob2_document(document: dict[str, Any], *, email: str, now: dt.datetime) -> VerifiedBadge:
    verify = document.get("verify") or document.get("verification") or {}
    kind = _text(verify.get("type") if isinstance(verify, dict) else "").lower()
    if kind in ("signed", "signedbadge"):
        raise BadgeRefused("This badge is signed: upload the baked image or paste its signature.")
    if kind not in ("hosted", "hostedbadge") or "recipient" not in document:
        raise BadgeRefused("This is not an Open Badges 2.0 assertion or 3.0 credential.")
    url = document.get("id") if _is_url(document.get("id")) else verify.get("url")
    if not _is_url(url):
        raise BadgeRefused("This hosted badge gives no address to check it at.")
    return _ob2_hosted(document, str(url), email=email, now=now)


def _ob2_hosted(
    uploaded: dict[str, Any] | None, url: str, *, email: str, now: dt.datetime
) -> VerifiedBadge:
    published = fetch_json(url)
    if published.get("revoked") is True:
        reason = _text(published.get("revocationReason"), 200)
        raise BadgeRefused(f"The issuer revoked this badge. {reason}".strip(), "revoked")
    if uploaded is not None and not _same(uploaded, published):
        raise BadgeRefused(
            "This badge differs from the one its issuer publishes: it was altered.", "tampered"
        )
    badge, issuer = _ob2_badge_and_issuer(published)
    issuer_id = _text(issuer.get("id"))
    if _host(url) != _host(issuer_id) and _host(url) not in _allowed_origins(issuer_id):
        raise BadgeRefused("This badge is not hosted by its issuer.", "tampered")
    return _ob2_result(
        published, badge, issuer, method=HOSTED, assertion_id=url, email=email, now=now
    )


def _allowed_origins(issuer_id: str) -> set[str]:
    """The other hosts the issuer lets host its badges (``verification.allowedOrigins``), read
    from the profile the issuer itself publishes at its id — never from a profile embedded in
    or linked from the badge, which whoever hosts the badge could write."""
    profile = fetch_json(issuer_id)
    verification = profile.get("verification") if _text(profile.get("id")) == issuer_id else None
    if not isinstance(verification, dict):
        return set()
    origins = verification.get("allowedOrigins", [])
    return {o.lower() for o in ([origins] if isinstance(origins, str) else origins)}


def _ob2_badge_and_issuer(assertion: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    badge = _document(assertion.get("badge"), "badge class")
    issuer = _document(badge.get("issuer"), "issuer")
    if not _is_url(issuer.get("id")) or not (_is_url(badge.get("id")) or badge.get("id")):
        raise BadgeRefused("The badge's class or issuer has no id.")
    return badge, issuer


def _ob2_result(
    assertion: dict[str, Any],
    badge: dict[str, Any],
    issuer: dict[str, Any],
    *,
    method: str,
    assertion_id: str,
    email: str,
    now: dt.datetime,
) -> VerifiedBadge:
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or _text(recipient.get("type"), 20).lower() not in (
        "email",
        "",
    ):
        raise _refuse_recipient()
    if not _identity_matches(
        _text(recipient.get("identity")),
        hashed=bool(recipient.get("hashed")),
        salt=_text(recipient.get("salt"), 200),
        email=email,
    ):
        raise _refuse_recipient()
    issued = _when(assertion.get("issuedOn"), "issue")
    expires = _when(assertion["expires"], "expiry") if assertion.get("expires") else None
    _check_dates(valid_from=None, valid_until=expires, now=now)
    return VerifiedBadge(
        spec="2.0",
        method=method,
        assertion_id=assertion_id[:500],
        issuer_id=_text(issuer.get("id")),
        issuer_name=_text(issuer.get("name"), 200) or _host(_text(issuer.get("id"))),
        badge_class_id=_text(badge.get("id")),
        name=_text(badge.get("name"), 200) or "Open Badge",
        issued_on=issued.date(),
        expires_on=expires.date() if expires else None,
    )


def _ob2_signed(
    token: str, payload: dict[str, Any], *, email: str, now: dt.datetime
) -> VerifiedBadge:
    verify = payload.get("verify") or payload.get("verification") or {}
    creator = verify.get("creator") if isinstance(verify, dict) else None
    if not _is_url(creator):
        raise BadgeRefused("This signed badge names no public key to check it with.")
    key_document = fetch_json(str(creator))
    pem = key_document.get("publicKeyPem")
    if not isinstance(pem, str):
        raise BadgeRefused("The issuer's published key cannot be read.")
    try:
        key = import_key(pem, "RSA")
        jws.deserialize_compact(token, key, algorithms=["RS256"])
    except BadSignatureError:
        raise BadgeRefused(
            "This badge's signature does not match: it was altered.", "tampered"
        ) from None
    except (JoseError, ValueError):
        raise BadgeRefused("The issuer's published key cannot be read.") from None
    badge, issuer = _ob2_badge_and_issuer(payload)
    owner = key_document.get("owner")
    if owner is not None and owner != issuer.get("id"):
        raise BadgeRefused("The badge was signed with a key that is not its issuer's.", "tampered")
    if _host(str(creator)) != _host(_text(issuer.get("id"))):
        raise BadgeRefused("The badge was signed with a key that is not its issuer's.", "tampered")
    assertion_id = _text(payload.get("id")) or hashlib.sha256(token.encode()).hexdigest()
    revocation_list = issuer.get("revocationList")
    if _is_url(revocation_list):
        revoked = fetch_json(str(revocation_list)).get("revokedAssertions")
        if assertion_id in _revoked_ids(revoked):
            raise BadgeRefused("The issuer revoked this badge.", "revoked")
    return _ob2_result(
        payload, badge, issuer, method=SIGNED, assertion_id=assertion_id, email=email, now=now
    )


# --- JWS: OB 2.0 signed or OB 3.0 VC-JWT ----------------------------------------------------


def _from_jws(token: str, *, email: str, now: dt.datetime) -> VerifiedBadge:
    try:
        compact = jws.extract_compact(token.encode())
        payload = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeDecodeError):
        raise BadgeRefused("This signed badge cannot be read.") from None
    if not isinstance(payload, dict):
        raise BadgeRefused("This signed badge cannot be read.")
    if isinstance(payload.get("vc"), dict) or _is_ob3(payload):
        credential, method = _vc_jwt_verify(token, dict(compact.headers()), payload, now=now)
        return _ob3_result(credential, token=token, method=method, email=email, now=now)
    return _ob2_signed(token, payload, email=email, now=now)


# --- Open Badges 3.0 ------------------------------------------------------------------------
