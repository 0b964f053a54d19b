"""No double booking: a session that overlaps another of the lead's or the agent's is refused with a message
naming the other session; sessions that only touch are fine; cancelled sessions free their slot; the times are
instants, right across a daylight-saving change."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from coaching.models import CoachingSession
from coaching.sessions import services
from coaching.sessions.forms import session_time
from tests.coaching.sessions.conftest import at, tomorrow_at
from tests.factories import AgentFactory, book, coaching_session, when

pytestmark = pytest.mark.django_db


def test_the_lead_cannot_be_in_two_sessions_at_once(lead, agent, second_agent):
    first = book(lead, agent, tomorrow_at(10), 60)
    with pytest.raises(ValidationError) as refused:
        book(lead, second_agent, tomorrow_at(10, 30), 30)
    assert refused.value.code == "lead_busy"
    message = refused.value.messages[0]
    assert "You already have a session with" in message and str(agent) in message
    assert CoachingSession.objects.filter(lead=lead).get() == first


def test_the_agent_cannot_be_in_two_sessions_at_once(lead, agent, team):
    """Another lead of the same agent (the agent's team has a co-lead here) finds the agent busy."""
    book(lead, agent, tomorrow_at(14), 60)
    other_lead = AgentFactory(username="colead", team=None, is_agent=False, is_team_lead=True)
    team.lead = other_lead
    team.save(update_fields=["lead"])
    with pytest.raises(ValidationError) as refused:
        book(other_lead, agent, tomorrow_at(14, 59), 30)
    assert refused.value.code == "agent_busy"
    assert str(agent) in refused.value.messages[0]


@pytest.mark.parametrize(
    ("start", "minutes", "allowed"),
    [
        ((9, 30), 30, True),  # ends at 10:00 when the other starts: touching
        ((11, 0), 30, True),  # starts at 11:00 when the other ends: touching
        ((9, 30), 31, False),  # one minute into the other
        ((10, 59), 30, False),
        ((10, 15), 15, False),  # inside
        ((9, 0), 180, False),  # around
    ],
)
def test_touching_is_allowed_overlapping_is_not(lead, agent, second_agent, start, minutes, allowed):
    book(lead, agent, tomorrow_at(10), 60)
    attempt = tomorrow_at(*start)
    if allowed:
        assert book(lead, second_agent, attempt, minutes).pk
    else:
        with pytest.raises(ValidationError):
            book(lead, second_agent, attempt, minutes)


def test_a_cancelled_session_frees_its_slot(lead, agent, second_agent):
    first = book(lead, agent, tomorrow_at(10), 60)
    services.cancel_session(session=first, by=lead, reason="Agent on sick leave")
    assert book(lead, second_agent, tomorrow_at(10), 60).pk


def test_moving_a_session_does_not_clash_with_itself_but_with_others(lead, agent, second_agent):
    first = book(lead, agent, tomorrow_at(10), 60)
    book(lead, second_agent, tomorrow_at(12), 60)
    services.reschedule_session(session=first, by=lead, when=when(tomorrow_at(10, 30), 60), place="Room 2")
    with pytest.raises(ValidationError) as refused:
        services.reschedule_session(
            session=first, by=lead, when=when(tomorrow_at(11, 30), 60), place="Room 2"
        )
    assert refused.value.code == "lead_busy"
    first.refresh_from_db()
    assert first.starts_at == tomorrow_at(10, 30)


# --- Time zones and daylight saving ---------------------------------------------------------------------------

SPRING_FORWARD = date(2026, 3, 29)  # Riga: 04:00 EEST follows 02:59 EET (03:00–03:59 never happens)
FALL_BACK = date(2026, 10, 25)  # Riga: 04:00 EEST is followed by 03:00 EET


def test_a_duration_is_real_time_across_the_spring_change(riga):
    """01:30 for two hours ends at 04:30 on the wall clock that night (an hour is skipped): 23:30 → 01:30 UTC."""
    span = session_time(SPRING_FORWARD, time(1, 30), 120)
    assert span.starts_at == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert span.ends_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert span.ends_at.astimezone(riga).time() == time(4, 30)


def test_a_time_the_clocks_skip_is_refused(riga):
    with pytest.raises(ValidationError) as refused:
        session_time(SPRING_FORWARD, time(3, 15), 30)
    assert refused.value.code == "nonexistent_time"


def test_overlap_across_the_spring_change(riga, lead, agent, second_agent):
    """01:30 + 2 h ends at 04:30 local: a session at 04:00 overlaps it (wall-clock arithmetic would say 03:30,
    and let it through), one at 04:30 only touches it."""
    book(lead, agent, at(SPRING_FORWARD, 1, 30), 120)
    with pytest.raises(ValidationError):
        services.schedule_session(
            lead=lead, agent=second_agent, when=session_time(SPRING_FORWARD, time(4, 0), 30), place="Room 1"
        )
    touching = session_time(SPRING_FORWARD, time(4, 30), 30)
    assert services.schedule_session(lead=lead, agent=second_agent, when=touching, place="Room 1").pk


def test_overlap_across_the_autumn_change(riga, lead, agent, second_agent):
    """02:30 + 2 h ends at 03:30 in winter time (the 03:00–04:00 hour comes twice): a session at 03:15 EET
    overlaps it, one at 03:30 EET touches it."""
    first = services.schedule_session(
        lead=lead, agent=agent, when=session_time(FALL_BACK, time(2, 30), 120), place="Room 1"
    )
    assert first.ends_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 03:30 EET (UTC+2)
    clash = when(datetime(2026, 10, 25, 1, 15, tzinfo=UTC), 30)
    with pytest.raises(ValidationError):
        services.schedule_session(lead=lead, agent=second_agent, when=clash, place="Room 1")
    touching = when(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 30)
    assert services.schedule_session(lead=lead, agent=second_agent, when=touching, place="Room 1").pk


def test_sessions_booked_in_different_time_zones_compare_as_instants(lead, agent, second_agent, riga):
    """A session stored from a Madrid wall clock and one from Riga's: 10:00 in Madrid is 11:00 in Riga."""
    madrid = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    coaching_session(lead, agent, start=madrid, minutes=60)
    with pytest.raises(ValidationError):
        book(lead, second_agent, at(date(2026, 6, 10), 11, 30), 30)
    assert book(lead, second_agent, at(date(2026, 6, 10), 12, 0), 30).pk


def test_a_session_must_end_after_it_starts(lead, agent):
    start = tomorrow_at(10)
    with pytest.raises(ValidationError):
        services.SessionTime(starts_at=start, ends_at=start)
    with pytest.raises(ValueError):
        services.SessionTime(starts_at=datetime(2026, 1, 1, 10), ends_at=datetime(2026, 1, 1, 11))


def test_only_an_agent_of_the_leads_team(lead, other_agent):
    with pytest.raises(ValidationError) as refused:
        book(lead, other_agent, tomorrow_at(10))
    assert refused.value.code == "not_team"
    assert not CoachingSession.objects.exists()


def test_the_other_day_is_free(lead, agent):
    book(lead, agent, tomorrow_at(10), 60)
    assert book(lead, agent, tomorrow_at(10) + timedelta(days=1), 60).pk
