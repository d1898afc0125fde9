"""Fetching an issuer's published documents (hosted assertions, badge classes, issuer
profiles, public keys, revocation lists) without becoming a proxy into the private network.

HTTPS only, except plain HTTP to a loopback address when ``BADGE_ALLOW_HTTP_LOOPBACK`` (the
tests' issuers); every address the host resolves to must be public (loopback only with that
setting); redirects are followed by hand, at most three and only on the same host; the body is
read up to ``BADGE_FETCH_MAX_BYTES``; every request has ``BADGE_HTTP_TIMEOUT``.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

MAX_REDIRECTS = 3
ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"


class FetchError(Exception):
    """The document could not be read: the message says why, for the person."""


class FetchGone(FetchError):
    """The issuer answered 404 or 410: the document was withdrawn."""


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.is_loopback:
        return bool(settings.BADGE_ALLOW_HTTP_LOOPBACK)
    return ip.is_global and not ip.is_multicast


def url_check(url: str) -> str:
    """The URL if it may be fetched, else FetchError. Resolves the host to check where it
    points (a name for a private address is refused like the address)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise FetchError(f"The issuer's address {url[:200]!r} is not a web address.")
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise FetchError(f"The issuer's server {host} could not be found.") from None
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(_address_allowed(str(a)) for a in addresses):
        raise FetchError(f"The issuer's address {host} is not a public server.")
    if parts.scheme == "http":
        loopback = all(ipaddress.ip_address(str(a)).is_loopback for a in addresses)
        if not (settings.BADGE_ALLOW_HTTP_LOOPBACK and loopback):
            raise FetchError(f"The issuer's address {url[:200]!r} is not https://.")
    return url


def fetch_text(url: str) -> str:
    """The body of ``url`` as text (FetchError or FetchGone when it cannot be had)."""
    current = url
    host = (urlsplit(url).hostname or "").lower()
    with httpx.Client(
        timeout=settings.BADGE_HTTP_TIMEOUT, follow_redirects=False, trust_env=False
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            url_check(current)
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
