"""AHT outliers: beyond the team's median ± 2 × MAD of its agents' AHTs, worked by hand."""

import pytest

from qa_center.kpis.insight import selectors
from tests.factories import AgentFactory, CallFactory, TeamFactory
from tests.kpis.insight.helpers import agent_day, center, span, teams

pytestmark = pytest.mark.django_db

# AHTs 60, 100, 110, 120, 130, 140, 400 s: median 120; |AHT − 120| = 60, 20, 10, 0, 10, 20, 280, whose median
# (sorted 0, 10, 10, 20, 20, 60, 280) is 20: the bounds are 120 ± 40 = 80 – 160.
AHTS = [60, 100, 110, 120, 130, 140, 400]


def _team_with(ahts, *, name="Blue"):
    team = TeamFactory(name=name)
    agents = []
    for number, aht in enumerate(ahts):
        agent = AgentFactory(team=team, username=f"{name}-{number}")
        # Two days, summed over the period: 4 calls at the AHT.
        agent_day(agent, days_ago=1, handles=3, handle_total=3 * aht)
        agent_day(agent, days_ago=2, handles=1, handle_total=aht)
        agents.append(agent)
    return team, agents


def test_the_hand_computed_team():
    team, agents = _team_with(AHTS)
    (result,) = selectors.aht_outliers(scope=center(), span=span())
    assert result.team == team
    assert (result.median, result.mad) == (120, 20)
    assert (result.lower_bound, result.upper_bound) == (80, 160)
    assert [(row.agent, row.aht, row.calls) for row in result.high] == [(agents[6], 400, 4)]
    assert [(row.agent, row.aht) for row in result.low] == [(agents[0], 60)]
    assert result.high[0].calls_url.startswith("/calls/?agent=")
    assert f"agent={agents[6].pk}&date_from=" in result.high[0].calls_url


def test_the_bounds_are_strict():
    # 100, 110, 120, 130, 160: median 120, deviations 20, 10, 0, 10, 40 → MAD 10, bounds 100 – 140.
    team, agents = _team_with([100, 110, 120, 130, 160])
    (result,) = selectors.aht_outliers(scope=center(), span=span())
    assert (result.lower_bound, result.upper_bound) == (100, 140)
    assert [row.agent for row in result.high] == [agents[4]]
    assert result.low == []  # 100 is on the bound, not beyond it


def test_too_few_agents_or_no_spread_flag_nobody():
    _team_with([100, 900], name="Small")
    _team_with([100, 100, 100, 500], name="Flat")  # MAD 0
    flat, small = selectors.aht_outliers(scope=center(), span=span())
    assert small.median is None and small.high == small.low == []
    assert (flat.median, flat.mad) == (100, 0) and flat.high == flat.low == []


def test_each_team_is_its_own_reference_and_a_lead_sees_their_teams_only():
    blue, _ = _team_with(AHTS, name="Blue")
    green, _ = _team_with([300, 310, 320], name="Green")
    assert [t.team for t in selectors.aht_outliers(scope=center(), span=span())] == [blue, green]
    (only,) = selectors.aht_outliers(scope=teams(green), span=span())
    assert only.team == green and only.median == 310


def test_days_outside_the_period_and_agents_without_calls_do_not_count():
    team, agents = _team_with([100, 110, 120])
    agent_day(agents[0], days_ago=40, handles=10, handle_total=100000)
    agent_day(AgentFactory(team=team), days_ago=1, calls=3)  # no answered call with a handle time
    (result,) = selectors.aht_outliers(scope=center(), span=span())
    assert [row.aht for row in result.agents] == [100, 110, 120]


def test_the_drill_down_lists_the_outliers_calls(client, manager):
    team, agents = _team_with(AHTS)
    mine = CallFactory(agent=agents[6])
    CallFactory(agent=agents[0])
    (result,) = selectors.aht_outliers(scope=center(), span=span())
    client.force_login(manager)
    response = client.get(result.high[0].calls_url)
    assert response.status_code == 200
    assert [call.pk for call in response.context["page"]] == [mine.pk]
