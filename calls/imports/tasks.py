"""Celery tasks of the calls app: thin wrappers that take ids and call the import service."""

from datetime import timedelta

from celery import shared_task

from calls.imports import jobs

IMPORT_FILE_RETENTION = timedelta(days=30)
# A batch takes well under a second; ten silent minutes mean the worker is gone.
IMPORT_SILENCE_LIMIT = timedelta(minutes=10)


# Task names are spelt out: queued messages and the beat schedule refer to them, whatever module holds them.
@shared_task(name="calls.tasks.import_calls", ignore_result=True, bind=True)
def import_calls(self, job_id: int) -> None:
    """Run an ImportJob. Safe to deliver twice: the service claims the job with a conditional UPDATE, and a
    redelivery (the first worker died: late acknowledgement) takes a running job over where it stopped."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    jobs.run_import_job(job_id=job_id, redelivered=redelivered)


@shared_task(name="calls.tasks.purge_old_import_files", ignore_result=True)
def purge_old_import_files() -> int:
    """Nightly (beat): uploaded exports hold customer data, so they are kept 30 days, the reports forever."""
    return jobs.purge_old_import_files(older_than=IMPORT_FILE_RETENTION)


@shared_task(name="calls.tasks.fail_stalled_import_jobs", ignore_result=True)
def fail_stalled_import_jobs() -> int:
    """Every few minutes (beat): an import whose worker died must not show "Importing" forever."""
    return jobs.fail_stalled_import_jobs(silent_for=IMPORT_SILENCE_LIMIT)
