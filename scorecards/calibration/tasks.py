"""Celery task of calibration: closes the sessions whose deadline has passed (beat runs it)."""

from celery import shared_task
from django.db import OperationalError

from scorecards.calibration import closing


@shared_task(
    name="scorecards.close_calibration_sessions",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def close_calibration_sessions() -> int:
    """Close the sessions past their deadline, and any complete one a submit left open; how many closed.

    Idempotent: each close is a conditional UPDATE, so a second run (or one racing a submit) closes nothing twice.
    """
    return closing.close_sessions_past_deadline() + closing.close_complete_sessions()
