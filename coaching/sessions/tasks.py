"""Celery tasks of coaching sessions: thin, idempotent, run by beat (qa_center/celery.py)."""

from datetime import datetime, timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from coaching.models import CoachingSession
from coaching.sessions import reminders, services

FOLLOW_UP_DAYS = 60


@shared_task(
    name="coaching.send_reminders", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def send_coaching_reminders(at: str | None = None) -> int:
    """Session reminders for tomorrow and overdue action items, as due at `at` (ISO instant; default now). A
    reminder already sent is never sent again."""
    return reminders.send_due_reminders(now=datetime.fromisoformat(at) if at else None)


@shared_task(
    name="coaching.request_follow_up_evaluations",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def request_follow_up_evaluations() -> int:
    """Ask sampling for the follow-up evaluations of completed sessions whose follow-up date has come (and
    not long gone: an agent who takes no calls for FOLLOW_UP_DAYS is not asked about any more)."""
    today = timezone.localdate()
    due = CoachingSession.objects.filter(
        status=CoachingSession.Status.COMPLETED,
        follow_up_evaluations__gt=0,
        follow_up_on__lte=today,
        follow_up_on__gte=today - timedelta(days=FOLLOW_UP_DAYS),
    ).values_list("pk", flat=True)
    return sum(services.request_follow_up_evaluations(session_id=pk, today=today) for pk in due)
