"""HR upserts applied by a worker: ``hr_upsert_job_create`` queues an accepted request,
``hr_upsert_job_run`` applies it once (whoever runs it, however often), all or nothing, with
the same rules as a synchronous upsert (``hr_upsert``).

A job's status tells the truth when its worker does not come back:

- past the soft time limit the upsert is stopped inside the task (nothing written): failed,
  saying so;
- at the hard time limit (or when the child process running it dies) the worker's main
  process sends ``task_failure``, whose receiver (``readiness.tasks``) marks the job failed
  (``hr_upsert_job_interrupt``), and acknowledges the message: it is never delivered again;
- a whole worker that vanished (killed, its machine gone) sends nothing: a job
  "running" for longer than the hard time limit cannot be running any more (its worker would
  have killed it), so it is shown as failed, interrupted (``hr_upsert_job_shown``), and is
  kept so the next time anything looks at it (a new job queued, the task delivered again).
  Both the claim's ``started_at`` and that rule (``_lapsed``) read the database's clock
  (``Now()``), never a worker's or a reader's.

Such a job wrote nothing (one transaction) and is not run again by itself: its sender sends it
again, as the message says. A delivery that comes back later finds it failed and leaves it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import Now

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

    hr_upsert_jobs_interrupt_lapsed()  # their payloads (names, emails) go with them
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
#: machine went down): the upsert is one transaction, so such a job wrote nothing.
HR_JOB_TIME_LIMIT = 30 * 60
#: The soft limit, when the upsert is stopped inside the task (and says so).
HR_JOB_SOFT_TIME_LIMIT = HR_JOB_TIME_LIMIT - 30
LEASE = dt.timedelta(seconds=HR_JOB_TIME_LIMIT)
#: Beyond the hard limit, a margin for the worker's timer (both ends are the database's clock).
LAPSED_AFTER = LEASE + dt.timedelta(minutes=1)

_MINUTES = HR_JOB_TIME_LIMIT // 60
TIME_LIMIT_DETAIL = (
    f"Stopped at the time limit ({_MINUTES} minutes): nothing was written. Send it again, "
    "in smaller parts if it is large."
)
FAILED_DETAIL = "The upsert failed on the server: nothing was written. Send it again."
INTERRUPTED_DETAIL = (
    "Interrupted: the worker applying it stopped before it finished (it hit the time limit, "
    "or was shut down): nothing was written. Send it again."
)


def _lapsed() -> Q:
    """A job still "running" past the hard time limit (and its margin), by the database's
    clock, which wrote its ``started_at``: its worker is gone."""
    return Q(status=HrUpsertJobStatus.RUNNING, started_at__lt=Now() - LAPSED_AFTER)


def hr_upsert_jobs_read(jobs: QuerySet[HrUpsertJob]) -> QuerySet[HrUpsertJob]:
    """``jobs`` with ``lapsed`` (``_lapsed``), for ``hr_upsert_job_shown``."""
    return jobs.annotate(lapsed=ExpressionWrapper(_lapsed(), output_field=BooleanField()))


def hr_upsert_job_shown(job: HrUpsertJob) -> HrUpsertJob:
    """``job`` as its reader must see it: a job still "running" past the hard time limit lost
    its worker, and is shown failed with why (the row is corrected the next time a job is
    queued, or its task delivered again). Any other job as it is. ``job`` is read through
    ``hr_upsert_jobs_read`` (a job not read so, one just queued, has not lapsed)."""
    if job.status == HrUpsertJobStatus.RUNNING and getattr(job, "lapsed", False):
        job.status = HrUpsertJobStatus.FAILED
        job.detail = INTERRUPTED_DETAIL
    return job


def hr_upsert_job_interrupt(*, job_id: int, detail: str = INTERRUPTED_DETAIL) -> bool:
    """Mark running job ``job_id`` failed, saying ``detail``: its worker stopped without an
    outcome (nothing was written). Its payload is dropped. False when it is not running (it
    finished, or was never started)."""
    return bool(
        HrUpsertJob.objects.filter(pk=job_id, status=HrUpsertJobStatus.RUNNING).update(
            status=HrUpsertJobStatus.FAILED,
            detail=detail,
            finished_at=Now(),
            payload=None,
        )
    )


def hr_upsert_jobs_interrupt_lapsed() -> int:
    """Mark every job running past the hard time limit failed (interrupted; ``hr_upsert_job_
    shown`` says the same of one before it is marked). Returns how many."""
    return HrUpsertJob.objects.filter(_lapsed()).update(
        status=HrUpsertJobStatus.FAILED,
        detail=INTERRUPTED_DETAIL,
        finished_at=Now(),
        payload=None,
    )


def _claim(job_id: int) -> bool:
    """Queued → running since now by the database's clock, for one caller only (a task
    delivered twice runs once): whether this caller claimed it. A delivery coming back for a
    job whose worker was lost finds it failed (interrupted), never runs it again."""
    hr_upsert_jobs_interrupt_lapsed()
    return bool(
        HrUpsertJob.objects.filter(pk=job_id, status=HrUpsertJobStatus.QUEUED).update(
            status=HrUpsertJobStatus.RUNNING, started_at=Now()
        )
    )


def hr_upsert_job_run(*, job_id: int) -> HrUpsertJob:
    """Apply queued job ``job_id``. Its outcome is kept on the job — the summary and changes,
    or the errors of each wrong entry with nothing written — and its payload (names, emails)
    dropped. The errors are kept as a ``400`` answering the same request lists them. A job
    that is no longer queued (run already, running elsewhere, interrupted) is left as it is.

    The writes and the outcome commit together: a job marked succeeded wrote its changes, and
    a job whose outcome could not be kept (or that was marked interrupted meanwhile) wrote
    nothing."""
    if not _claim(job_id):
        return HrUpsertJob.objects.get(pk=job_id)
    try:
        return _run_claimed(job_id)
    except BaseException as error:
        # Claimed, and no outcome kept (the job read back, or its final write, failed; the
        # hard time limit is the task's failure receiver's): the job does not stay "running"
        # until it lapses. Its writes rolled back with the outcome, so it says that nothing
        # was written. When even this fails (the database gone), the job lapses, as a lost
        # worker's does.
        try:
            detail = FAILED_DETAIL if isinstance(error, Exception) else INTERRUPTED_DETAIL
            hr_upsert_job_interrupt(job_id=job_id, detail=detail)
        except Exception:
            logger.exception("HR upsert job %s: its failure could not be recorded", job_id)
        raise


def _run_claimed(job_id: int) -> HrUpsertJob:
    """``hr_upsert_job_run`` once claimed: the upsert and its outcome in one transaction."""
    job = HrUpsertJob.objects.get(pk=job_id)
    payload = job.payload or {}
    outcome: dict[str, Any] = {"payload": None}
    with transaction.atomic():
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
        except SoftTimeLimitExceeded:
            outcome |= {"status": HrUpsertJobStatus.FAILED, "detail": TIME_LIMIT_DETAIL}
        except Exception:  # a job does not stay "running": its caller is polling it
            logger.exception("HR upsert job %s failed", job_id)
            outcome |= {
                "status": HrUpsertJobStatus.FAILED,
                "detail": FAILED_DETAIL,
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
        outcome["finished_at"] = Now()
        # Still running, and not lapsed: this run's claim (only a queued job is claimed, and no
        # job is queued again), not one its readers were told was interrupted. Matched by its
        # status, not its ``started_at``: SQLite compares the value read back as text, in
        # another precision than ``Now()`` wrote it, and never found it.
        kept = (
            HrUpsertJob.objects.filter(pk=job_id, status=HrUpsertJobStatus.RUNNING)
            .exclude(_lapsed())
            .update(**outcome)
        )
        if not kept:  # interrupted meanwhile: its outcome is said already, and nothing stays
            transaction.set_rollback(True)
    return HrUpsertJob.objects.get(pk=job_id)
