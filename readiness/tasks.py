"""The readiness app's Celery tasks (the webhooks' are in ``readiness.webhooks.tasks``)."""

from typing import Any

from billiard.exceptions import WorkerLostError
from celery import shared_task
from celery.exceptions import TimeLimitExceeded
from celery.signals import task_failure

from readiness.caching import kept_clear
from readiness.hr.jobs import (
    HR_JOB_SOFT_TIME_LIMIT,
    HR_JOB_TIME_LIMIT,
    INTERRUPTED_DETAIL,
    TIME_LIMIT_DETAIL,
    hr_upsert_job_interrupt,
    hr_upsert_job_run,
)

HR_JOB_TASK = "readiness.tasks.run_hr_upsert_job"


@shared_task(
    name=HR_JOB_TASK,
    acks_late=True,
    time_limit=HR_JOB_TIME_LIMIT,
    soft_time_limit=HR_JOB_SOFT_TIME_LIMIT,
)
def run_hr_upsert_job(job_id: int) -> str:
    """Apply queued HR upsert ``job_id`` (once, however often it is delivered)."""
    return hr_upsert_job_run(job_id=job_id).status


@task_failure.connect(dispatch_uid="readiness_hr_upsert_job_stopped")
def hr_upsert_job_stopped(
    sender: Any = None,  # noqa: ANN401 - the task
    exception: BaseException | None = None,
    args: tuple = (),
    kwargs: dict | None = None,
    **_: Any,  # noqa: ANN401
) -> None:
    """A delivery of the HR job's task killed while it ran marks the job failed instead of
    leaving it "running": the hard time limit (Celery sends this from the worker's main
    process once it killed the child, then acknowledges the message: it is not delivered
    again), a lost child process (the same).

    Only those two: any other failure is raised outside the upsert (which keeps its own
    errors as the job's outcome), for example by a duplicate delivery before or at its claim
    (the database unreachable) while another delivery runs the job: failing the job then
    would say "failed" of a job that goes on and succeeds."""
    if getattr(sender, "name", None) != HR_JOB_TASK:
        return
    if not isinstance(exception, TimeLimitExceeded | WorkerLostError):
        return
    job_id = (kwargs or {}).get("job_id", args[0] if args else None)
    if job_id is not None:
        limit = isinstance(exception, TimeLimitExceeded)
        hr_upsert_job_interrupt(
            job_id=job_id, detail=TIME_LIMIT_DETAIL if limit else INTERRUPTED_DETAIL
        )


@shared_task(name="readiness.tasks.kept_clear_again", ignore_result=True)
def kept_clear_again() -> None:
    """Forget everything kept (``readiness.caching.kept_clear``) once more: queued by an
    erasure to run when every request that was under way as it committed has ended
    (``ERASURE_CLEAR_AGAIN_SECONDS``). Such a request read the data version before the
    erasure and may have stored a page naming the person after the erasure's own clear, under
    keys no later request asks for: never served, but in the cache's memory until it expired."""
    kept_clear()
