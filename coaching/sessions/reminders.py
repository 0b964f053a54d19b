"""Reminders, sent by Celery beat: to the lead and the agent the day before a session, and to the owner of an
action item once it is overdue. Never twice: each reminder has a key (what, which, for whom, and the session's
time or the item's due date, so that a rescheduled session or a new due date is reminded again), and a
SentReminder row with that key is inserted, in the same transaction, before the notification is written. A
second run, or another worker racing this one, fails on the unique key and sends nothing; the e-mail goes out
only once the transaction commits."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession, SentReminder
from coaching.sessions import notifications
from coaching.sessions.selectors import local_midnight
from qa_center.people.models import User

__all__ = ["Reminder", "due_reminders", "send_due_reminders", "send_reminder"]


@dataclass(frozen=True)
class Reminder:
    key: str
    recipient: User
    session: CoachingSession | None = None
    action_item: ActionItem | None = None


#: Session reminders go out from this hour (center's time) of the day before: not at midnight.
SESSION_REMINDER_HOUR = 8


def _session_reminders(now: datetime) -> list[Reminder]:
    """Scheduled sessions that start tomorrow (in the center's time zone): one reminder each to lead and agent,
    from SESSION_REMINDER_HOUR on."""
    local = timezone.localtime(now)
    if local.hour < SESSION_REMINDER_HOUR:
        return []
    tomorrow = local.date() + timedelta(days=1)
    sessions = CoachingSession.objects.filter(
        status=CoachingSession.Status.SCHEDULED,
        starts_at__gte=local_midnight(tomorrow),
        starts_at__lt=local_midnight(tomorrow + timedelta(days=1)),
    ).select_related("lead", "agent")
    reminders = []
    for session in sessions.order_by("starts_at", "pk"):
        for person in (session.lead, session.agent):
            key = f"session:{session.pk}:{session.starts_at.isoformat()}:{person.pk}"
            reminders.append(Reminder(key=key, recipient=person, session=session))
    return reminders


def _overdue_reminders(now: datetime) -> list[Reminder]:
    today = timezone.localtime(now).date()
    items = (
        ActionItem.objects.filter(done_at__isnull=True, due_on__lt=today)
        .exclude(session__status=CoachingSession.Status.CANCELLED)
        .select_related("session", "session__lead", "session__agent")
        .order_by("due_on", "pk")
    )
    reminders = []
    for item in items:
        owner = item.session.agent if item.owner == ActionItem.Owner.AGENT else item.session.lead
        key = f"overdue:{item.pk}:{item.due_on.isoformat()}:{owner.pk}"
        reminders.append(Reminder(key=key, recipient=owner, action_item=item))
    return reminders


def due_reminders(*, now: datetime | None = None) -> list[Reminder]:
    """Every reminder due at `now`, sent or not (send_reminder tells)."""
    now = now or timezone.now()
    return _session_reminders(now) + _overdue_reminders(now)


def send_reminder(reminder: Reminder) -> bool:
    """Send `reminder` unless it was sent already; True when this call sent it."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                key=reminder.key,
                recipient=reminder.recipient,
                session=reminder.session,
                action_item=reminder.action_item,
            )
            if reminder.session is not None:
                notifications.notify_session(
                    reminder.session, recipient=reminder.recipient, what=notifications.SESSION_REMINDER
                )
            else:
                notifications.notify_overdue(reminder.action_item, recipient=reminder.recipient)
    except IntegrityError:
        return False  # sent by an earlier run, or by a worker that got there first
    return True


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Send what is due and not yet sent; returns how many were sent by this run."""
    return sum(send_reminder(reminder) for reminder in due_reminders(now=now))
