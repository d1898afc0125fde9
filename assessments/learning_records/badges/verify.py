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
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import KeySet, import_key

from assessments.learning_records.badges.extract import ExtractError, credential_extract
from assessments.learning_records.badges.fetch import FetchError, FetchGone, fetch_json

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
    allowed = {_host(_text(issuer.get("id")))}
    verification = issuer.get("verification")
    if isinstance(verification, dict):
        origins = verification.get("allowedOrigins", [])
        allowed |= {o.lower() for o in ([origins] if isinstance(origins, str) else origins)}
    if _host(url) not in allowed:
        raise BadgeRefused("This badge is not hosted by its issuer.", "tampered")
    return _ob2_result(
        published, badge, issuer, method=HOSTED, assertion_id=url, email=email, now=now
    )


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


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    return _text(issuer.get("id") if isinstance(issuer, dict) else issuer)


def _vc_jwt_verify(
    token: str, header: dict[str, Any], payload: dict[str, Any], *, now: dt.datetime
) -> tuple[dict[str, Any], str]:
    """The credential of a VC-JWT whose signature holds (its key from the header's ``jwk``, or
    fetched at its ``kid`` on the issuer's server)."""
    credential = payload["vc"] if isinstance(payload.get("vc"), dict) else payload
    issuer_id = _issuer_id(credential) or _text(payload.get("iss"))
    try:
        if isinstance(header.get("jwk"), dict):
            public = {
                k: v for k, v in header["jwk"].items() if k not in ("d", "p", "q", "dp", "dq", "qi")
            }
            key: Any = import_key(public)
        elif _is_url(header.get("kid")):
            kid = str(header["kid"])
            if not _is_url(issuer_id) or _host(kid) != _host(issuer_id):
                raise BadgeRefused(
                    "The credential's key is not published by its issuer.", "tampered"
                )
            published = fetch_json(kid)
            key = KeySet.import_key_set(published) if "keys" in published else import_key(published)  # type: ignore[arg-type]
        else:
            raise BadgeRefused("This credential says nothing of the key that signed it.")
        decoded = jwt.decode(token, key, algorithms=ALGORITHMS)
    except BadSignatureError:
        raise BadgeRefused(
            "This credential's signature does not match: it was altered.", "tampered"
        ) from None
    except JoseError:
        raise BadgeRefused("This credential's signature cannot be checked.") from None
    claims = decoded.claims
    if payload.get("iss") and issuer_id and payload["iss"] != issuer_id:
        raise BadgeRefused("The credential's signer is not its issuer.", "tampered")
    exp = _when(claims["exp"], "expiry") if "exp" in claims else None
    nbf = _when(claims["nbf"], "start") if "nbf" in claims else None
    _check_dates(valid_from=nbf, valid_until=exp, now=now)
    return credential, EMBEDDED if isinstance(header.get("jwk"), dict) else SIGNED


def _ob3_document(document: dict[str, Any], *, email: str, now: dt.datetime) -> VerifiedBadge:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    token = next(
        (p["jwt"] for p in proofs if isinstance(p, dict) and isinstance(p.get("jwt"), str)), None
    )
    if token is None:
        raise BadgeRefused(
            "This credential's proof cannot be checked here: upload its VC-JWT instead."
        )
    try:
        compact = jws.extract_compact(token.encode())
        payload = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeDecodeError):
        raise BadgeRefused("This credential's proof cannot be read.") from None
    signed, method = _vc_jwt_verify(token, dict(compact.headers()), payload, now=now)
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    if not _same({k: v for k, v in signed.items() if k != "proof"}, unsigned):
        raise BadgeRefused(
            "This credential differs from the one its issuer signed: it was altered.", "tampered"
        )
    return _ob3_result(unsigned, token=token, method=method, email=email, now=now)


def _subject_matches(subject: dict[str, Any], *, email: str) -> bool:
    if _is_mail(subject.get("id")) and _identity_matches(
        _text(subject["id"]), hashed=False, salt="", email=email
    ):
        return True
    if isinstance(subject.get("email"), str) and _identity_matches(
        subject["email"], hashed=False, salt="", email=email
    ):
        return True
    identifiers: Iterable[Any] = subject.get("identifier") or []
    for identity in identifiers if isinstance(identifiers, list) else []:
        if not isinstance(identity, dict) or identity.get("identityType") != "emailAddress":
            continue
        if _identity_matches(
            _text(identity.get("identityHash")),
            hashed=bool(identity.get("hashed")),
            salt=_text(identity.get("salt"), 200),
            email=email,
        ):
            return True
    return False


def _is_mail(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith("mailto:")


def _ob3_result(
    credential: dict[str, Any], *, token: str, method: str, email: str, now: dt.datetime
) -> VerifiedBadge:
    if not _types(credential) & OB3_TYPES:
        raise BadgeRefused("This credential is not an Open Badge.")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        raise BadgeRefused("This credential has no subject.")
    if not _subject_matches(subject, email=email):
        raise _refuse_recipient()
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict) or not _text(achievement.get("id")):
        raise BadgeRefused("This credential names no achievement.")
    issuer = credential.get("issuer")
    issuer_id = _issuer_id(credential)
    if not issuer_id:
        raise BadgeRefused("This credential names no issuer.")
    start = credential.get("validFrom") or credential.get("issuanceDate")
    end = credential.get("validUntil") or credential.get("expirationDate")
    issued = _when(start, "issue")
    expires = _when(end, "expiry") if end else None
    _check_dates(valid_from=issued, valid_until=expires, now=now)
    credential_id = _text(credential.get("id")) or hashlib.sha256(token.encode()).hexdigest()
    _ob3_status(credential.get("credentialStatus"), credential_id=credential_id)
    issuer_name = _text(issuer.get("name"), 200) if isinstance(issuer, dict) else ""
    return VerifiedBadge(
        spec="3.0",
        method=method,
        assertion_id=credential_id,
        issuer_id=issuer_id,
        issuer_name=issuer_name or _host(issuer_id) or issuer_id[:200],
        badge_class_id=_text(achievement.get("id")),
        name=_text(achievement.get("name"), 200) or "Open Badge",
        issued_on=issued.date(),
        expires_on=expires.date() if expires else None,
    )


def _ob3_status(status: Any, *, credential_id: str) -> None:
    """A ``1EdTechRevocationList`` status is read; another kind cannot be checked, so the
    credential is refused rather than taken as not revoked."""
    if status is None:
        return
    if not isinstance(status, dict) or status.get("type") != "1EdTechRevocationList":
        raise BadgeRefused("This credential's revocation status cannot be checked.")
    if not _is_url(status.get("id")):
        raise BadgeRefused("This credential's revocation list has no address.")
    revoked = fetch_json(str(status["id"])).get("revokedCredentials")
    if credential_id in _revoked_ids(revoked):
        raise BadgeRefused("The issuer revoked this credential.", "revoked")
