"""HR upserts applied by a worker: ``hr_upsert_job_create`` queues an accepted request,
``hr_upsert_job_run`` applies it once (whoever runs it, however often), all or nothing, with
the same rules as a synchronous upsert (``hr_upsert``)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from readiness.api.exceptions import api_validation_error, problem_errors
from readiness.hr.models import HrUpsertJob, HrUpsertJobStatus
from readiness.hr.plan import HrUpsertInvalid
from readiness.hr.upsert import hr_upsert

logger = logging.getLogger(__name__)

#: Person fields that are dates: kept as ISO strings in the job's JSON payload.
_DATE_FIELDS = ("start_date",)


def _to_json(people: list[dict]) -> list[dict]:
    return [
        {
            key: value.isoformat() if key in _DATE_FIELDS and value is not None else value
            for key, value in entry.items()
        }
        for entry in people
    ]


def _from_json(people: list[dict]) -> list[dict]:
    return [
        {
            key: dt.date.fromisoformat(value) if key in _DATE_FIELDS and value else value
            for key, value in entry.items()
        }
        for entry in people
    ]


def hr_upsert_job_create(
    *,
    teams: list[dict],
    people: list[dict],
    dry_run: bool,
    created_by: Any,  # noqa: ANN401 - a user, or none for a service token without one
) -> HrUpsertJob:
    """Queue checked entries (as the API's input serializer returns them) to be applied by a
    worker once this transaction commits."""
    from readiness.tasks import run_hr_upsert_job

    job = HrUpsertJob.objects.create(
        payload={"teams": teams, "people": _to_json(people)},
        dry_run=dry_run,
        teams_count=len(teams),
        people_count=len(people),
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    transaction.on_commit(lambda: run_hr_upsert_job.delay(job.pk))
    return job


#: The task's hard time limit: a job running longer than this lost its worker (killed, or the
#: machine went down), so its claim lapses. The upsert is one transaction: such a job wrote
#: nothing, and the task delivered again (``acks_late``) runs it from the start.
HR_JOB_TIME_LIMIT = 30 * 60
LEASE = dt.timedelta(seconds=HR_JOB_TIME_LIMIT)


def _claim(job_id: int) -> bool:
    """Queued (or running past its lease) → running, for one caller only (a task delivered
    twice runs once)."""
    now = timezone.now()
    lapsed = Q(status=HrUpsertJobStatus.RUNNING, started_at__lt=now - LEASE)
    return bool(
        HrUpsertJob.objects.filter(Q(status=HrUpsertJobStatus.QUEUED) | lapsed, pk=job_id).update(
            status=HrUpsertJobStatus.RUNNING, started_at=now
        )
    )


def hr_upsert_job_run(*, job_id: int) -> HrUpsertJob:
    """Apply queued job ``job_id``. Its outcome is kept on the job — the summary and changes,
    or the errors of each wrong entry with nothing written — and its payload (names, emails)
    dropped. The errors are kept as a ``400`` answering the same request lists them. A job that is no longer queued (run already, or running elsewhere) is left as it
    is."""
    if not _claim(job_id):
        return HrUpsertJob.objects.get(pk=job_id)
    job = HrUpsertJob.objects.get(pk=job_id)
    payload = job.payload or {}
    outcome: dict[str, Any] = {"payload": None}
    try:
        result = hr_upsert(
            teams=payload.get("teams", []),
            people=_from_json(payload.get("people", [])),
            dry_run=job.dry_run,
            changed_by=job.created_by,
        )
    except HrUpsertInvalid as error:
        wrong = sum(len(entries) for entries in error.api_detail.values())
        outcome |= {
            "status": HrUpsertJobStatus.FAILED,
            # Kept as the synchronous 400 lists them (the same builder, in the same order).
            "errors": problem_errors(api_validation_error(error).detail),
            "detail": f"{wrong} wrong entr{'y' if wrong == 1 else 'ies'}: nothing was written.",
        }
    except Exception:  # a job does not stay "running": its caller is polling it
        logger.exception("HR upsert job %s failed", job_id)
        outcome |= {
            "status": HrUpsertJobStatus.FAILED,
            "detail": "The upsert failed on the server: nothing was written. Send it again.",
        }
    else:
        outcome |= {
            "status": HrUpsertJobStatus.SUCCEEDED,
            "summary": result.summary(),
            "changes": {
                "teams": [asdict(change) for change in result.teams],
                "people": [asdict(change) for change in result.people],
            },
        }
    outcome["finished_at"] = timezone.now()
    HrUpsertJob.objects.filter(pk=job_id).update(**outcome)
    return HrUpsertJob.objects.get(pk=job_id)
