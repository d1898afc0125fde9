"""Fetching an issuer's documents connects only to the address the check approved: a name
whose DNS answer changes after the check (DNS rebinding) never reaches the new address, on the
first request or a redirect hop; the normal path still works end to end; HTTPS is verified on
the host name (SNI and the certificate's name) while the connection goes to the checked IP.

The OS resolver is the outside boundary: ``socket.getaddrinfo`` is replaced by one whose
answers the test chooses for the test's host names (any other name or address is resolved
for real). The servers are real local ones."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from assessments.learning_records.badges import fetch
from assessments.learning_records.badges.fetch import FetchError, fetch_json

NAME = "badges.example"
PUBLIC = "93.184.216.34"  # a public address: what the check is shown
REAL_GETADDRINFO = socket.getaddrinfo


@dataclass
class Resolver:
    """Answers ``answers[i]`` to the i-th question about ``name`` (the last one after that)."""

    name: str
    answers: list[str]
    asked: int = 0

    def __call__(self, host: object, port: object, *args: object, **kwargs: object) -> list:
        if host != self.name:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)  # type: ignore[arg-type]
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answer, port))]


@pytest.fixture
def resolver(monkeypatch) -> Iterator[Resolver]:
    answers = Resolver(NAME, [])
    monkeypatch.setattr(socket, "getaddrinfo", answers)
    yield answers


@dataclass
class Listener:
    """A local TCP server that records every connection it accepts (and closes it)."""

    port: int = 0
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def private_server() -> Iterator[Listener]:
    listener = Listener()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    listener.port = sock.getsockname()[1]

    def accept() -> None:
        while True:
            try:
                conn, address = sock.accept()
            except OSError:
                return
            listener.hits.append(address[0])
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener
    sock.close()


def test_a_name_rebound_to_a_private_address_after_the_check_is_not_reached(
    settings, resolver, private_server
) -> None:
    settings.BADGE_HTTP_TIMEOUT = 2.0  # the public address is not ours: it may not answer
    resolver.answers = [PUBLIC, "127.0.0.1"]  # public for the check, then the private server
    with pytest.raises(FetchError):
        fetch_json(f"https://{NAME}:{private_server.port}/assertion")
    assert private_server.hits == []
    assert resolver.asked == 1  # resolved once: the connection used the checked address


def test_the_connection_goes_to_the_checked_address(settings, resolver, badge_issuer) -> None:
    """The other way round: checked as the (loopback) issuer, then answered a private address
    the issuer is not at: the document still comes from the address that was checked."""
    port = badge_issuer.base.rsplit(":", 1)[1]
    resolver.answers = ["127.0.0.1", "10.0.0.1"]
    profile = fetch_json(f"http://{NAME}:{port}/issuer")
    assert profile["name"] == "Example Academy"
    assert badge_issuer.requests == ["/issuer"] and badge_issuer.hosts == [f"{NAME}:{port}"]
    assert resolver.asked == 1


def test_a_redirect_hop_is_checked_and_pinned_too(settings, resolver, badge_issuer) -> None:
    port = badge_issuer.base.rsplit(":", 1)[1]
    badge_issuer.redirects["/old-issuer"] = f"http://{NAME}:{port}/issuer"
    resolver.answers = ["127.0.0.1", "127.0.0.1", "10.0.0.1"]  # the two checks, then private
    assert fetch_json(f"http://{NAME}:{port}/old-issuer")["name"] == "Example Academy"
    assert badge_issuer.requests == ["/old-issuer", "/issuer"]
    assert resolver.asked == 2  # one check per hop, no other resolution


def test_a_redirect_hop_rebound_to_a_private_address_is_refused(resolver, badge_issuer) -> None:
    port = badge_issuer.base.rsplit(":", 1)[1]
    badge_issuer.redirects["/old-issuer"] = f"http://{NAME}:{port}/issuer"
    resolver.answers = ["127.0.0.1", "10.0.0.1"]
    with pytest.raises(FetchError, match="not a public server"):
        fetch_json(f"http://{NAME}:{port}/old-issuer")
    assert badge_issuer.requests == ["/old-issuer"]


def test_the_normal_path_on_loopback_still_works(badge_issuer) -> None:
    assert fetch_json(badge_issuer.url("/issuer"))["name"] == "Example Academy"
    # A name resolving to several addresses, the issuer on one of them (localhost: ::1 too).
    localhost = badge_issuer.url("/keys/1").replace("127.0.0.1", "localhost")
    assert fetch_json(localhost)["type"] == "CryptographicKey"


# --- HTTPS: verified on the host name ---------------------------------------------------------


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def _certificate(
    subject: str, *, signed_by: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A key and its certificate: an authority's (self-signed) when ``signed_by`` is None,
    else a server's for the DNS name ``subject``, signed by that authority."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(signed_by[1].subject if signed_by else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=signed_by is None, path_length=None), True)
    )
    if signed_by is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), False)
    return key, builder.sign(signed_by[0] if signed_by else key, hashes.SHA256())


@dataclass
class TlsIssuer:
    port: int
    ca_file: Path
    server_names: list[str | None]
    hosts: list[str]


def _pem(path: Path, *parts: bytes) -> Path:
    path.write_bytes(b"".join(parts))
    return path


@pytest.fixture
def tls_issuer(request, tmp_path) -> Iterator[TlsIssuer]:
    """An HTTPS server on 127.0.0.1 whose certificate names ``request.param`` (issued by a CA
    of the test's own), serving ``{"name": "TLS Academy"}``."""
    authority = _certificate("Test CA")
    leaf_key, leaf = _certificate(request.param, signed_by=authority)
    encoding = serialization.Encoding.PEM
    chain = _pem(
        tmp_path / "server.pem",
        leaf.public_bytes(encoding),
        leaf_key.private_bytes(
            encoding, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    server_names: list[str | None] = []
    hosts: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain)
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)  # type: ignore[assignment,misc,func-returns-value]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            hosts.append(self.headers.get("Host", ""))
            body = json.dumps({"name": "TLS Academy"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    ca_file = _pem(tmp_path / "ca.pem", authority[1].public_bytes(encoding))
    yield TlsIssuer(server.server_port, ca_file, server_names, hosts)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("tls_issuer", [NAME], indirect=True)
def test_https_is_verified_on_the_host_name_not_the_address(settings, resolver, tls_issuer) -> None:
    """Connected to 127.0.0.1, whose address the certificate does not name: it passes because
    the name checked is the host's, sent as SNI; the Host header is the host's too."""
    settings.BADGE_CA_BUNDLE = str(tls_issuer.ca_file)
    resolver.answers = ["127.0.0.1", "10.0.0.1"]
    url = f"https://{NAME}:{tls_issuer.port}/issuer"
    assert fetch_json(url) == {"name": "TLS Academy"}
    assert tls_issuer.server_names == [NAME]
    assert tls_issuer.hosts == [f"{NAME}:{tls_issuer.port}"]


@pytest.mark.parametrize("tls_issuer", ["elsewhere.example"], indirect=True)
def test_https_with_a_certificate_for_another_name_is_refused(
    settings, resolver, tls_issuer
) -> None:
    settings.BADGE_CA_BUNDLE = str(tls_issuer.ca_file)
    resolver.answers = ["127.0.0.1"]
    with pytest.raises(FetchError, match="could not be reached"):
        fetch_json(f"https://{NAME}:{tls_issuer.port}/issuer")
    assert tls_issuer.hosts == []  # no request was sent


@pytest.mark.parametrize("tls_issuer", [NAME], indirect=True)
def test_https_signed_by_an_authority_not_trusted_is_refused(resolver, tls_issuer) -> None:
    resolver.answers = ["127.0.0.1"]  # BADGE_CA_BUNDLE empty: the public authorities only
    with pytest.raises(FetchError, match="could not be reached"):
        fetch_json(f"https://{NAME}:{tls_issuer.port}/issuer")
    assert tls_issuer.hosts == []


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254 (cloud metadata)
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b::5db8:d822", True),  # NAT64 of 93.184.216.34, a public address
        ("64:ff9b:1::5db8:d822", False),  # a local-use NAT64 prefix
        ("::ffff:10.0.0.1", False),  # IPv4-mapped
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2002:5db8:d822::1", True),  # 6to4 of a public address
        ("2606:4700::6810:85e5", True),  # a public IPv6 address
    ],
)
def test_an_ipv4_address_inside_an_ipv6_one_is_judged_as_itself(
    monkeypatch, settings, address, allowed
) -> None:
    settings.BADGE_ALLOW_HTTP_LOOPBACK = False

    def answers(host: object, port: object, *args: object, **kwargs: object) -> list:
        return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", answers)
    if allowed:
        assert fetch.url_check(f"https://{NAME}/badge").addresses == (address,)
    else:
        with pytest.raises(fetch.FetchError, match="not a public server"):
            fetch.url_check(f"https://{NAME}/badge")
