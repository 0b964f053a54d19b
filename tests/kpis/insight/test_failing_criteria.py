"""A process, not a person: the share of agents failing a criterion, agents never evaluated on it left out."""

import pytest

from qa_center.kpis.insight import selectors
from tests.factories import (
    FULL_MARKS,
    GREETING_MISSED,
    NA,
    AgentFactory,
    CallTypeFactory,
    criterion,
    evaluation_of,
    make_published_version,
)
from tests.kpis.insight.helpers import center, span, teams

pytestmark = pytest.mark.django_db

CALLBACK_NA = {**FULL_MARKS, "Offered a callback": NA}


@pytest.fixture
def world(team, other_team, reviewer):
    version = make_published_version(CallTypeFactory(name="Support", slug="support"))
    other_version = make_published_version(CallTypeFactory(name="Sales", slug="sales"))
    blue = [AgentFactory(team=team, username=f"blue-{n}") for n in range(4)]
    green = AgentFactory(team=other_team, username="green")

    def evaluate(agent, answers, the_version=version, **kwargs):
        return evaluation_of(agent, version=the_version, reviewer=reviewer, answers=answers, **kwargs)

    evaluate(blue[0], FULL_MARKS)
    evaluate(blue[0], GREETING_MISSED)  # one failing evaluation of two is enough to fail the criterion
    evaluate(blue[1], FULL_MARKS)
    evaluate(blue[1], GREETING_MISSED, days_ago=45)  # before the period
    evaluate(blue[2], GREETING_MISSED)
    evaluate(blue[3], CALLBACK_NA)  # never applicable on "Offered a callback"
    evaluate(green, GREETING_MISSED, the_version=other_version)  # never evaluated on the first scorecard
    return {
        "greeting": criterion(version, "Greeting"),
        "callback": criterion(version, "Offered a callback"),
        "other_greeting": criterion(other_version, "Greeting"),
        "team": team,
        "other_team": other_team,
    }


def _by(failures):
    return {(f.criterion, f.team): (f.failing_agents, f.agents) for f in failures}


def test_the_share_of_agents_failing_leaves_out_those_never_evaluated_on_it(world):
    failures = _by(selectors.failing_criteria(scope=center(), span=span()))
    # Greeting of the first scorecard: agents 0 and 2 of the four Blue agents; the Green agent is left out.
    assert failures[(world["greeting"], None)] == (2, 4)
    assert failures[(world["greeting"], world["team"])] == (2, 4)
    assert (world["greeting"], world["other_team"]) not in failures
    # "Offered a callback": agent 3 only answered N/A, so three agents count.
    assert failures[(world["callback"], None)] == (0, 3)
    assert failures[(world["other_greeting"], world["other_team"])] == (1, 1)


def test_sorted_by_share_with_the_drill_down_to_the_evaluations(world):
    failures = selectors.failing_criteria(scope=center(), span=span())
    shares = [f.share.value for f in failures]
    assert shares == sorted(shares, reverse=True)
    assert failures[0].criterion == world["other_greeting"]  # 100 %
    blue = next(f for f in failures if f.criterion == world["greeting"] and f.team == world["team"])
    period = span()
    assert blue.drill_down == (
        f"/evaluations/?date_from={period.first}&date_to={period.last}"
        f"&criterion={world['greeting'].pk}&criterion_result=failed&team={world['team'].pk}"
    )


def test_the_drill_down_lists_the_failing_agents_evaluations(client, world, manager):
    blue = next(
        f
        for f in selectors.failing_criteria(scope=center(), span=span())
        if f.criterion == world["greeting"] and f.team == world["team"]
    )
    client.force_login(manager)
    response = client.get(blue.drill_down)
    assert response.status_code == 200
    listed = {evaluation.agent.username for evaluation in response.context["page"]}
    assert listed == {"blue-0", "blue-2"}


def test_a_lead_sees_their_teams_rows_and_no_center_row(world):
    failures = _by(selectors.failing_criteria(scope=teams(world["team"]), span=span()))
    assert {team for _criterion, team in failures} == {world["team"]}
