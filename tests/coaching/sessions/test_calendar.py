"""Calendars: a session's .ics and a person's private feed, read back with a real iCalendar parser (icalendar)
with their times in UTC; the feed's token is revocable and is stored only as a hash."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from coaching.models import CalendarFeed, hash_feed_token
from coaching.sessions import services
from tests.coaching.sessions.conftest import at
from tests.factories import coaching_session, when

pytestmark = pytest.mark.django_db


def events(content: bytes) -> list:
    calendar = Calendar.from_ical(content)
    assert str(calendar["VERSION"]) == "2.0"
    return list(calendar.walk("VEVENT"))


def test_a_sessions_ics_has_its_times_in_utc(client, riga, lead, agent):
    session = coaching_session(lead, agent, start=at(date(2026, 7, 14), 10, 15), minutes=45, place="Room 4")
    client.force_login(agent)
    response = client.get(reverse("coaching:ics", args=[session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    assert b"DTSTART:20260714T071500Z" in response.content  # 10:15 EEST, written in UTC
    (event,) = events(response.content)
    assert event.decoded("DTSTART") == datetime(2026, 7, 14, 7, 15, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 7, 14, 8, 0, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Room 4"
    assert str(lead) in str(event["SUMMARY"])  # the agent's copy names the lead
    assert str(event["UID"]).startswith(f"coaching-session-{session.pk}@")


def test_winter_times_are_utc_too(client, riga, lead, agent):
    session = coaching_session(lead, agent, start=at(date(2026, 12, 14), 10, 15), minutes=30)
    client.force_login(lead)
    (event,) = events(client.get(reverse("coaching:ics", args=[session.pk])).content)
    assert event.decoded("DTSTART") == datetime(2026, 12, 14, 8, 15, tzinfo=UTC)  # EET is UTC+2
    assert str(agent) in str(event["SUMMARY"])


def test_moving_and_cancelling_update_the_calendar_copy(client, lead, agent):
    session = coaching_session(lead, agent)
    services.reschedule_session(
        session=session, by=lead, when=when(session.starts_at.replace(hour=15)), place="B"
    )
    client.force_login(lead)
    (event,) = events(client.get(reverse("coaching:ics", args=[session.pk])).content)
    assert int(event["SEQUENCE"]) == 1
    services.cancel_session(session=session, by=lead, reason="Training day")
    (event,) = events(client.get(reverse("coaching:ics", args=[session.pk])).content)
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_feed_holds_the_persons_sessions(client, lead, agent, second_agent, other_lead, other_agent):
    mine = coaching_session(lead, agent)
    coaching_session(lead, second_agent)
    coaching_session(other_lead, other_agent)
    client.force_login(agent)
    response = client.post(reverse("coaching:calendar_feed"), {"action": "create"})
    url = response.context["new_url"]
    assert url.startswith("http://testserver/coaching/calendar/")
    client.logout()
    feed = client.get(url.removeprefix("http://testserver"))
    assert feed.status_code == 200
    assert [str(e["UID"]) for e in events(feed.content)] == [f"coaching-session-{mine.pk}@127.0.0.1:8000"]
    assert CalendarFeed.objects.get(user=agent).last_used_at is not None


def test_the_token_is_stored_hashed_and_can_be_replaced_or_revoked(client, agent):
    client.force_login(agent)
    first = client.post(reverse("coaching:calendar_feed"), {"action": "create"}).context["new_url"]
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.get().token_hash == hash_feed_token(token)
    assert token not in CalendarFeed.objects.values_list("token_hash", flat=True).get()
    second = client.post(reverse("coaching:calendar_feed"), {"action": "create"}).context["new_url"]
    assert client.get(first.removeprefix("http://testserver")).status_code == 404
    assert client.get(second.removeprefix("http://testserver")).status_code == 200
    client.post(reverse("coaching:calendar_feed"), {"action": "revoke"})
    assert client.get(second.removeprefix("http://testserver")).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_deactivated_persons_feed_stops(client, agent):
    CalendarFeed.objects.create(user=agent, token_hash=hash_feed_token("abc"))
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert client.get(reverse("coaching:feed", args=["abc"])).status_code == 404
