"""The address a request comes from, as far as it can be trusted (django-axes' lock-out key).

Each proxy in front of the app appends the address it received the request from to
``X-Forwarded-For``; whatever is to the left of what our own proxies wrote came from the client
and may be anything. With ``TRUSTED_PROXY_COUNT`` proxies, the client is therefore the Nth entry
from the right, and ``REMOTE_ADDR`` is the innermost proxy. With 0 (the default: gunicorn faces
the clients) the header is ignored, so nobody can choose the address they are locked out under.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the entry of ``X-Forwarded-For`` written by
    the outermost of ``TRUSTED_PROXY_COUNT`` proxies. A header with fewer entries than there
    are proxies, or an entry that is not an address, did not come through them: the connecting
    address is used instead."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip()
        for header in [request.META.get("HTTP_X_FORWARDED_FOR", "")]
        for part in header.split(",")
        if part.strip()
    ]
    if len(forwarded) < trusted:
        return remote
    candidate = forwarded[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
