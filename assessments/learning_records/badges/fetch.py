"""Fetching an issuer's published documents (hosted assertions, badge classes, issuer
profiles, public keys, revocation lists) without becoming a proxy into the private network.

HTTPS only, except plain HTTP to a loopback address when ``BADGE_ALLOW_HTTP_LOOPBACK`` (the
tests' issuers); every address the host resolves to must be public (loopback only with that
setting); redirects are followed by hand, at most three and only on the same host; the body is
read up to ``BADGE_FETCH_MAX_BYTES``; every request has ``BADGE_HTTP_TIMEOUT``.

The host is resolved once, by ``url_check``, and the connection goes to one of the addresses
that check approved (``_PinnedBackend``), never to a second answer of the resolver: a name
whose answer changes between the check and the connection (DNS rebinding) cannot lead to a
private address. The URL, its ``Host`` header and TLS (SNI and the certificate's name) stay
the host name's. ``BADGE_CA_BUNDLE`` replaces the public certificate authorities (an
in-house issuer, or the tests' own).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from django.conf import settings

MAX_REDIRECTS = 3
ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"


class FetchError(Exception):
    """The document could not be read: the message says why, for the person."""


class FetchGone(FetchError):
    """The issuer answered 404 or 410: the document was withdrawn."""


@dataclass(frozen=True)
class CheckedHost:
    """A host name (as the connection names it: IDNA-encoded, lower case) and the addresses
    it resolved to when it was checked, in the resolver's order."""

    name: str
    addresses: tuple[str, ...]


#: IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052), which a
#: DNS64 resolver hands out for IPv4-only names: the IPv4 address is where a connection goes.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: NAT64 prefixes for local use (RFC 8215): whatever network they translate to is private.
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return False
        # An IPv4 address inside an IPv6 one (mapped, 6to4, NAT64) is judged as itself:
        # Python counts 64:ff9b::a9fe:a9fe as global, but it reaches 169.254.169.254.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return _address_allowed(str(embedded))
    if ip.is_loopback:
        return bool(settings.BADGE_ALLOW_HTTP_LOOPBACK)
    return ip.is_global and not ip.is_multicast


def url_check(url: str) -> CheckedHost:
    """The host of ``url`` and the addresses it may be fetched from, else FetchError. The host
    is resolved here, once: a name for a private address is refused like the address."""
    parts = urlsplit(url)
    if (
        parts.scheme not in ("https", "http")
        or not parts.hostname
        or parts.username
        or parts.password
    ):
        raise FetchError(f"The issuer's address {url[:200]!r} is not a web address.")
    try:
        # The name exactly as httpx will put it in the connection (IDNA 2008, lower case).
        name = httpx.URL(url).raw_host.decode("ascii").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(name, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError, httpx.InvalidURL):
        raise FetchError(f"The issuer's server {parts.hostname} could not be found.") from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses or not all(_address_allowed(a) for a in addresses):
        raise FetchError(f"The issuer's address {parts.hostname} is not a public server.")
    if parts.scheme == "http":
        loopback = all(ipaddress.ip_address(a.split("%", 1)[0]).is_loopback for a in addresses)
        if not (settings.BADGE_ALLOW_HTTP_LOOPBACK and loopback):
            raise FetchError(f"The issuer's address {url[:200]!r} is not https://.")
    return CheckedHost(name=name, addresses=addresses)


class _PinnedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting a host name only to the addresses its check
    approved (``pin``): a name never checked is not connected at all."""

    def __init__(self) -> None:
        self._pins: dict[str, tuple[str, ...]] = {}

    def pin(self, host: CheckedHost) -> None:
        self._pins[host.name] = host.addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._pins.get(host.lower(), ())
        if not addresses:
            raise httpcore.ConnectError(f"{host} was not checked before connecting.")
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:  # each one checked; the first that answers, as a resolver's
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None  # nosec B101  # at least one address was tried
        raise failure


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over a pool whose connections go through ``backend``."""

    def __init__(self, backend: _PinnedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        # httpx builds its pool with no say in the network backend: the same pool, with ours.
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)


def _ssl_context() -> ssl.SSLContext:
    if settings.BADGE_CA_BUNDLE:
        return ssl.create_default_context(cafile=settings.BADGE_CA_BUNDLE)
    return httpx.create_ssl_context(trust_env=False)


def fetch_text(url: str) -> str:
    """The body of ``url`` as text (FetchError or FetchGone when it cannot be had)."""
    current = url
    host = (urlsplit(url).hostname or "").lower()
    backend = _PinnedBackend()
    with httpx.Client(
        transport=_PinnedTransport(backend, _ssl_context()),
        timeout=settings.BADGE_HTTP_TIMEOUT,
        follow_redirects=False,
        trust_env=False,
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            backend.pin(url_check(current))
            try:
                with client.stream("GET", current, headers={"Accept": ACCEPT}) as response:
                    if response.is_redirect:
                        target = urljoin(current, response.headers.get("location", ""))
                        if (urlsplit(target).hostname or "").lower() != host:
                            raise FetchError("The issuer redirected to another server.")
                        current = target
                        continue
                    if response.status_code in (404, 410):
                        raise FetchGone(f"The issuer no longer publishes {current[:200]}.")
                    if response.status_code != 200:
                        raise FetchError(
                            f"The issuer's server answered {response.status_code} "
                            f"for {current[:200]}."
                        )
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > settings.BADGE_FETCH_MAX_BYTES:
                            raise FetchError("The issuer's document is too large.")
                    return body.decode(response.encoding or "utf-8", errors="replace")
            except httpx.HTTPError:
                raise FetchError(
                    f"The issuer's server could not be reached ({host}); try again later."
                ) from None
    raise FetchError("The issuer redirected too many times.")


def fetch_json(url: str) -> dict[str, Any]:
    """The JSON object at ``url``."""
    text = fetch_text(url)
    try:
        data = json.loads(text)
    except ValueError:
        raise FetchError(f"The issuer's document at {url[:200]} is not JSON.") from None
    if not isinstance(data, dict):
        raise FetchError(f"The issuer's document at {url[:200]} is not a JSON object.")
    return data
