"""calls.surveys.selectors: NPS and CSAT from the answers as stored, per center, segment, agent and team.

The figures are worked out by hand from the answers in `answers` (see each test)."""

from datetime import UTC, datetime, timedelta

import pytest

from calls.surveys import selectors
from calls.surveys.services import SurveyAnswer, record_survey_answers
from tests.factories import AgentFactory, CallFactory, TeamFactory

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 1, tzinfo=UTC)
END = datetime(2025, 4, 1, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def answers():
    """Linked: agent A (Blue) NPS 10/CSAT 5 and NPS 6/CSAT 2; agent B (Green) NPS 8/CSAT 4 and NPS 9; a
    call of team Blue with no agent, NPS 10. Unlinked: LV NPS 0/CSAT 1 and NPS 9/CSAT 4; EE NPS 7; no
    segment CSAT 5. Outside the period: LV NPS 10 (a day before), LV CSAT 1 (at the end, excluded)."""
    blue, green = TeamFactory(name="Blue"), TeamFactory(name="Green")
    agent_a, agent_b = AgentFactory(team=blue), AgentFactory(team=green)
    when = START + DAY
    calls = {
        "a1": CallFactory(agent=agent_a, team=blue, started_at=when),
        "a2": CallFactory(agent=agent_a, team=blue, started_at=when),
        "b1": CallFactory(agent=agent_b, team=green, started_at=when),
        "b2": CallFactory(agent=agent_b, team=green, started_at=when),
        "blue": CallFactory(agent=None, team=blue, started_at=when),
    }

    def linked(name, nps, csat=None):
        # No time: each takes its call's start, inside the period.
        return SurveyAnswer(external_id=name, call_external_id=calls[name].external_id, nps=nps, csat=csat)

    def unlinked(name, nps, csat=None, segment="", at=when):
        return SurveyAnswer(external_id=name, nps=nps, csat=csat, segment=segment, responded_at=at)

    result = record_survey_answers(
        rows=[
            linked("a1", 10, 5),
            linked("a2", 6, 2),
            linked("b1", 8, 4),
            linked("b2", 9),
            linked("blue", 10),
            unlinked("u1", 0, 1, "LV"),
            unlinked("u2", 9, 4, "LV"),
            unlinked("u3", 7, None, "EE"),
            unlinked("u4", None, 5),
            unlinked("before", 10, None, "LV", at=START - timedelta(seconds=1)),
            unlinked("at-end", None, 1, "LV", at=END),
        ]
    )
    assert not result.refused
    return {"A": agent_a, "B": agent_b, "Blue": blue, "Green": green}


def test_center_counts_every_answer_of_the_period(answers):
    scores = selectors.center_survey_scores(start=START, end=END)
    # NPS answers 10 6 8 9 10 0 9 7: promoters 4, passives 2, detractors 2 → 50 − 25.
    assert (scores.nps_answers, scores.promoters, scores.passives, scores.detractors) == (8, 4, 2, 2)
    assert scores.nps == pytest.approx(25.0)
    # CSAT answers 5 2 4 1 4 5: four of six are 4 or 5; mean 21 / 6.
    assert (scores.csat_answers, scores.satisfied) == (6, 4)
    assert scores.csat == pytest.approx(200 / 3)
    assert scores.csat_mean == pytest.approx(3.5)


def test_segments_count_the_answers_given_them(answers):
    by_segment = selectors.survey_scores_by_segment(start=START, end=END)
    assert set(by_segment) == {"LV", "EE"}
    lv, ee = by_segment["LV"], by_segment["EE"]
    assert lv.nps == pytest.approx(0.0)  # 0 and 9: one detractor, one promoter
    assert (lv.csat, lv.csat_mean) == (pytest.approx(50.0), pytest.approx(2.5))  # 1 and 4
    assert ee.nps == pytest.approx(0.0)  # a passive only
    assert (ee.csat, ee.csat_mean) == (None, None)  # no CSAT answer: no data, not 0


def test_agents_count_only_their_calls_answers(answers):
    by_agent = selectors.survey_scores_by_agent(start=START, end=END)
    assert set(by_agent) == {answers["A"].pk, answers["B"].pk}
    a, b = by_agent[answers["A"].pk], by_agent[answers["B"].pk]
    assert a.nps == pytest.approx(0.0)  # 10 and 6
    assert (a.csat, a.csat_mean) == (pytest.approx(50.0), pytest.approx(3.5))  # 5 and 2
    assert b.nps == pytest.approx(50.0)  # 8 and 9: half promoters, no detractor
    assert (b.csat, b.csat_mean) == (pytest.approx(100.0), pytest.approx(4.0))  # 4


def test_teams_count_their_calls_answers_with_or_without_an_agent(answers):
    by_team = selectors.survey_scores_by_team(start=START, end=END)
    assert set(by_team) == {answers["Blue"].pk, answers["Green"].pk}
    blue = by_team[answers["Blue"].pk]
    assert blue.nps_answers == 3  # 10, 6 and the agentless call's 10
    assert blue.nps == pytest.approx(100 * 2 / 3 - 100 / 3)
    assert by_team[answers["Green"].pk].nps == pytest.approx(50.0)


def test_an_empty_period_is_no_data_not_zero(answers):
    later = END + timedelta(days=30)
    scores = selectors.center_survey_scores(start=later, end=later + DAY)
    assert (scores.nps, scores.csat, scores.csat_mean, scores.nps_answers) == (None, None, None, 0)
    assert selectors.survey_scores_by_agent(start=later, end=later + DAY) == {}


def test_each_scope_is_one_query(answers, django_assert_num_queries):
    for selector in (
        selectors.center_survey_scores,
        selectors.survey_scores_by_segment,
        selectors.survey_scores_by_agent,
        selectors.survey_scores_by_team,
    ):
        with django_assert_num_queries(1):
            selector(start=START, end=END)
