"""Certifications whose expiry was a date (entered by hand, an Open Badge's) were stored as
23:59 of that day (the organization's time zone), so they lapsed a minute before the day
ended. They now expire at the day's last instant (``learning_records.verified.day_end``):
this moves the rows already written. Only those two sources, and only an expiry at exactly
23:59:00 local time (what the old ``day_end`` wrote); a transcript's expiry is the provider's
own instant and stays. Batched, and re-runnable (a moved row is no longer at 23:59:00).

Backwards: the same rows back to 23:59:00."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

BATCH = 2000
OLD_END = dt.time(23, 59)
DATED_SOURCES = ("manual", "badge")


def _day_end(day: dt.date) -> dt.datetime:
    """``learning_records.verified.day_end`` as of this migration: the next day's first
    instant less a microsecond (in UTC: a wall clock's 23:59:59.999999 may happen twice)."""
    start = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    return start.astimezone(dt.UTC) - dt.timedelta(microseconds=1)


def _at(day: dt.date, to: dt.time) -> dt.datetime:
    return _day_end(day) if to == dt.time.max else timezone.make_aware(dt.datetime.combine(day, to))


def _move(apps, frm: dt.time, to: dt.time) -> int:
    """Rows of the dated sources expiring at ``frm`` local time moved to ``to`` on the same
    day; how many. (A person holds a few certifications: their ids and expiries fit in
    memory; the writes go in batches.)"""
    PersonCertification = apps.get_model("assessments", "PersonCertification")
    rows = PersonCertification.objects.filter(source__in=DATED_SOURCES, expires_at__isnull=False)
    moved = []
    for pk, expires_at in rows.order_by("pk").values_list("pk", "expires_at"):
        local = timezone.localtime(expires_at)
        if local.time() == frm:
            at = _at(local.date(), to)
            moved.append(PersonCertification(pk=pk, expires_at=at))
    PersonCertification.objects.bulk_update(moved, ["expires_at"], batch_size=BATCH)
    return len(moved)


def to_day_end(apps, schema_editor) -> int:
    return _move(apps, OLD_END, dt.time.max)


def to_old_end(apps, schema_editor) -> int:
    return _move(apps, dt.time.max, OLD_END)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0019_latest_ratings")]

    operations = [migrations.RunPython(to_day_end, to_old_end, elidable=True)]
