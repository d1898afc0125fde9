"""Writes of webhooks: endpoints, events into the outbox, and one delivery attempt.

Exactly once, from the receiver's view:

1. **Outbox.** ``events_emit`` writes one ``WebhookDelivery`` per (subscribed endpoint, event)
   in the caller's transaction, body fixed; if the change rolls back, so does the event. The
   task is queued with ``transaction.on_commit``, with the delivery's id.
2. **Claim.** An attempt takes the row with one conditional ``UPDATE`` (pending, and no live
   claim): of two workers holding the same id, one sends, the other looks again when the
   claim's lease has run out (the task's hard time limit, so no live attempt holds it then).
3. **Send and record.** A 2xx marks it succeeded — a succeeded row is never claimed again —
   anything else records the response and schedules the next attempt (doubling back-off,
   bounded attempts, then failed). Every attempt sends the same body with the same event id
   (``Idempotency-Key``), so the one window left — a worker killed between the receiver's
   2xx and our ``UPDATE`` — is a repeat the receiver recognises and ignores.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from readiness.webhooks.models import (
    SUBSCRIBABLE,
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
)
from readiness.webhooks.signing import SIGNATURE_HEADER, secret_generate, signature_header

logger = logging.getLogger(__name__)

#: The delivery task's hard time limit; a claim older than this belongs to a dead attempt.
TIME_LIMIT_SECONDS = 60
LEASE = dt.timedelta(seconds=TIME_LIMIT_SECONDS)
#: Seconds after which an attempt that found the row held by another looks again.
HELD_RECHECK_SECONDS = 5
TASK_NAME = "readiness.webhooks.tasks.deliver_webhook"
USER_AGENT = "Readiness-Webhooks/1"


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    data: dict[str, Any]
    id: str = ""


def event_id_for(name: str) -> str:
    """A stable event id for something that has its own identity (e.g. a reminder row)."""
    return "evt_" + uuid.uuid5(uuid.NAMESPACE_URL, f"readiness:{name}").hex


# --- Endpoints ------------------------------------------------------------------------------


def webhook_url_validate(url: str) -> str:
    """HTTPS only; plain HTTP to a loopback address when ``WEBHOOK_ALLOW_HTTP_LOOPBACK``."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": "Enter a full https:// address."}) from None
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError({"url": "Put no user name or password in the address."})
    if parts.scheme == "https":
        return url
    host = (parts.hostname or "").lower()
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if settings.WEBHOOK_ALLOW_HTTP_LOOPBACK and loopback:
        return url
    raise ValidationError({"url": "Use an https:// address: events carry people's data."})


def _events_clean(events: Iterable[str]) -> list[str]:
    allowed = {choice.value for choice in SUBSCRIBABLE}
    chosen = list(dict.fromkeys(events))
    unknown = [e for e in chosen if e not in allowed]
    if unknown:
        raise ValidationError({"events": f"Unknown event type(s): {', '.join(unknown)}."})
    if not chosen:
        raise ValidationError({"events": "Choose at least one event."})
    return sorted(chosen)


