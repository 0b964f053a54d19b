"""Celery tasks of retention: thin, the rule is calls.retention.services'."""

from celery import shared_task

from calls.retention import services


@shared_task(name="calls.tasks.apply_retention", ignore_result=True)
def apply_retention() -> int:
    """Daily (beat): recordings and transcripts past QA_RETENTION_DAYS go. Returns how many calls it cleared."""
    run = services.apply_retention()
    return run.calls_count if run is not None else 0
