"""The follow-up: once its date has come, sampling is asked for the session's extra evaluations, drawn from the
calls the agent took since; run again, the task adds only what is missing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.models import CoachingSession
from coaching.sessions import services
from coaching.sessions.tasks import request_follow_up_evaluations
from scorecards.models import Assignment
from tests.factories import CallFactory, coaching_session, evaluation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(lead, agent):
    return coaching_session(
        lead,
        agent,
        start=timezone.now() - timedelta(days=10),
        status=CoachingSession.Status.COMPLETED,
        follow_up_on=timezone.localdate() - timedelta(days=3),
        follow_up_evaluations=2,
    )


def calls_of(agent, version, *, days_ago: float, count: int):
    return [
        CallFactory(
            agent=agent,
            call_type=version.scorecard.call_type,
            started_at=timezone.now() - timedelta(days=days_ago),
        )
        for _ in range(count)
    ]


def test_extra_calls_after_the_follow_up_date_go_to_the_queues(followed, agent, version, reviewer):
    before = calls_of(agent, version, days_ago=5, count=3)
    after = calls_of(agent, version, days_ago=1, count=3)
    assert request_follow_up_evaluations.delay().get() == 2
    assignments = list(followed.follow_up_assignments.all())
    assert len(assignments) == 2
    assert {a.call_id for a in assignments} <= {c.pk for c in after}
    assert not Assignment.objects.filter(call__in=before).exists()
    assert {a.reviewer for a in assignments} == {reviewer}
    assert {a.assigned_by for a in assignments} == {followed.lead}
    # Run again: nothing missing, nothing added.
    assert request_follow_up_evaluations.delay().get() == 0
    assert Assignment.objects.count() == 2


def test_a_call_already_evaluated_is_not_drawn_and_missing_ones_come_later(
    followed, agent, version, reviewer
):
    (call,) = calls_of(agent, version, days_ago=1, count=1)
    other_reviewer = reviewer.__class__.objects.create(username="r2", is_reviewer=True)
    evaluation_of(
        agent, version=version, reviewer=other_reviewer, call=calls_of(agent, version, days_ago=1, count=1)[0]
    )
    assert services.request_follow_up_evaluations(session_id=followed.pk) == 1
    assert followed.follow_up_assignments.get().call == call
    # The agent takes another call: the next run asks for the one still missing.
    calls_of(agent, version, days_ago=0.5, count=1)
    assert services.request_follow_up_evaluations(session_id=followed.pk) == 1
    assert followed.follow_up_assignments.count() == 2


def test_a_cancelled_follow_up_assignment_is_replaced(followed, agent, version, reviewer):
    calls_of(agent, version, days_ago=1, count=3)
    services.request_follow_up_evaluations(session_id=followed.pk)
    first = followed.follow_up_assignments.first()
    Assignment.objects.filter(pk=first.pk).update(status=Assignment.Status.CANCELLED)
    assert services.request_follow_up_evaluations(session_id=followed.pk) == 1
    assert followed.follow_up_assignments.exclude(status="cancelled").count() == 2


def test_nothing_before_the_follow_up_date(lead, agent, version, reviewer):
    session = coaching_session(
        lead,
        agent,
        start=timezone.now() - timedelta(days=1),
        status=CoachingSession.Status.COMPLETED,
        follow_up_on=timezone.localdate() + timedelta(days=5),
        follow_up_evaluations=2,
    )
    calls_of(agent, version, days_ago=0.5, count=3)
    assert services.request_follow_up_evaluations(session_id=session.pk) == 0
    assert not Assignment.objects.exists()
