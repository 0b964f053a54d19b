"""What the home pages will show of coaching: the lead's sessions today and this week, agendas to prepare,
overdue action items and agents who need a session; the agent's next session and open action items."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from coaching.models import ActionItem, CoachingSession
from coaching.sessions import selectors
from tests.factories import AgentFactory, action_item, coaching_session, evaluation_of

pytestmark = pytest.mark.django_db


def local(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_lead_home(lead, agent, team, version, reviewer, other_lead, other_agent):
    now = timezone.now()
    today = timezone.localdate()
    later_today = coaching_session(lead, agent, start=now + timedelta(minutes=1))
    nextweek = coaching_session(lead, agent, start=local(today + timedelta(days=8), 10))
    coaching_session(other_lead, other_agent, start=now + timedelta(minutes=5))
    held = coaching_session(
        lead, agent, start=now - timedelta(days=5), status=CoachingSession.Status.COMPLETED
    )
    overdue = action_item(held, days=-2)
    action_item(held, days=3)
    action_item(held, owner=ActionItem.Owner.LEAD, days=-1, done_at=now)

    # An agent with no session for 30 days whose score fell; another whose score rose.
    falling = AgentFactory(username="falling", team=team)
    rising = AgentFactory(username="rising", team=team)
    for person, old, new in ((falling, 90, 70), (rising, 70, 90)):
        evaluation_of(person, version=version, reviewer=reviewer, score=old, days_ago=45)
        evaluation_of(person, version=version, reviewer=reviewer, score=new, days_ago=5)

    home = selectors.home_items_for_lead(lead)
    assert later_today in home.today
    assert nextweek not in home.today + home.this_week
    assert all(s.lead_id == lead.pk for s in home.today + home.this_week)
    assert later_today in home.agendas_to_prepare and nextweek not in home.agendas_to_prepare
    assert home.overdue_action_items == [overdue]
    assert [(a, float(a.recent_average), a.recent_count) for a in home.agents_to_coach] == [
        (falling, 70.0, 1)
    ]


def test_an_agent_coached_recently_is_not_flagged(lead, team, version, reviewer):
    falling = AgentFactory(username="falling", team=team)
    evaluation_of(falling, version=version, reviewer=reviewer, score=90, days_ago=45)
    evaluation_of(falling, version=version, reviewer=reviewer, score=70, days_ago=5)
    coaching_session(
        lead, falling, start=timezone.now() - timedelta(days=3), status=CoachingSession.Status.COMPLETED
    )
    assert selectors.home_items_for_lead(lead).agents_to_coach == []


def test_agent_home(lead, agent, second_agent):
    now = timezone.now()
    coaching_session(lead, agent, start=now + timedelta(days=3))
    soonest = coaching_session(lead, agent, start=now + timedelta(days=1))
    coaching_session(lead, agent, start=now + timedelta(hours=5), status=CoachingSession.Status.CANCELLED)
    coaching_session(lead, second_agent, start=now + timedelta(hours=2))
    held = coaching_session(
        lead, agent, start=now - timedelta(days=4), status=CoachingSession.Status.COMPLETED
    )
    mine = action_item(held, days=2)
    action_item(held, owner=ActionItem.Owner.LEAD)
    action_item(held, done_at=now)
    home = selectors.home_items_for_agent(agent)
    assert home.next_session == soonest
    assert home.open_action_items == [mine]


def test_home_item_queries_are_few(lead, agent, django_assert_num_queries):
    coaching_session(lead, agent, start=timezone.now() + timedelta(hours=3))
    with django_assert_num_queries(4):
        selectors.home_items_for_lead(lead)
    with django_assert_num_queries(2):
        selectors.home_items_for_agent(agent)
