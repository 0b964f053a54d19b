"""Coaching sessions for tests: booked through the service (schedule_session), or built as rows for a state or
a time the service would refuse (a session in the past, already held)."""

from datetime import datetime, timedelta

from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from coaching.sessions.services import SessionTime, schedule_session


def when(start: datetime, minutes: int = 30) -> SessionTime:
    return SessionTime(starts_at=start, ends_at=start + timedelta(minutes=minutes))


def book(lead, agent, start: datetime, minutes: int = 30, **kwargs) -> CoachingSession:
    """`lead`'s session with `agent`, booked by the service (overlaps refused, the agent notified)."""
    kwargs.setdefault("place", "Room 1")
    return schedule_session(lead=lead, agent=agent, when=when(start, minutes), **kwargs)


def coaching_session(
    lead, agent, *, start: datetime | None = None, minutes: int = 30, **fields
) -> CoachingSession:
    """A session row as it stands (any status, any time): for the states and the past."""
    start = start or timezone.now() + timedelta(days=1)
    fields.setdefault("place", "Room 1")
    return CoachingSession.objects.create(
        lead=lead, agent=agent, starts_at=start, ends_at=start + timedelta(minutes=minutes), **fields
    )


def action_item(session, *, owner=ActionItem.Owner.AGENT, days: int = 7, **fields) -> ActionItem:
    fields.setdefault("description", "Use the customer's name")
    return ActionItem.objects.create(
        session=session, owner=owner, due_on=timezone.localdate() + timedelta(days=days), **fields
    )
