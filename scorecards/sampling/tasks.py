"""Celery tasks of the scorecards app: thin wrappers that take ids and periods and call a service."""

from datetime import date

from celery import shared_task
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from qa_center.people.models import User
from scorecards.sampling import services as sampling


# The name is spelt out: queued messages and the beat schedule refer to it, whatever module holds the task.
@shared_task(
    name="scorecards.tasks.sample_calls",
    autoretry_for=(IntegrityError, OperationalError),
    retry_backoff=True,
    max_retries=3,
)
def sample_calls(period: str, day: str | None = None, created_by_id: int | None = None) -> int:
    """Sample the `period` ("week"/"month") containing `day` (ISO date), or else the last complete one.

    Idempotent: a second run of the same period only tops the quotas up. A race with a manual assignment of
    the same call hits the unique constraint, rolls the run back, and the retry sees that assignment.
    """
    if day is None:
        target = sampling.previous_period(kind=period, today=timezone.localdate())
    else:
        target = sampling.period_containing(kind=period, day=date.fromisoformat(day))
    created_by = User.objects.filter(pk=created_by_id).first() if created_by_id else None
    return sampling.run_sampling(period=target, created_by=created_by).pk
