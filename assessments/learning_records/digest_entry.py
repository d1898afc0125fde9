"""What a manager's digest says of one expiring certification (apart from ``digest``, which
plans the steps, so that the reminders' message builder can name it without an import cycle)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExpiringEntry:
    """One expiring certification in a manager's digest."""

    reminder_id: int
    person_id: int
    person_name: str
    team_name: str
    name: str
    expires_on: dt.date
    days_left: int
    person_url: str
    renewal_url: str
