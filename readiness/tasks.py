"""The readiness app's Celery tasks (the webhooks' are in ``readiness.webhooks.tasks``)."""

from celery import shared_task

from readiness.hr.jobs import HR_JOB_TIME_LIMIT, hr_upsert_job_run


@shared_task(
    name="readiness.tasks.run_hr_upsert_job",
    acks_late=True,
    time_limit=HR_JOB_TIME_LIMIT,
    soft_time_limit=HR_JOB_TIME_LIMIT - 30,
)
def run_hr_upsert_job(job_id: int) -> str:
    """Apply queued HR upsert ``job_id`` (once, however often it is delivered)."""
    return hr_upsert_job_run(job_id=job_id).status
