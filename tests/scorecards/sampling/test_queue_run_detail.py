"""GET /queue/sampling/runs/<pk>/: a sampling run's report, per call type and agent."""

import pytest
from django.urls import reverse

from scorecards.sampling.services import WEEK, period_containing, run_sampling
from tests.factories import NO_CRITERIA, CallTypeFactory, SamplingRuleFactory, make_published_version
from tests.scorecards.sampling.sampled_week import WEEK_DAY, qualifying_calls

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(agent, other_agent, reviewer, call_type):
    make_published_version(call_type, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, calls_per_agent=3)
    SamplingRuleFactory(call_type=CallTypeFactory(name="Retention", slug="retention"))
    qualifying_calls(5, agent=agent, call_type=call_type)
    qualifying_calls(1, agent=other_agent, call_type=call_type)
    return run_sampling(period=period_containing(kind=WEEK, day=WEEK_DAY))


def url(run) -> str:
    return reverse("queue:run-detail", args=[run.pk])


def test_anonymous_is_sent_to_login(client, run):
    response = client.get(url(run))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead", "reviewer"])
def test_everyone_but_qa_managers_is_forbidden(client, request, run, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(run)).status_code == 403


def test_wrong_method(client, manager, run):
    client.force_login(manager)
    assert client.post(url(run)).status_code == 405


def test_an_unknown_run_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("queue:run-detail", args=[999999])).status_code == 404


def test_the_report_explains_each_agents_picks_and_shortfall(client, manager, run, agent, other_agent):
    client.force_login(manager)
    response = client.get(url(run))
    assert response.status_code == 200
    assert response.context["totals"] == {
        "agents": 2,
        "candidates": 6,
        "picked": 4,
        "shortfall": 2,
        "no_reviewer": 0,
    }
    page = response.content.decode()
    assert "2024-W10" in page
    assert f'data-agent="{agent.pk}"' in page and f'data-agent="{other_agent.pk}"' in page
    assert "Not sampled: this call type has no published scorecard." in page  # the Retention rule
