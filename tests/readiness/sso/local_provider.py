"""A small OpenID provider served over real HTTP, whose ID tokens a test shapes.

It speaks the parts of the protocol our client uses: discovery, an authorization endpoint that
answers at once (no consent page) with a code, a token endpoint that checks the client's
secret and the PKCE verifier, a JWKS, an end-session endpoint. The ID token is signed with a
real RSA key; a test may change its claims, sign it with a key the JWKS does not publish, or
rotate the published keys — so the checks of our client run on real tokens and real keys.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "readiness-tests"
CLIENT_SECRET = "local-provider-secret"  # noqa: S105  # nosec B105 # a test provider's secret


def rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class LocalProvider:
    """State of the provider; tests change ``claims``, ``signing_key``, ``published``."""

    claims: dict[str, Any] = field(default_factory=dict)
    signing_key: RSAKey = field(default_factory=lambda: rsa_key("k1"))
    published: list[RSAKey] = field(default_factory=list)
    # Claims to drop from the ID token (e.g. "nonce"), and overrides applied last.
    drop: set[str] = field(default_factory=set)
    override: dict[str, Any] = field(default_factory=dict)
    tamper: bool = False
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    jwks_fetches: int = 0
    url: str = ""

    def __post_init__(self) -> None:
        if not self.published:
            self.published = [self.signing_key]

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.claims,
        }
        claims.update(self.override)
        for name in self.drop:
            claims.pop(name, None)
        token = jwt.encode({"alg": "RS256", "kid": self.signing_key.kid}, claims, self.signing_key)
        if self.tamper:  # change the payload, keep the signature
            header, payload, signature = token.split(".")
            body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            body["email"] = "someone.else@example.com"
            payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
            token = f"{header}.{payload}.{signature}"
        return token


class _Handler(BaseHTTPRequestHandler):
    provider: LocalProvider

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _json(self, body: dict[str, Any], status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        base = self.provider.url
        if parts.path == "/.well-known/openid-configuration":
            self._json(
                {
                    "issuer": base,
                    "authorization_endpoint": f"{base}/authorize",
                    "token_endpoint": f"{base}/token",
                    "jwks_uri": f"{base}/jwks",
                    "end_session_endpoint": f"{base}/logout",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                }
            )
        elif parts.path == "/jwks":
            self.provider.jwks_fetches += 1
            self._json(KeySet(self.provider.published).as_dict(private=False))
        elif parts.path == "/authorize":
            code = secrets.token_urlsafe(16)
            self.provider.codes[code] = query
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
        elif parts.path == "/logout":
            self._json({"signed_out": True, **query})
        else:
            self._json({"error": "not_found"}, 404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            return self._json({"error": "invalid_client"}, 401)
        request = self.provider.codes.pop(form.get("code", ""), None)
        if request is None:
            return self._json({"error": "invalid_grant", "error_description": "unknown code"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if request.get("code_challenge") != challenge.rstrip(b"=").decode():
            return self._json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        self._json(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.provider.id_token(request.get("nonce")),
            }
        )


class LocalProviderServer:
    """Serve a ``LocalProvider`` on 127.0.0.1 (a free port) in a thread; ``stop()`` ends it."""

    def __init__(self, provider: LocalProvider) -> None:
        handler = type("Handler", (_Handler,), {"provider": provider})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        provider.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.provider = provider
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
