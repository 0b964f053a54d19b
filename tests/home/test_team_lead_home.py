"""The team lead's home: the teams' evaluations this week, agents below the pass mark, the teams' open
disputes. Never another team's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.feedback.selectors import start_of_week
from scorecards.models import Evaluation
from tests.factories import AgentFactory, evaluation_of
from tests.home.helpers import item_of

pytestmark = pytest.mark.django_db


def this_week():
    """A moment of this week before now (Monday 00:00 when the week has only just begun)."""
    now = timezone.now()
    return max(start_of_week(now), now - timedelta(minutes=5))


def test_the_teams_evaluations_this_week(
    home, lead, other_lead, agent, other_agent, reviewer, default_version
):
    first = evaluation_of(
        agent, version=default_version, reviewer=reviewer, score=90, submitted_at=this_week()
    )
    second = evaluation_of(
        agent, version=default_version, reviewer=reviewer, score=70, submitted_at=timezone.now()
    )
    evaluation_of(
        agent,
        version=default_version,
        reviewer=reviewer,
        score=40,
        submitted_at=start_of_week(timezone.now()) - timedelta(hours=1),
    )
    theirs = evaluation_of(
        other_agent, version=default_version, reviewer=reviewer, submitted_at=timezone.now()
    )
    evaluation_of(agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.DRAFT)

    response = home(lead)
    item = item_of(response, "team-week")
    assert item.rows == [second, first]
    summary = item.data["summary"]
    assert (item.total, summary.average, summary.pass_rate) == (2, 80.0, 50.0)
    html = response.content.decode()
    assert reverse("evaluations:detail", args=[first.pk]) in html
    assert reverse("evaluations:detail", args=[theirs.pk]) not in html
    assert reverse("feedback:team") in html
    # The other lead sees their own team's only.
    assert item_of(home(other_lead), "team-week").rows == [theirs]


def test_no_evaluation_this_week_says_so(home, lead):
    assert "No evaluation of your teams&#x27; calls this week yet." in home(lead).content.decode()


def test_agents_below_the_pass_mark(home, lead, team, agent, other_agent, reviewer, default_version):
    below = agent
    above = AgentFactory(username="above", team=team)
    for score in (70, 90):  # mean 80 < 85
        evaluation_of(below, version=default_version, reviewer=reviewer, score=score, days_ago=3)
    for score in (80, 95):  # mean 87.5
        evaluation_of(above, version=default_version, reviewer=reviewer, score=score, days_ago=3)
    # Long ago, and another team's agent: not counted.
    evaluation_of(above, version=default_version, reviewer=reviewer, score=10, days_ago=40)
    evaluation_of(other_agent, version=default_version, reviewer=reviewer, score=20, days_ago=3)

    response = home(lead)
    item = item_of(response, "team-below-pass-mark")
    assert [
        (agent.pk, agent.average_score, agent.pass_mark, agent.evaluation_count) for agent in item.rows
    ] == [(below.pk, 80, 85, 2)]
    html = response.content.decode()
    assert reverse("feedback:team_agent", args=[below.pk]) in html
    assert reverse("feedback:team_agent", args=[above.pk]) not in html
    assert "2 evaluations, pass mark 85%" in html


def test_nobody_below_the_pass_mark_says_so(home, lead, agent, reviewer, default_version):
    evaluation_of(agent, version=default_version, reviewer=reviewer, score=95, days_ago=2)
    assert (
        "No agent of your teams is below the pass mark over the last 30 days." in home(lead).content.decode()
    )


def test_the_teams_open_disputes_link_to_the_evaluation(
    home, lead, manager, agent, other_agent, reviewer, default_version
):
    ours = evaluation_of(agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.DISPUTED)
    theirs = evaluation_of(
        other_agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.DISPUTED
    )
    evaluation_of(
        agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.RESOLVED, manager=manager
    )
    response = home(lead)
    item = item_of(response, "team-disputes")
    assert [dispute.evaluation for dispute in item.rows] == [ours]
    html = response.content.decode()
    assert reverse("evaluations:detail", args=[ours.pk]) in html
    assert reverse("evaluations:detail", args=[theirs.pk]) not in html
    assert reverse("feedback:resolve", args=[item.rows[0].pk]) not in html  # a lead does not resolve


def test_no_open_dispute_in_the_teams_says_so(home, lead):
    assert "No open disputes in your teams." in home(lead).content.decode()
