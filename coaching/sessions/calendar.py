"""Sessions as iCalendar (RFC 5545): one session's .ics, and a person's private feed that calendar apps poll.

Times are written in UTC ("...Z"): every calendar app reads them right, whatever its own time zone. Each
session keeps one UID; its SEQUENCE grows when it is moved or cancelled, so the app updates its copy.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from coaching.models import CoachingSession
from qa_center.people.notifications import absolute_url

__all__ = ["FEED_DAYS_BACK", "calendar_of", "feed_sessions"]

PRODID = "-//QA Center//Coaching sessions//EN"
#: The feed holds the sessions of the last 90 days and every later one (bounded: FEED_LIMIT).
FEED_DAYS_BACK = 90
FEED_LIMIT = 500


def _uid(session: CoachingSession) -> str:
    host = settings.QA_SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "qa-center"
    return f"coaching-session-{session.pk}@{host}"


def _event(session: CoachingSession, *, viewer) -> Event:
    other = session.agent if viewer.pk == session.lead_id else session.lead
    event = Event()
    event.add("uid", _uid(session))
    event.add("dtstamp", session.updated_at.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add(
        "summary",
        _("Coaching (%(kind)s) with %(other)s") % {"kind": session.get_kind_display(), "other": other},
    )
    event.add("location", session.place)
    description = [absolute_url(session.get_absolute_url())]
    if session.scenario:
        description.insert(0, session.scenario)
    event.add("description", "\n\n".join(description))
    event.add("sequence", session.sequence)
    event.add("status", "CANCELLED" if session.status == CoachingSession.Status.CANCELLED else "CONFIRMED")
    return event


def calendar_of(sessions, *, viewer, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(_event(session, viewer=viewer))
    return calendar.to_ical()


def feed_sessions(user):
    """What `user`'s feed holds: the sessions they take part in, from FEED_DAYS_BACK ago on, cancelled ones
    included (so that a subscribed calendar removes them)."""
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    return (
        CoachingSession.objects.of_person(user)
        .filter(ends_at__gte=since)
        .select_related("lead", "agent")
        .order_by("starts_at", "pk")[:FEED_LIMIT]
    )
