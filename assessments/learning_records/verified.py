"""The rules of verified learning, one place for every path that proves learning: the
Microsoft Learn transcript (``services``), Open Badges (``badges.services``) and the
certifications entered by hand.

- **A plan item is verified by the earliest proof.** The person's plan items for a resource
  (any status but dropped: the person chose to drop it) are completed on the date of the
  person's earliest verified completion of that resource, whatever its source, and marked
  verified by that source. A later proof from another source does not move it (the learning
  was done when it was first proven); an earlier one does; a source correcting its own date
  moves it (the earliest is read from the completions as they are now). A date the person set
  by hand gives way to the proof. The order in which the proofs arrive does not matter.
- **A certification expires** on the date its proof gives, else when the curated
  certification's validity (months) runs out from the date it was earned, else never.
  A date without a time (a badge's, one typed in a form) is earned at the start of its day and
  expires at the end of it: held through the day's last instant, lapsed at the next midnight.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from assessments.learning_records.models import VerifiedCompletion
from assessments.models import LearningPlanItem, PlanItemStatus
from catalog.models import Certification
from readiness.models import Person


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """``when`` moved by ``months``, on the month's last day when it is shorter."""
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` (the organization's time zone)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def day_end(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` (the organization's time zone; the last microsecond, what a
    timestamp column holds): an expiry held while ``expires_at > now`` is then held the whole
    day, and still falls on that day for every page, reminder and API that reads its date.
    23:59 dropped the day's last minute. Worked out as the next day's first instant less a
    microsecond, in UTC: where the clocks go back at midnight, 23:59:59.999999 happens twice,
    and the wall clock's would be the first."""
    return day_start(day + dt.timedelta(days=1)).astimezone(dt.UTC) - dt.timedelta(microseconds=1)


def certification_expires_at(
    *,
    earned_at: dt.datetime | None,
    expires_at: dt.datetime | None,
    curated: Certification | None,
) -> dt.datetime | None:
    """When a certification expires: its proof's expiry, else the earned date plus the curated
    validity, else never (None)."""
    if expires_at is not None:
        return expires_at
    if earned_at is not None and curated is not None and curated.validity_months:
        return add_months(earned_at, curated.validity_months)
    return None


def plan_items_verify(*, person: Person, resource_ids: Iterable[int]) -> list[str]:
    """Complete and mark verified the person's plan items for ``resource_ids`` by their
    earliest verified completion (inside the caller's transaction, after it recorded its
    completions). The titles of the items it changed, none when applied again."""
    earliest: dict[int, tuple[dt.datetime, set[str]]] = {}
    rows = VerifiedCompletion.objects.filter(person=person, resource_id__in=set(resource_ids))
    for resource_id, when, source in rows.values_list("resource_id", "completed_at", "source"):
        kept = earliest.get(resource_id)
        if kept is None or when < kept[0]:
            earliest[resource_id] = (when, {source})
        elif when == kept[0]:
            kept[1].add(source)  # the same date proven twice: either source is right
    items = (
        LearningPlanItem.objects.select_for_update(of=("self",))
        .filter(person=person, resource_id__in=list(earliest))
        .exclude(status=PlanItemStatus.DROPPED)
        .select_related("resource")
        .order_by("pk")
    )
    changed = []
    for item in items:
        when, sources = earliest[item.resource_id]
        if (
            item.status == PlanItemStatus.COMPLETED
            and item.completed_at == when
            and item.verified_by in sources
        ):
            continue
        item.status = PlanItemStatus.COMPLETED
        item.completed_at = when
        item.started_at = min(item.started_at, when) if item.started_at else when
        item.verified_by = min(sources)
        item.save(update_fields=["status", "completed_at", "started_at", "verified_by"])
        changed.append(item.resource.title)
    return changed
