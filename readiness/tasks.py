"""The readiness app's Celery tasks (the webhooks' are in ``readiness.webhooks.tasks``)."""

from celery import shared_task

from readiness.hr.jobs import hr_upsert_job_run

#: A 100,000-person upsert takes minutes on a small machine; the limit is well above that.
HR_JOB_TIME_LIMIT = 30 * 60


@shared_task(
    name="readiness.tasks.run_hr_upsert_job",
    acks_late=True,
    time_limit=HR_JOB_TIME_LIMIT,
    soft_time_limit=HR_JOB_TIME_LIMIT - 30,
)
def run_hr_upsert_job(job_id: int) -> str:
    """Apply queued HR upsert ``job_id`` (once, however often it is delivered)."""
    return hr_upsert_job_run(job_id=job_id).status
