"""When a calibration session closes by itself: when its last participant submits, or at its deadline.

Only the models are imported here, so that the submit service (scorecards.evaluations.services) can close a
session without importing the calibration services, which build on it. Every close is a conditional UPDATE
(`WHERE closed_at IS NULL`): running one twice, or in two processes at once, closes a session once.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from scorecards.models import CalibrationSession, Evaluation

__all__ = ["close_complete_sessions", "close_if_complete", "close_sessions_past_deadline"]

Participation = CalibrationSession.participants.through


def _pending_participations() -> QuerySet:
    """Participations (of the session in OuterRef("pk")) whose participant has not submitted yet."""
    submitted = Evaluation.objects.filter(
        calibration_session=OuterRef("calibrationsession_id"),
        reviewer=OuterRef("user_id"),
        status__in=Evaluation.COUNTED_STATUSES,
    )
    return Participation.objects.filter(calibrationsession=OuterRef("pk")).exclude(Exists(submitted))


def close_complete_sessions(*, sessions: QuerySet[CalibrationSession] | None = None) -> int:
    """Close every open session (among `sessions`) in which every participant has submitted; how many closed."""
    sessions = CalibrationSession.objects.all() if sessions is None else sessions
    has_participants = Participation.objects.filter(calibrationsession=OuterRef("pk"))
    return (
        sessions.filter(closed_at__isnull=True)
        .filter(Exists(has_participants), ~Exists(_pending_participations()))
        .update(closed_at=timezone.now())
    )


def close_if_complete(*, session: CalibrationSession) -> bool:
    """Close `session` if every participant has submitted; True if it is closed.

    The session row is locked first: when the last two participants submit at once, the second waits for the
    first to commit and then sees both submissions, so one of them closes it (without the lock each would miss
    the other's uncommitted submit)."""
    if session.is_closed:
        return True
    CalibrationSession.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True).get()
    close_complete_sessions(sessions=CalibrationSession.objects.filter(pk=session.pk))
    # Read back: another request may have closed it a moment earlier.
    session.closed_at = CalibrationSession.objects.values_list("closed_at", flat=True).get(pk=session.pk)
    return session.is_closed


def close_sessions_past_deadline(*, now: datetime | None = None) -> int:
    """Close the open sessions whose deadline has passed; how many closed. Their results count what was
    submitted by then: drafts are left out, as when a QA manager closes a session."""
    now = now or timezone.now()
    return CalibrationSession.objects.filter(closed_at__isnull=True, deadline__lte=now).update(closed_at=now)
