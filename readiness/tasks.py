"""The readiness app's Celery tasks (the webhooks' are in ``readiness.webhooks.tasks``)."""

from billiard.einfo import ExceptionInfo
from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded

from readiness.hr.jobs import (
    HR_JOB_SOFT_TIME_LIMIT,
    HR_JOB_TIME_LIMIT,
    INTERRUPTED_DETAIL,
    TIME_LIMIT_DETAIL,
    hr_upsert_job_interrupt,
    hr_upsert_job_run,
)


class HrUpsertJobTask(Task):
    """A delivery that ends without the job's outcome — the hard time limit (Celery calls this
    in the worker's main process once it killed the child), a lost child process, an error
    outside the upsert — marks the job failed instead of leaving it "running"; the message is
    acknowledged, not delivered again."""

    def on_failure(
        self,
        exc: Exception,
        task_id: str,
        args: tuple,
        kwargs: dict,
        einfo: ExceptionInfo | None,
    ) -> None:
        job_id = kwargs.get("job_id", args[0] if args else None)
        if job_id is not None:
            detail = TIME_LIMIT_DETAIL if isinstance(exc, TimeLimitExceeded) else INTERRUPTED_DETAIL
            hr_upsert_job_interrupt(job_id=job_id, detail=detail)


@shared_task(
    base=HrUpsertJobTask,
    name="readiness.tasks.run_hr_upsert_job",
    acks_late=True,
    time_limit=HR_JOB_TIME_LIMIT,
    soft_time_limit=HR_JOB_SOFT_TIME_LIMIT,
)
def run_hr_upsert_job(job_id: int) -> str:
    """Apply queued HR upsert ``job_id`` (once, however often it is delivered)."""
    return hr_upsert_job_run(job_id=job_id).status
