"""The dashboard page's wording about its figures: they are the worker's, a few minutes old
at most (``services.dashboard``), and the page says so."""

from __future__ import annotations

#: What the page says of its figures' age (the debounce plus the refresh's own time).
FRESHNESS = "updated every few minutes"
