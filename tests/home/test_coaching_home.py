"""Coaching on the home page: the team lead's sessions this week, agendas to prepare, overdue action items and
agents to coach; the agent's next session and open action items. Never another team's or another agent's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from tests.factories import AgentFactory, action_item, coaching_session, evaluation_of
from tests.home.helpers import item_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon():
    return timezone.now() + timedelta(minutes=2)


def test_the_leads_coaching_cards(
    home, lead, agent, other_lead, other_agent, team, reviewer, default_version, soon
):
    upcoming = coaching_session(lead, agent, start=soon)
    prepared = coaching_session(
        lead, agent, start=soon + timedelta(minutes=1), agenda_prepared_at=timezone.now()
    )
    theirs = coaching_session(other_lead, other_agent, start=soon)
    held = coaching_session(
        lead, agent, start=timezone.now() - timedelta(days=4), status=CoachingSession.Status.COMPLETED
    )
    overdue = action_item(held, days=-2, description="Use the customer's name")
    action_item(held, days=3, description="Not yet due")
    their_held = coaching_session(
        other_lead,
        other_agent,
        start=timezone.now() - timedelta(days=4),
        status=CoachingSession.Status.COMPLETED,
    )
    their_overdue = action_item(their_held, days=-2, description="Their own item")
    falling = AgentFactory(username="falling", team=team)
    evaluation_of(falling, version=default_version, reviewer=reviewer, score=90, days_ago=45)
    evaluation_of(falling, version=default_version, reviewer=reviewer, score=60, days_ago=5)

    response = home(lead)
    assert item_of(response, "coaching-week").rows == [upcoming, prepared]
    assert item_of(response, "coaching-agendas").rows == [upcoming]
    assert item_of(response, "coaching-overdue").rows == [overdue]
    assert item_of(response, "coaching-agents").rows == [falling]
    html = response.content.decode()
    assert reverse("coaching:agenda", args=[upcoming.pk]) in html  # where the agenda is prepared
    assert upcoming.get_absolute_url() in html
    assert f"{reverse('coaching:schedule')}?agent={falling.pk}" in html  # book the agent who needs it
    assert "Use the customer&#x27;s name" in html
    # Never the other team's.
    assert theirs.get_absolute_url() not in html
    assert "Their own item" not in html
    other = home(other_lead)
    assert item_of(other, "coaching-week").rows == [theirs]
    assert item_of(other, "coaching-overdue").rows == [their_overdue]
    assert item_of(other, "coaching-agents").rows == []


def test_the_leads_empty_cards_say_what_to_do(home, lead):
    html = home(lead).content.decode()
    assert "No coaching session booked for the rest of this week." in html
    assert "Every session of the next 7 days has its agenda ready." in html
    assert "No action item agreed in your sessions is overdue." in html
    assert "No agent of your teams has gone 30 days without a session while their score fell." in html
    assert reverse("coaching:schedule") in html


def test_the_agents_coaching_cards(home, lead, agent, other_agent, other_lead, soon):
    later = coaching_session(lead, agent, start=soon + timedelta(days=2))
    first = coaching_session(lead, agent, start=soon, place="Quiet room")
    coaching_session(lead, agent, start=soon - timedelta(hours=1), status=CoachingSession.Status.CANCELLED)
    theirs = coaching_session(other_lead, other_agent, start=soon - timedelta(minutes=2))
    mine = action_item(first, days=2, description="Listen to two library calls")
    action_item(first, owner=ActionItem.Owner.LEAD, description="The lead's own")
    action_item(first, description="Done already", done_at=timezone.now())
    their_item = action_item(theirs, description="Another agent's")

    response = home(agent)
    assert item_of(response, "coaching-next").data["session"] == first
    assert item_of(response, "coaching-action-items").rows == [mine]
    html = response.content.decode()
    assert first.get_absolute_url() in html and "Quiet room" in html
    assert reverse("coaching:ics", args=[first.pk]) in html
    assert "Listen to two library calls" in html
    assert "The lead&#x27;s own" not in html and "Done already" not in html
    assert "Another agent&#x27;s" not in html and theirs.get_absolute_url() not in html
    assert later.get_absolute_url() not in html  # only the next one
    assert item_of(home(other_agent), "coaching-action-items").rows == [their_item]


def test_the_agents_empty_cards(home, agent):
    html = home(agent).content.decode()
    assert "No coaching session booked: your team lead books them with you." in html
    assert "No open action item: everything agreed in your sessions is done." in html


def test_a_full_list_says_there_may_be_more(home, lead, agent):
    held = coaching_session(
        lead, agent, start=timezone.now() - timedelta(days=4), status=CoachingSession.Status.COMPLETED
    )
    for index in range(12):
        action_item(held, days=-1 - index, description=f"Late {index}")
    response = home(lead)
    item = item_of(response, "coaching-overdue")
    assert (item.total, item.capped, item.more) == (10, True, 5)
    html = response.content.decode()
    assert "10+" in html and "and at least 5 more" in html
