"""After submitting, the reviewer goes straight on to the next call of their queue (soonest due first)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.models import Assignment, Evaluation
from tests.factories import (
    COMPLETE_ANSWERS,
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    UserFactory,
    draft,
    make_published_version,
)
from tests.scorecards.evaluations.scoring_form import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return UserFactory(username="queue-reviewer", is_reviewer=True)


@pytest.fixture
def version():
    return make_published_version(CallTypeFactory(name="Support", slug="support"))


@pytest.fixture
def agent():
    return AgentFactory(username="queue-agent")


def _queue(reviewer, version, agent, count: int) -> list[Assignment]:
    now = timezone.now()
    return [
        Assignment.objects.create(
            call=CallFactory(agent=agent, call_type=version.scorecard.call_type),
            reviewer=reviewer,
            due_at=now + timedelta(days=count - n),  # the last one is due soonest
        )
        for n in range(count)
    ]


def test_submitting_lands_on_the_next_call_of_the_queue(client, reviewer, version, agent):
    queue = _queue(reviewer, version, agent, 3)
    evaluation = draft(CallFactory(agent=agent, call_type=version.scorecard.call_type), reviewer)
    client.force_login(reviewer)
    data = form_data(version, COMPLETE_ANSWERS, action="submit")
    response = client.post(reverse("evaluations:edit", args=[evaluation.pk]), data, follow=True)
    html = response.content.decode()
    assert 'id="next-in-queue"' in html and queue[-1].call.external_id in html
    assert reverse("evaluations:start", args=[queue[-1].pk]) in html

    response = client.post(reverse("evaluations:start", args=[queue[-1].pk]))
    started = Evaluation.objects.get(assignment=queue[-1])
    assert response["Location"] == reverse("evaluations:edit", args=[started.pk])


def test_nothing_is_offered_when_the_queue_is_empty_or_to_someone_else(client, reviewer, version, agent):
    evaluation = draft(
        CallFactory(agent=agent, call_type=version.scorecard.call_type), reviewer, COMPLETE_ANSWERS
    )
    client.force_login(reviewer)
    client.post(
        reverse("evaluations:edit", args=[evaluation.pk]),
        form_data(version, COMPLETE_ANSWERS, action="submit"),
    )
    url = reverse("evaluations:detail", args=[evaluation.pk])
    assert 'id="next-in-queue"' not in client.get(url).content.decode()  # empty queue

    _queue(reviewer, version, agent, 1)
    client.force_login(UserFactory(username="queue-manager", is_qa_manager=True))
    assert 'id="next-in-queue"' not in client.get(url).content.decode()  # not the manager's queue
    client.force_login(agent)
    assert 'id="next-in-queue"' not in client.get(url).content.decode()


@pytest.mark.parametrize("size", [1, 30])
def test_the_offer_costs_one_query_whatever_the_queue(
    client, reviewer, version, agent, size, django_assert_num_queries
):
    evaluation = draft(
        CallFactory(agent=agent, call_type=version.scorecard.call_type), reviewer, COMPLETE_ANSWERS
    )
    client.force_login(reviewer)
    client.post(
        reverse("evaluations:edit", args=[evaluation.pk]),
        form_data(version, COMPLETE_ANSWERS, action="submit"),
    )
    _queue(reviewer, version, agent, size)
    url = reverse("evaluations:detail", args=[evaluation.pk])
    client.get(url)  # the session's first read
    # The eighteen of the agent's reading of the page (test_detail), and one for the next assignment.
    with django_assert_num_queries(19):
        response = client.get(url)
    assert 'id="next-in-queue"' in response.content.decode()
