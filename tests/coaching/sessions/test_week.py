"""The lead's week: their sessions on the day they happen in the center's time zone (a week with a clock
change included), cancelled ones left out, other leads' never shown; the query count does not grow."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachingSession
from coaching.sessions import selectors
from tests.coaching.sessions.conftest import at
from tests.factories import AgentFactory, coaching_session

pytestmark = pytest.mark.django_db

URL = reverse("coaching:week")


def test_sessions_fall_on_their_local_day_in_a_week_with_a_clock_change(
    riga, lead, agent, other_lead, other_agent
):
    monday = date(2026, 3, 23)  # Sunday the 29th the clocks go forward
    late_saturday = coaching_session(lead, agent, start=at(date(2026, 3, 28), 23, 30))  # 21:30 UTC
    sunday_after_change = coaching_session(lead, agent, start=at(date(2026, 3, 29), 4, 30))  # 01:30 UTC
    coaching_session(lead, agent, start=at(date(2026, 3, 25), 9), status=CoachingSession.Status.CANCELLED)
    coaching_session(other_lead, other_agent, start=at(date(2026, 3, 25), 9))
    coaching_session(lead, agent, start=at(date(2026, 3, 30), 0, 15))  # next Monday
    days = selectors.lead_week(lead=lead, monday=monday)
    by_day = {day.day: [s.pk for s in day.sessions] for day in days}
    assert by_day[date(2026, 3, 28)] == [late_saturday.pk]
    assert by_day[date(2026, 3, 29)] == [sunday_after_change.pk]
    assert sum(len(pks) for pks in by_day.values()) == 2


def test_the_page_goes_week_by_week(client, lead, agent):
    client.force_login(lead)
    response = client.get(URL, {"week": "2026-W10"})
    assert response.context["monday"] == date(2026, 3, 2)
    assert response.context["previous_week"] == "2026-W09"
    assert response.context["next_week"] == "2026-W11"
    # Not a week: this one.
    this_monday = selectors.monday_of(timezone.localdate())
    assert client.get(URL, {"week": "soon"}).context["monday"] == this_monday


@pytest.mark.parametrize("count", [2, 20])
def test_the_week_query_count_does_not_grow(client, lead, team, count, django_assert_num_queries):
    monday = selectors.monday_of(timezone.localdate())
    for n in range(count):
        agent = AgentFactory(username=f"weekagent{n}", team=team)
        coaching_session(lead, agent, start=at(monday + timedelta(days=n % 7), 8 + n % 10))
    client.force_login(lead)
    # session, user, the week's sessions with their agents, unread notifications
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert sum(len(day.sessions) for day in response.context["days"]) == count
    assert (
        response.content.decode().count(
            'class="d-block border rounded p-1 mb-1 small text-decoration-none week-session"'
        )
        == count
    )
