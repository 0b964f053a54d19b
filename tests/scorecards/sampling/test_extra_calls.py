"""A targeted extra review (assign_extra_calls, e.g. a coaching follow-up): calls of one agent since a moment,
with a published scorecard, answered, never sampled nor evaluated; reproducible; never to the agent themselves;
fewer when the agent has not taken enough calls."""

from datetime import timedelta

import pytest
from django.utils import timezone

from scorecards.models import Assignment
from scorecards.sampling.services import assign_extra_calls
from tests.factories import AgentFactory, CallFactory, CallTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


def calls(agent, call_type, *, hours_ago, count, **fields):
    started = timezone.now() - timedelta(hours=hours_ago)
    return [CallFactory(agent=agent, call_type=call_type, started_at=started, **fields) for _ in range(count)]


def test_only_the_agents_qualifying_calls_since_the_moment(
    agent, other_agent, call_type, sampling_version, reviewer
):
    since = timezone.now() - timedelta(days=1)
    eligible = calls(agent, call_type, hours_ago=3, count=2)
    calls(agent, call_type, hours_ago=30, count=2)  # before
    calls(agent, call_type, hours_ago=3, count=1, answered=False)
    calls(agent, CallTypeFactory(name="No scorecard", slug="none"), hours_ago=3, count=1)
    calls(other_agent, call_type, hours_ago=3, count=2)
    cancelled = calls(agent, call_type, hours_ago=3, count=1)[0]
    Assignment.objects.create(call=cancelled, reviewer=reviewer, status=Assignment.Status.CANCELLED)
    made = assign_extra_calls(agent=agent, since=since, count=5, seed="s")
    assert sorted(a.call_id for a in made) == sorted(c.pk for c in eligible)
    assert {a.reviewer for a in made} == {reviewer}


def test_reproducible_and_never_the_agents_own_review(call_type, sampling_version, team):
    agent_reviewer = AgentFactory(username="agentrev", team=team, is_reviewer=True)
    other = UserFactory(username="rev-b", is_reviewer=True)
    pool = calls(agent_reviewer, call_type, hours_ago=2, count=6)
    since = timezone.now() - timedelta(days=1)
    first = assign_extra_calls(agent=agent_reviewer, since=since, count=2, seed="same")
    picked = sorted(a.call_id for a in first)
    Assignment.objects.all().delete()
    again = assign_extra_calls(agent=agent_reviewer, since=since, count=2, seed="same")
    assert sorted(a.call_id for a in again) == picked
    assert {a.reviewer for a in again} == {other}
    assert set(picked) <= {c.pk for c in pool}


def test_nothing_asked_nothing_made(agent, call_type, sampling_version, reviewer):
    calls(agent, call_type, hours_ago=2, count=2)
    assert assign_extra_calls(agent=agent, since=timezone.now() - timedelta(days=1), count=0, seed="s") == []
    assert not Assignment.objects.exists()
