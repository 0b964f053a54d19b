"""GET /feedback/team/ and /feedback/team/<agent>/: a team lead sees their teams' agents and drills into one;
nobody else's agents, and only team leads."""

import pytest
from django.urls import reverse

from tests.factories import GREETING_MISSED, AgentFactory, evaluation_of

pytestmark = pytest.mark.django_db

URL = reverse("feedback:team")


def agent_url(agent) -> str:
    return reverse("feedback:team_agent", args=[agent.pk])


def test_anonymous_is_sent_to_login(client, agent):
    for url in (URL, agent_url(agent)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["agent", "reviewer", "manager"])
def test_only_team_leads(client, request, agent, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(agent_url(agent)).status_code == 403


def test_wrong_method(client, lead, agent):
    client.force_login(lead)
    assert client.post(URL).status_code == 405
    assert client.post(agent_url(agent)).status_code == 405


def test_lead_sees_their_agents_with_numbers(
    client, lead, team, agent, other_agent, reviewer, default_version
):
    evaluation_of(agent, reviewer=reviewer, version=default_version, score=90)
    evaluation_of(agent, reviewer=reviewer, version=default_version, score=70)
    evaluation_of(other_agent, reviewer=reviewer, version=default_version, score=10)
    teammate = AgentFactory(username="teammate", team=team)
    client.force_login(lead)
    response = client.get(URL)
    assert response.status_code == 200
    rows = {row.username: row for row in response.context["feedback"].agents}
    assert set(rows) == {"agent", "teammate"}
    assert (rows["agent"].evaluation_count, float(rows["agent"].average_score), rows["agent"].pass_rate) == (
        2,
        80.0,
        50.0,
    )
    html = response.content.decode()
    assert agent_url(agent) in html and agent_url(teammate) in html
    assert agent_url(other_agent) not in html
    assert "80.0%" in html and "50%" in html


def test_lead_drills_into_an_agent(client, lead, agent, reviewer, default_version):
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version, answers=GREETING_MISSED)
    client.force_login(lead)
    response = client.get(agent_url(agent))
    assert response.status_code == 200
    assert response.context["subject"] == agent
    assert [row["evaluation"] for row in response.context["rows"]] == [evaluation]
    # The lead reads; only the agent acknowledges or disputes.
    assert response.context["rows"][0]["can_dispute"] is False
    assert reverse("feedback:dispute", args=[evaluation.pk]) not in response.content.decode()


def test_agent_of_another_team_is_404(client, lead, other_agent, reviewer):
    client.force_login(lead)
    assert client.get(agent_url(other_agent)).status_code == 404
    assert client.get(agent_url(reviewer)).status_code == 404  # not an agent of the lead's teams either


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow(
    client, lead, team, reviewer, default_version, count, django_assert_num_queries
):
    agents = [AgentFactory(username=f"member{n}", team=team) for n in range(3)]
    for n in range(count):
        evaluation_of(agents[n % 3], reviewer=reviewer, version=default_version, days_ago=n % 20 + 0.5)
    client.force_login(lead)
    # session, user, agents with their numbers, summary, trend, criteria stats, unread notifications
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert sum(row.evaluation_count for row in response.context["feedback"].agents) == count
    # The drill-in costs what "My feedback" costs.
    with django_assert_num_queries(9):  # + the agent looked up in the lead's teams
        client.get(agent_url(agents[0]))
