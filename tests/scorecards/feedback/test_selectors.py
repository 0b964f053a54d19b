"""The numbers of "My feedback" and the team view on a known data set: weekly trend, summary, strengths,
weakest criteria, per-agent rows; calibration, drafts, old and other people's evaluations never count."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from scorecards.disputes import services as disputes
from scorecards.feedback import selectors as feedback
from scorecards.models import Evaluation
from tests.factories import (
    FULL_MARKS,
    GREETING_MISSED,
    NA,
    AgentFactory,
    CallTypeFactory,
    calibrated,
    criterion,
    evaluation_of,
    make_published_version,
    pin,
)

pytestmark = pytest.mark.django_db


def tuesday_noon(weeks_ago: int) -> datetime:
    """Midday on the Tuesday of the week `weeks_ago` weeks before this one: always in the past, mid-week."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7 * weeks_ago)
    return timezone.make_aware(datetime.combine(monday + timedelta(days=1), time(12)))


def monday(weeks_ago: int):
    return tuesday_noon(weeks_ago).date() - timedelta(days=1)


@pytest.fixture
def data_set(agent, other_agent, reviewer, default_version, calibration_session):
    """The agent's evaluations in the last 90 days (e1–e5) and several that must not count (e6–e9).
    Their scores are pinned round numbers (tests.factories.pin); the criteria's numbers come from the answers.

    Criterion fractions over e1, e2, e3, e5:
        Greeting           1, 1, 1, 1            → full 4/4  (strength)
        Verified identity  1, 1, 0, 1            → full 3/4  (strength)
        Diagnosed (0..4)   2, 1, 2, 3            → mean 0.5  (weakest)
        Tone               Excellent, Good, Poor, Good → 1, 2/3, 0, 2/3: mean 7/12, full 1/4 (weak)
        Offered a callback 1, N/A, N/A, 0        → 2 answers: fewer than 3, left out
    e4 has no score: it is on another call type's scorecard, whose one criterion may be N/A, and was N/A.
    """

    def answers(verified, diagnosed, tone, callback):
        return {
            "Greeting": 1,
            "Verified identity": verified,
            "Diagnosed the issue": diagnosed,
            "Tone": tone,
            "Offered a callback": callback,
        }

    zero = {
        "Greeting": 0,
        "Verified identity": 0,
        "Diagnosed the issue": 0,
        "Tone": "Poor",
        "Offered a callback": 0,
    }
    e = {}
    common = {"agent": agent, "reviewer": reviewer, "version": default_version}
    e[1] = evaluation_of(
        **common, answers=answers(1, 2, "Excellent", 1), score=80, submitted_at=tuesday_noon(3)
    )
    e[2] = evaluation_of(
        **common,
        answers=answers(1, 1, "Good", NA),
        score=90,
        submitted_at=tuesday_noon(3) + timedelta(hours=1),
    )
    e[3] = evaluation_of(
        **common,
        answers=answers(0, 2, "Poor", NA),
        score=70,
        submitted_at=tuesday_noon(1),
        status=Evaluation.Status.DISPUTED,
    )
    callbacks = make_published_version(
        CallTypeFactory(name="Callbacks", slug="callbacks"),
        [("Callback", 1, [("Called back when promised", "yes_no", 1, {"allows_na": True})])],
    )
    e[4] = evaluation_of(
        agent,
        reviewer=reviewer,
        version=callbacks,
        answers={"Called back when promised": NA},  # every criterion N/A: no score
        submitted_at=tuesday_noon(1) + timedelta(hours=2),
    )
    e[5] = evaluation_of(**common, answers=answers(1, 3, "Good", 0), score=60, submitted_at=tuesday_noon(2))
    # Never counted: calibration, a draft, older than 90 days (listed, not counted), another agent's.
    e[6] = pin(calibrated(calibration_session, reviewer, zero), score=10, submitted_at=tuesday_noon(1))
    e[7] = evaluation_of(**common, answers=zero, status=Evaluation.Status.DRAFT)
    e[8] = evaluation_of(**common, answers=zero, score=0, days_ago=120)
    e[9] = evaluation_of(other_agent, reviewer=reviewer, version=default_version, answers=zero, score=5)
    return e


def titles(stats) -> list[str]:
    return [s.title for s in stats]


def test_my_feedback_numbers(agent, data_set):
    data = feedback.my_feedback(agent=agent)

    assert list(data.evaluations) == [data_set[n] for n in (4, 3, 5, 2, 1, 8)]  # newest first, all time
    assert data.summary.count == 5
    assert data.summary.scored == 4
    assert data.summary.average == pytest.approx(
        75.0
    )  # (80 + 90 + 70 + 60) ÷ 4; the no-score one is left out
    assert (data.summary.passed, data.summary.judged) == (1, 4)
    assert data.summary.pass_rate == pytest.approx(25.0)
    assert data.summary.disputed == 1

    assert data.trend == [
        feedback.WeekPoint(week=monday(3), average=85.0, count=2),
        feedback.WeekPoint(week=monday(2), average=60.0, count=1),
        feedback.WeekPoint(week=monday(1), average=70.0, count=1),
    ]
    assert data.chart_data() == {
        "labels": [date_format(monday(n), "SHORT_DATE_FORMAT") for n in (3, 2, 1)],  # the reader's format
        "averages": [85.0, 60.0, 70.0],
        "counts": [2, 1, 1],
    }

    assert titles(data.strengths) == ["Greeting", "Verified identity"]
    assert [(s.full, s.answers) for s in data.strengths] == [(4, 4), (3, 4)]
    assert titles(data.weakest) == ["Diagnosed the issue", "Tone"]
    assert data.weakest[0].average == pytest.approx(0.5)
    assert data.weakest[1].average == pytest.approx(7 / 12)
    assert data.weakest[1].full == 1


