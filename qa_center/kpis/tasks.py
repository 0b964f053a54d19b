"""Celery tasks of the KPIs: thin wrappers that take a period (or a recorded computation) and call the service.

Idempotent: each recomputes its days from the calls and replaces their snapshots, so a retry, a redelivery after
a crash or two workers at once converge on the same rows (qa_center.kpis.computing).
"""

from datetime import date

from celery import shared_task
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from qa_center.kpis import computing
from qa_center.kpis.models import KpiComputation

RETRY = {"autoretry_for": (IntegrityError, OperationalError), "retry_backoff": True, "max_retries": 3}


def _run(first_day: date, last_day: date, trigger: str) -> int:
    computation = computing.record_computation(first_day=first_day, last_day=last_day, trigger=trigger)
    return computing.run_computation(computation).pk


# The names are spelt out: queued messages and the beat schedule refer to them, whatever module holds them.
@shared_task(name="kpis.compute_recent", **RETRY)
def compute_recent() -> int:
    """Today's and yesterday's snapshots (and their week, month and year)."""
    first_day, last_day = computing.recent_days(timezone.localdate())
    return _run(first_day, last_day, KpiComputation.Trigger.SCHEDULE)


@shared_task(name="kpis.close_previous_periods", **RETRY)
def close_previous_periods() -> int:
    """Yesterday, and the week or month that has just ended; and the old computations' records go."""
    computing.purge_old_computations(now=timezone.now())
    first_day, last_day = computing.days_to_close(timezone.localdate())
    return _run(first_day, last_day, KpiComputation.Trigger.SCHEDULE)


@shared_task(name="kpis.compute_kpis", **RETRY)
def compute_kpis(first_day: str, last_day: str) -> int:
    """The days from `first_day` to `last_day` (ISO dates), e.g. after an import of old calls."""
    return _run(date.fromisoformat(first_day), date.fromisoformat(last_day), KpiComputation.Trigger.SCHEDULE)


@shared_task(name="kpis.run_computation", **RETRY)
def run_computation(computation_id: int) -> int | None:
    """A computation recorded by the recompute button; gone (deleted meanwhile): nothing to do."""
    computation = KpiComputation.objects.filter(pk=computation_id).first()
    if computation is None:
        return None
    return computing.run_computation(computation).pk
