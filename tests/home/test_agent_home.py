"""The agent's home: evaluations waiting for acknowledgement with the time left to dispute each, the latest
score and its trend. Never another agent's."""

from datetime import timedelta

import pytest
from django.urls import reverse

from scorecards.models import Evaluation
from tests.factories import evaluation_of
from tests.home.helpers import item_of

pytestmark = pytest.mark.django_db


def test_evaluations_waiting_for_acknowledgement_with_their_dispute_window(
    home, settings, agent, other_agent, reviewer, default_version, manager
):
    settings.QA_DISPUTE_WINDOW_DAYS = 7
    recent = evaluation_of(agent, version=default_version, reviewer=reviewer, days_ago=2)
    oldest = evaluation_of(agent, version=default_version, reviewer=reviewer, days_ago=10)
    # Not waiting: acknowledged, disputed, resolved, a draft, another agent's.
    evaluation_of(agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.ACKNOWLEDGED)
    evaluation_of(agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.DISPUTED)
    evaluation_of(
        agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.RESOLVED, manager=manager
    )
    evaluation_of(agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.DRAFT)
    theirs = evaluation_of(other_agent, version=default_version, reviewer=reviewer, days_ago=1)

    response = home(agent)
    item = item_of(response, "to-acknowledge")
    assert item.rows == [oldest, recent]  # oldest first: its window closes first
    assert [row.can_still_dispute for row in item.rows] == [False, True]
    assert item.rows[1].dispute_deadline == recent.submitted_at + timedelta(days=7)
    html = response.content.decode()
    assert "4 days, 23 hours left to dispute it" in html
    assert "The time to dispute it has ended: acknowledge it when you have read it." in html
    assert reverse("evaluations:detail", args=[recent.pk]) in html
    assert reverse("evaluations:detail", args=[theirs.pk]) not in html
    assert reverse("feedback:mine") in html


def test_nothing_waiting_says_so(home, agent, reviewer, default_version):
    evaluation_of(agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.ACKNOWLEDGED)
    html = home(agent).content.decode()
    assert "Nothing waiting: you have acknowledged or disputed every evaluation." in html


def test_latest_score_and_trend(home, agent, other_agent, reviewer, default_version):
    for score, days_ago in ((60, 50), (70, 40), (80, 20), (90, 10)):
        evaluation_of(agent, version=default_version, reviewer=reviewer, score=score, days_ago=days_ago)
    evaluation_of(other_agent, version=default_version, reviewer=reviewer, score=10, days_ago=1)
    latest = evaluation_of(agent, version=default_version, reviewer=reviewer, score=88, days_ago=2)

    response = home(agent)
    trend = item_of(response, "my-score").data["trend"]
    assert trend.latest == latest
    assert (trend.recent, trend.previous) == pytest.approx((86.0, 65.0))  # (80+90+88)/3 and (60+70)/2
    html = response.content.decode()
    assert 'id="latest-score"' in html and "88.0%" in html
    assert 'data-trend="up"' in html and "up 21.0 points on the period before" in html
    assert reverse("evaluations:detail", args=[latest.pk]) in html


def test_a_falling_trend(home, agent, reviewer, default_version):
    evaluation_of(agent, version=default_version, reviewer=reviewer, score=90, days_ago=45)
    evaluation_of(agent, version=default_version, reviewer=reviewer, score=75, days_ago=5)
    html = home(agent).content.decode()
    assert 'data-trend="down"' in html and "down 15.0 points on the period before" in html


def test_no_score_yet_says_so(home, agent, reviewer, default_version):
    evaluation_of(agent, version=default_version, reviewer=reviewer, status=Evaluation.Status.DRAFT)
    response = home(agent)
    assert item_of(response, "my-score").data["trend"].latest is None
    assert "No evaluation with a score yet" in response.content.decode()


def test_only_recent_period_has_no_trend(home, agent, reviewer, default_version):
    evaluation_of(agent, version=default_version, reviewer=reviewer, score=80, days_ago=3)
    html = home(agent).content.decode()
    assert "80.0%" in html
    assert "data-trend" not in html