def test_the_period_is_a_parameter(agent, data_set):
    days = (timezone.now() - tuesday_noon(1)).days + 1  # last week's e3 and e4, not e5 a week earlier
    data = feedback.my_feedback(agent=agent, days=days)
    assert data.summary.count == 2
    assert data.summary.average == pytest.approx(70.0)
    assert [point.week for point in data.trend] == [monday(1)]
    assert data.strengths == [] and data.weakest == []  # one answer per criterion: fewer than 3


def test_an_agent_without_evaluations_has_no_data_not_zero(agent):
    data = feedback.my_feedback(agent=agent)
    assert data.summary.count == 0
    assert data.summary.average is None and data.summary.pass_rate is None
    assert data.trend == [] and data.strengths == [] and data.weakest == []


def test_criteria_of_several_versions_add_up_by_title(agent, reviewer, call_type, default_version):
    v1 = default_version
    for _ in range(2):
        evaluation_of(agent, reviewer=reviewer, version=v1, answers={**FULL_MARKS, "Greeting": 0})
    v2 = make_published_version(call_type)  # v1 is retired; same titles
    evaluation_of(agent, reviewer=reviewer, version=v2, answers={**FULL_MARKS, "Greeting": 0})
    data = feedback.my_feedback(agent=agent)
    greeting = next(s for s in data.weakest if s.title == "Greeting")
    assert (greeting.answers, greeting.full, greeting.average) == (3, 0, 0.0)


def test_team_feedback_rows_and_numbers(lead, team, agent, data_set, reviewer, default_version):
    agent3 = AgentFactory(username="agent3", team=team, first_name="Bea", last_name="Brown")
    quiet = AgentFactory(username="agent4", team=team, first_name="Cy", last_name="Cole")
    evaluation_of(agent3, reviewer=reviewer, version=default_version, score=95, submitted_at=tuesday_noon(1))

    data = feedback.team_feedback(lead=lead)

    rows = {row.username: row for row in data.agents}
    assert set(rows) == {"agent", "agent3", "agent4"}  # not other_agent (team Green)
    mine = rows["agent"]
    assert (mine.evaluation_count, float(mine.average_score), mine.pass_rate) == (5, 75.0, 25.0)
    assert mine.last_evaluated_at == data_set[4].submitted_at
    assert (
        rows["agent3"].evaluation_count,
        float(rows["agent3"].average_score),
        rows["agent3"].pass_rate,
    ) == (
        1,
        95.0,
        100.0,
    )
    assert (rows[quiet.username].evaluation_count, rows[quiet.username].average_score) == (0, None)
    assert rows[quiet.username].pass_rate is None and rows[quiet.username].last_evaluated_at is None

    assert data.summary.count == 6
    assert data.summary.average == pytest.approx(79.0)  # (80 + 90 + 70 + 60 + 95) ÷ 5
    assert data.trend[-1] == feedback.WeekPoint(week=monday(1), average=82.5, count=2)
    # agent3's full marks: Greeting 5/5, Verified 4/5, Callback 2 of 3 answers → a strength now.
    assert titles(data.strengths) == ["Greeting", "Verified identity", "Offered a callback"]
    assert titles(data.weakest) == ["Diagnosed the issue", "Tone"]
    assert data.weakest[0].average == pytest.approx(0.6)


def test_team_of_another_lead_is_separate(other_lead, data_set):
    data = feedback.team_feedback(lead=other_lead)
    assert [row.username for row in data.agents] == ["agent2"]
    assert data.summary.count == 1
    assert data.summary.average == pytest.approx(5.0)


def test_history_wording(agent, reviewer, default_version, manager):
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version, answers=GREETING_MISSED)
    greeting = criterion(default_version, "Greeting")
    dispute = disputes.open_dispute(evaluation=evaluation, by=agent, items=[(greeting, "I did greet.")])
    disputes.resolve_dispute(
        dispute=dispute,
        by=manager,
        decision="adjusted",
        note="Heard it.",
        adjustments={greeting.pk: {"value": 1}},
    )
    rows = [(row.what, row.before, row.after) for row in feedback.evaluation_history(evaluation=evaluation)]
    assert rows == [
        ("Submitted", "Draft", "86.67% · passed"),  # the reviewer's submission, written by submit_evaluation
        ("Dispute opened", "Submitted", "Disputed"),
        ("Criterion disputed", "", ""),
        ("Answer adjusted", "No (0 / 1 points)", "Yes (1 / 1 points)"),
        ("Score recomputed", "86.67% · passed", "100.00% · passed"),
        ("Dispute resolved", "Disputed", "Dispute resolved: Adjusted"),
    ]
    assert Decimal(evaluation.changes.get(action="score_changed").after["score"]) == 100
