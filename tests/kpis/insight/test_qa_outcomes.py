"""QA score vs outcomes: Pearson's r per agent, on a fixture whose coefficient is known, and its n."""

import math

import pytest

from qa_center.kpis.insight import selectors
from tests.factories import AgentFactory, TeamFactory
from tests.kpis.insight.helpers import agent_day, center, span

pytestmark = pytest.mark.django_db

# QA 70, 80, 90, 100 vs CSAT 50, 60, 80, 90 %: deviations (−15, −5, 5, 15) and (−20, −10, 10, 20):
# r = 700 / √(500 × 1000) = 0.98995; FCR = 100 − QA / 2, a straight line down: r = −1.
QA = [70, 80, 90, 100]
CSAT = [50, 60, 80, 90]


def _agents(team, qa_scores, csats):
    agents = []
    for number, (qa, csat) in enumerate(zip(qa_scores, csats, strict=True)):
        agent = AgentFactory(team=team, username=f"agent-{number}")
        # Two days summed: 2 + 2 evaluations, 10 + 10 CSAT answers; 20 cases, (100 − QA / 2) % of them FCR.
        agent_day(
            agent, days_ago=1, scored_evaluations=2, score_total=2 * qa, csat_answers=10, satisfied=csat // 10
        )
        agent_day(
            agent,
            days_ago=3,
            scored_evaluations=2,
            score_total=2 * qa,
            csat_answers=10,
            satisfied=csat // 10,
            cases=20,
            fcr_cases=(200 - qa) // 10,
        )
        agents.append(agent)
    return agents


def test_the_known_coefficient_and_its_n():
    team = TeamFactory()
    _agents(team, QA, CSAT)
    outcomes = selectors.qa_vs_outcomes(scope=center(), span=span())
    rows = sorted(outcomes.agents, key=lambda row: row.qa_score)
    assert [(row.qa_score, row.csat, row.evaluations, row.csat_answers) for row in rows] == [
        (qa, csat, 4, 20) for qa, csat in zip(QA, CSAT, strict=True)
    ]
    assert outcomes.csat.n == 4
    assert math.isclose(outcomes.csat.r, 700 / math.sqrt(500 * 1000), rel_tol=1e-9)
    assert [row.fcr for row in rows] == [100 - qa / 2 for qa in QA]
    assert outcomes.fcr.n == 4 and math.isclose(outcomes.fcr.r, -1.0)


def test_agents_without_both_figures_are_left_out_of_n():
    team = TeamFactory()
    _agents(team, QA, CSAT)
    no_survey = AgentFactory(team=team, username="no-survey")
    agent_day(no_survey, scored_evaluations=1, score_total=10)
    no_evaluation = AgentFactory(team=team, username="no-evaluation")
    agent_day(no_evaluation, csat_answers=4, satisfied=4)
    outcomes = selectors.qa_vs_outcomes(scope=center(), span=span())
    assert len(outcomes.agents) == 6
    assert outcomes.csat.n == 4
    assert math.isclose(outcomes.csat.r, 700 / math.sqrt(500 * 1000), rel_tol=1e-9)


def test_below_three_agents_there_is_no_coefficient():
    _agents(TeamFactory(), QA[:2], CSAT[:2])
    outcomes = selectors.qa_vs_outcomes(scope=center(), span=span())
    assert outcomes.csat == selectors.Correlation(None, 2)


def test_a_figure_that_does_not_vary_has_no_coefficient():
    _agents(TeamFactory(), QA, [80, 80, 80, 80])
    assert selectors.qa_vs_outcomes(scope=center(), span=span()).csat == selectors.Correlation(None, 4)
