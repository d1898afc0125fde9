"""The measured effectiveness of resources, kept in ``ResourceEffectiveness`` by the worker.

``EFFECTIVENESS_SQL`` reads every completion of the organization and the ratings around it: an
organization-wide figure, too dear to compute at every visit of ``/me/`` (29 ms of its 52 at
10,000 people). The worker computes it once for every resource and keeps it:

- ``effectiveness_refresh_later`` after a write that can move it (a rating recorded, a plan
  item or a verified completion saved or deleted, a resource's skills changed): debounced,
  one refresh at most every ``DEBOUNCE_SECONDS``, run after the writes of that window;
- nightly (the beat entry of migration ``assessments/0012``), for whatever no hook saw
  (bulk writes of the catalog's curation, an SQL session).

Pages read the kept figures in one query and say as of when (``selectors.catalog``).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from assessments.models import ResourceEffectiveness
from assessments.selectors.catalog import resources_effectiveness
from assessments.services.debounce import refresh_later

#: A refresh runs this long after the first write that asked for it: the writes of that
#: window share it.
DEBOUNCE_SECONDS = 60
#: The marker "a refresh is queued": the refresh clears it before it reads; a worker that never
#: runs it does not block the next one longer than this.
QUEUED_KEY = "readiness:effectiveness-refresh-queued"
QUEUED_SECONDS = 15 * 60
FIGURES = ("mean_gain", "people", "verified", "computed_at")


@transaction.atomic
def effectiveness_refresh() -> int:
    """Compute every resource's effectiveness (one ``EFFECTIVENESS_SQL`` statement) and keep
    it: rows upserted, rows of resources that have no data any more deleted. Idempotent: on the
    same data the rows hold the same figures (only ``computed_at`` moves). Returns the number
    of resources with a figure."""
    cache.delete(QUEUED_KEY)  # a write from now on queues the next refresh
    now = timezone.now()
    figures = resources_effectiveness()
    ResourceEffectiveness.objects.exclude(resource_id__in=list(figures)).delete()
    ResourceEffectiveness.objects.bulk_create(
        [
            ResourceEffectiveness(
                resource_id=resource_id,
                mean_gain=figure.mean_gain,
                people=figure.people,
                verified=figure.verified,
                computed_at=now,
            )
            for resource_id, figure in figures.items()
        ],
        update_conflicts=True,
        unique_fields=["resource"],
        update_fields=list(FIGURES),
    )
    return len(figures)


def effectiveness_refresh_later() -> None:
    """Queue a refresh once the current transaction commits (its writes visible to the
    worker), unless one is queued already: the writes of ``DEBOUNCE_SECONDS`` share one."""
    refresh_later(
        marker=QUEUED_KEY,
        task="refresh_effectiveness",
        countdown=DEBOUNCE_SECONDS,
        hold_seconds=QUEUED_SECONDS,
    )
