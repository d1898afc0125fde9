"""Open Badges 3.0: a VC-JWT (or a JSON credential carrying one as its ``proof.jwt``), its
issuer's key, dates, recipient and ``1EdTechRevocationList`` status."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import KeySet, import_key

from assessments.learning_records.badges.checks import (
    ALGORITHMS,
    EMBEDDED,
    OB3_TYPES,
    SIGNED,
    BadgeRefused,
    VerifiedBadge,
    _check_dates,
    _host,
    _identity_matches,
    _is_url,
    _refuse_recipient,
    _revoked_ids,
    _same,
    _text,
    _types,
    _when,
)
from assessments.learning_records.badges.fetch import fetch_json


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
