"""A fake Open Badges issuer for the tests: a local HTTP server thread publishing hosted
assertions, badge classes, the issuer profile, public keys and revocation lists, and builders
of badges it issues (OB 2.0 hosted and signed, OB 3.0 VC-JWT), baked into PNG or SVG with
openbadges-bakery. Keys are generated with cryptography at test time."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import png
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jws, jwt
from joserfc.jwk import ECKey, RSAKey
from openbadges_bakery import png_bakery, svg_bakery

SALT = "pepper-42"
ISSUED = "2026-11-02T10:00:00+00:00"


def _rsa_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _ec_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def hashed_identity(email: str, salt: str = SALT) -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


@dataclass
class Issuer:
    base: str = ""
    docs: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)  # the Host header of each request
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location (302)
    rsa_key: RSAKey = field(default_factory=lambda: RSAKey.import_key(_rsa_pem()))
    ec_key: ECKey = field(default_factory=lambda: ECKey.import_key(_ec_pem()))
    revoked_assertions: list[str] = field(default_factory=list)
    revoked_credentials: list[str] = field(default_factory=list)
    counter: int = 0

    # --- publishing ---

    def url(self, path: str) -> str:
        return self.base + path

    def publish(self, path: str, document: Any, status: int = 200) -> None:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.docs[path] = (status, body)

    def start(self) -> None:
        self.publish(
            "/issuer",
            {
                "@context": "https://w3id.org/openbadges/v2",
                "type": "Issuer",
                "id": self.url("/issuer"),
                "name": "Example Academy",
                "url": self.url("/"),
                "revocationList": self.url("/revocations"),
            },
        )
        self.publish(
            "/keys/1",
            {
                "@context": "https://w3id.org/openbadges/v2",
                "type": "CryptographicKey",
                "id": self.url("/keys/1"),
                "owner": self.url("/issuer"),
                "publicKeyPem": self.rsa_key.as_pem(private=False).decode(),
            },
        )
        self.publish("/keys/ec", self.ec_key.as_dict(private=False))

    def badge_class(self, slug: str = "prompting", name: str = "Prompt Engineering Basics") -> str:
        self.publish(
            f"/badges/{slug}",
            {
                "@context": "https://w3id.org/openbadges/v2",
                "type": "BadgeClass",
                "id": self.url(f"/badges/{slug}"),
                "name": name,
                "description": "Writes clear prompts.",
                "image": self.url(f"/badges/{slug}.png"),
                "criteria": {"narrative": "Pass the course."},
                "issuer": self.url("/issuer"),
            },
        )
        return self.url(f"/badges/{slug}")

    # --- Open Badges 2.0 ---

    def ob2_hosted(
        self,
        email: str,
        *,
        slug: str = "prompting",
        expires: str | None = None,
        revoked: bool = False,
        hashed: bool = True,
    ) -> dict[str, Any]:
        """A hosted assertion, published at its id; the uploaded copy is returned."""
        self.counter += 1
        badge = self.badge_class(slug)
        assertion: dict[str, Any] = {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": self.url(f"/assertions/{self.counter}"),
            "recipient": {
                "type": "email",
                "hashed": hashed,
                "salt": SALT if hashed else None,
                "identity": hashed_identity(email) if hashed else email,
            },
            "badge": badge,
            "issuedOn": ISSUED,
            "verification": {"type": "hosted"},
        }
        if expires:
            assertion["expires"] = expires
        published = dict(assertion, revoked=True) if revoked else assertion
        self.publish(f"/assertions/{self.counter}", published)
        return assertion

    def ob2_signed(self, email: str, *, slug: str = "prompting") -> str:
        self.counter += 1
        assertion = {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": f"urn:uuid:assertion-{self.counter}",
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": SALT,
                "identity": hashed_identity(email),
            },
            "badge": self.badge_class(slug),
            "issuedOn": ISSUED,
            "verification": {"type": "signed", "creator": self.url("/keys/1")},
        }
        self.publish("/revocations", {"revokedAssertions": list(self.revoked_assertions)})
        return jws.serialize_compact({"alg": "RS256"}, json.dumps(assertion).encode(), self.rsa_key)

    # --- Open Badges 3.0 ---

    def ob3_credential(
        self,
        email: str,
        *,
        slug: str = "agents",
        name: str = "Building AI Agents",
        valid_until: str | None = None,
        with_status: bool = False,
    ) -> dict[str, Any]:
        self.counter += 1
        credential: dict[str, Any] = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": f"urn:uuid:credential-{self.counter}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": self.url("/issuer"), "type": ["Profile"], "name": "Example Academy"},
            "validFrom": ISSUED,
            "name": name,
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityType": "emailAddress",
                        "hashed": True,
                        "salt": SALT,
                        "identityHash": hashed_identity(email),
                    }
                ],
                "achievement": {
                    "id": self.url(f"/achievements/{slug}"),
                    "type": ["Achievement"],
                    "name": name,
                    "criteria": {"narrative": "Build an agent."},
                },
            },
        }
        if valid_until:
            credential["validUntil"] = valid_until
        if with_status:
            credential["credentialStatus"] = {
                "id": self.url("/credential-revocations"),
                "type": "1EdTechRevocationList",
            }
            self.publish(
                "/credential-revocations",
                {"revokedCredentials": [{"id": i} for i in self.revoked_credentials]},
            )
        return credential

    def ob3_jwt(self, credential: dict[str, Any], *, key_in_header: bool = True) -> str:
        """A VC-JWT: the key in its header (``jwk``) or published at its ``kid``."""
        header: dict[str, Any] = {"alg": "ES256", "typ": "JWT"}
        if key_in_header:
            header["jwk"] = self.ec_key.as_dict(private=False)
        else:
            header["kid"] = self.url("/keys/ec")
        claims = {
            "iss": credential["issuer"]["id"],
            "jti": credential["id"],
            "nbf": int(dt.datetime.fromisoformat(credential["validFrom"]).timestamp()),
            "vc": credential,
        }
        return jwt.encode(header, claims, self.ec_key)


def tamper_jws(token: str, field_path: tuple[str, ...], value: Any) -> str:
    """The token with its payload changed (and the signature kept)."""
    header, payload, signature = token.split(".")
    data = json.loads(jws.extract_compact(token.encode()).payload)
    target = data
    for key in field_path[:-1]:
        target = target[key]
    target[field_path[-1]] = value
    import base64

    body = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


def blank_png() -> bytes:
    buffer = io.BytesIO()
    png.from_array([[40, 90, 200, 255] * 4] * 4, "RGBA").write(buffer)
    return buffer.getvalue()


def bake_png(text: str) -> bytes:
    return png_bakery.bake(io.BytesIO(blank_png()), text).read()


def bake_svg(text: str) -> bytes:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
    return svg_bakery.bake(io.BytesIO(svg), text).read()


class _Handler(BaseHTTPRequestHandler):
    issuer: Issuer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.issuer.requests.append(self.path)
        self.issuer.hosts.append(self.headers.get("Host", ""))
        if self.path in self.issuer.redirects:
            self.send_response(302)
            self.send_header("Location", self.issuer.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body = self.issuer.docs.get(self.path, (404, b'{"error": "not found"}'))
        self.send_response(status)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def badge_issuer() -> Iterator[Issuer]:
    """The issuer's server (the test settings allow plain HTTP to loopback for badges)."""
    issuer = Issuer()
    handler = type("Handler", (_Handler,), {"issuer": issuer})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    issuer.base = f"http://127.0.0.1:{server.server_port}"
    issuer.start()
    yield issuer
    server.shutdown()
    server.server_close()


def bake_png_ob3(text: str) -> bytes:
    """An OB 3.0 baked PNG: an ``iTXt`` chunk ``openbadgecredential`` (the bakery knows only
    the 2.0 keyword), written with pypng."""
    chunks = list(png.Reader(bytes=blank_png()).chunks())
    baked = (b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00" + text.encode())
    out = io.BytesIO()
    png.write_chunks(out, [chunks[0], baked, *chunks[1:]])
    return out.getvalue()


def bake_svg_ob3(text: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="4" height="4">'
        f"<openbadges:credential><![CDATA[{text}]]></openbadges:credential>"
        '<rect width="4" height="4"/></svg>'
    ).encode()
