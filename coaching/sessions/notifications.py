"""What the agent and the lead are told about a coaching session: events with plain parameters (ids, names,
ISO instants), written in the reader's language whenever they are read (qa_center.people.notifications)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coaching.models import ActionItem, CoachingSession
from qa_center.people.notifications import event, notify

__all__ = [
    "ACTION_ITEM_OVERDUE",
    "SESSION_CANCELLED",
    "SESSION_COMPLETED",
    "SESSION_REMINDER",
    "SESSION_RESCHEDULED",
    "SESSION_SCHEDULED",
    "notify_session",
]


def _when(params: dict) -> str:
    return date_format(
        timezone.localtime(datetime.fromisoformat(params["starts_at"])), "SHORT_DATETIME_FORMAT"
    )


def _kind(params: dict) -> str:
    kind = params.get("kind")
    return str(CoachingSession.Kind(kind).label) if kind in CoachingSession.Kind else str(kind)


def _names(params: dict) -> dict:
    return {"kind": _kind(params), "when": _when(params), "with": params["with"], "place": params["place"]}


SESSION_SCHEDULED = event(
    "coaching_session_scheduled",
    message=lambda p: _("Coaching session (%(kind)s) with %(with)s on %(when)s, %(place)s.") % _names(p),
)
SESSION_RESCHEDULED = event(
    "coaching_session_rescheduled",
    message=lambda p: _("Your coaching session with %(with)s was moved to %(when)s, %(place)s.") % _names(p),
)
SESSION_CANCELLED = event(
    "coaching_session_cancelled",
    message=lambda p: _("Your coaching session with %(with)s on %(when)s was cancelled.") % _names(p),
)
SESSION_COMPLETED = event(
    "coaching_session_completed",
    message=lambda p: (
        _("Your coaching session with %(with)s is recorded: confirm that you took part and add your comment.")
        % _names(p)
    ),
)
SESSION_REMINDER = event(
    "coaching_session_reminder",
    message=lambda p: (
        _("Reminder: coaching session (%(kind)s) with %(with)s tomorrow, %(when)s, %(place)s.") % _names(p)
    ),
)


def _overdue(params: dict) -> str:
    due = date_format(date.fromisoformat(params["due_on"]), "SHORT_DATE_FORMAT")
    return _("Action item overdue since %(due)s: %(item)s") % {"due": due, "item": params["item"]}


ACTION_ITEM_OVERDUE = event("coaching_action_item_overdue", message=_overdue)


def session_params(session: CoachingSession, *, other) -> dict:
    return {
        "session": session.pk,
        "kind": session.kind,
        "starts_at": session.starts_at.isoformat(),
        "place": session.place,
        "with": str(other),
    }


def notify_session(session: CoachingSession, *, recipient, what) -> None:
    """Tell `recipient` (the agent or the lead) about the session; the other person is named."""
    other = session.lead if recipient.pk == session.agent_id else session.agent
    notify(
        recipient=recipient,
        event=what,
        params=session_params(session, other=other),
        url=session.get_absolute_url(),
    )


def notify_overdue(item: ActionItem, *, recipient) -> None:
    params = {"item": item.description[:200], "due_on": item.due_on.isoformat(), "session": item.session_id}
    notify(recipient=recipient, event=ACTION_ITEM_OVERDUE, params=params, url=item.session.get_absolute_url())