@transaction.atomic
def webhook_endpoint_create(
    *,
    url: str,
    events: Iterable[str],
    description: str = "",
    created_by: User | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (to show once)."""
    secret = secret_generate()
    endpoint = WebhookEndpoint(
        url=webhook_url_validate(url),
        events=_events_clean(events),
        description=(description or "").strip(),
        secret=secret,
        created_by=created_by,
    )
    endpoint.full_clean(exclude=["created_by"])
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what an endpoint receives, or pause it (pending deliveries then give up)."""
    if url is not None:
        endpoint.url = webhook_url_validate(url)
    if events is not None:
        endpoint.events = _events_clean(events)
    if description is not None:
        endpoint.description = description.strip()
    if is_active is not None:
        endpoint.is_active = is_active
    endpoint.full_clean(exclude=["created_by"])
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint and its deliveries (an attempt in flight then finds no row)."""
    endpoint.delete()


# --- Events into the outbox -----------------------------------------------------------------


def _body(event: Event, *, at: dt.datetime) -> str:
    return json.dumps(
        {"id": event.id, "type": event.type, "created": at.isoformat(), "data": event.data},
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def events_emit(*, events: Iterable[Event], endpoint: WebhookEndpoint | None = None) -> list[int]:
    """Write the outbox rows of ``events`` for every active endpoint subscribed to each (or for
    ``endpoint`` alone), in the caller's transaction, and queue their sending once it commits.
    One query when nobody subscribes, two more when someone does. Returns the delivery ids."""
    events = [e if e.id else Event(e.type, e.data, "evt_" + uuid.uuid4().hex) for e in events]
    if not events:
        return []
    endpoints = (
        [endpoint]
        if endpoint is not None
        else list(WebhookEndpoint.objects.filter(is_active=True).only("id", "events"))
    )
    now = timezone.now()
    rows = [
        WebhookDelivery(
            endpoint_id=target.pk,
            event_id=event.id,
            event_type=event.type,
            body=_body(event, at=now),
            created_at=now,
            next_attempt_at=now,
        )
        for event in events
        for target in endpoints
        if endpoint is not None or event.type in target.events
    ]
    if not rows:
        return []
    # A stable event id emitted twice (a reminder step sent again) is one delivery.
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        WebhookDelivery.objects.filter(
            event_id__in={row.event_id for row in rows},
            endpoint_id__in={row.endpoint_id for row in rows},
            status=DeliveryStatus.PENDING,
            attempts=0,
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: deliveries_enqueue(delivery_ids=ids))
    return ids


def event_emit(*, type: str, data: dict[str, Any], event_id: str = "") -> list[int]:  # noqa: A002
    """Emit one event (see ``events_emit``)."""
    return events_emit(events=[Event(type, data, event_id)])


def deliveries_enqueue(*, delivery_ids: Iterable[int], countdown: int = 0) -> None:
    """Queue one task per delivery. A broker that is down loses nothing: the rows stay pending
    and ``deliveries_resume`` queues them again."""
    from readiness.celery import app

    for pk in delivery_ids:
        try:
            app.send_task(TASK_NAME, args=[pk], countdown=countdown)
        except Exception:  # the broker: the row waits for deliveries_resume
            logger.exception("Could not queue webhook delivery %s", pk)


def deliveries_resume(*, older_than: dt.timedelta = LEASE * 2) -> int:
    """Queue again the pending deliveries whose attempt is overdue (a lost message, a broker
    that was down). Idempotent: an attempt that finds the row claimed or done does nothing."""
    due = timezone.now() - older_than
    ids = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lt=due)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=timezone.now() - LEASE))
        .values_list("pk", flat=True)[:1000]
    )
    deliveries_enqueue(delivery_ids=ids)
    return len(ids)


@transaction.atomic
def webhook_test_send(*, endpoint: WebhookEndpoint) -> list[int]:
    """A ``webhook.test`` event to ``endpoint`` alone (its page's "send a test event")."""
    event = Event(EventType.PING, {"endpoint": endpoint.pk, "message": "A test event."})
    return events_emit(events=[event], endpoint=endpoint)


# --- One attempt ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """``status`` after the attempt ("held" when another attempt holds the row); ``retry_in``:
    seconds until the next attempt, None when there is none to make."""

    status: str
    retry_in: int | None = None


def retry_delay(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: doubling from the base, capped."""
    delay = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return int(min(delay, settings.WEBHOOK_RETRY_MAX_SECONDS))


def webhook_delivery_attempt(*, delivery_id: int) -> AttemptOutcome:
    """Claim delivery ``delivery_id``, send it, record the response (module docstring)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE))
        .update(claimed_by=token, claimed_at=now, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        row = WebhookDelivery.objects.filter(pk=delivery_id).values("status", "claimed_at").first()
        if row is None or row["status"] != DeliveryStatus.PENDING:
            return AttemptOutcome(row["status"] if row else "gone")
        # Another attempt holds it: look again soon (it is then done, most likely) and at the
        # latest when its lease runs out (it died).
        claimed_at = row["claimed_at"]
        # None: the holder let go between the claim and this read (look again at the soonest).
        left = (claimed_at + LEASE - now).total_seconds() if claimed_at is not None else 0
        return AttemptOutcome("held", retry_in=max(1, min(HELD_RECHECK_SECONDS, math.ceil(left))))
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    code, text, error = _send(delivery)
    fields: dict[str, Any] = {
        "claimed_by": "",
        "claimed_at": None,
        "last_status_code": code,
        "last_response": text[: settings.WEBHOOK_RESPONSE_KEEP_CHARS],
        "last_error": error[:300],
    }
    retry_in = None
    if code is not None and 200 <= code < 300:
        fields.update(status=DeliveryStatus.SUCCEEDED, succeeded_at=timezone.now())
    elif not delivery.endpoint.is_active or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields.update(status=DeliveryStatus.FAILED)
    else:
        retry_in = retry_delay(delivery.attempts)
        fields["next_attempt_at"] = timezone.now() + dt.timedelta(seconds=retry_in)
    WebhookDelivery.objects.filter(pk=delivery_id, claimed_by=token).update(**fields)
    return AttemptOutcome(fields.get("status", DeliveryStatus.PENDING), retry_in)


def _send(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """POST the delivery; (status code or None, start of the response, error)."""
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return None, "", "The endpoint is paused."
    try:
        url = webhook_url_validate(endpoint.url)
    except ValidationError as error:
        return None, "", " ".join(error.messages)
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(
            secret=endpoint.secret, timestamp=int(timezone.now().timestamp()), body=body
        ),
        "Idempotency-Key": delivery.event_id,
        "Readiness-Event-Id": delivery.event_id,
        "Readiness-Event-Type": delivery.event_type,
    }
    keep = settings.WEBHOOK_RESPONSE_KEEP_CHARS
    try:
        # No redirects: the signed request goes to the registered address or nowhere.
        with (
            httpx.Client(timeout=settings.WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False) as c,
            c.stream("POST", url, content=body, headers=headers) as response,
        ):
            start = b""
            for chunk in response.iter_bytes():
                start += chunk
                if len(start) >= keep:
                    break
            return response.status_code, start[:keep].decode(errors="replace"), ""
    except httpx.HTTPError as error:
        return None, "", f"{type(error).__name__}: {error}"
