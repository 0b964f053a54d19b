"""The escalation figures of a period: rate, share as the matrix says, follow-up on time, repeats, per type,
reason, agent, team and call type; a team lead's teams only; the overdue follow-ups."""

from datetime import date, timedelta

import pytest

from qa_center.kpis.escalations.selectors import insight, overdue_followups
from tests.factories import CallFactory, EscalationFactory
from tests.kpis.escalations.helpers import FUNCTIONAL, HIERARCHICAL, PRIORITY, local

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
DAY = date(2026, 3, 10)
NOW = local(date(2026, 3, 20), 12)


def figures(team_ids=None):
    return insight(team_ids=team_ids, first=FIRST, last=LAST, now=NOW)


def test_the_centers_figures(march):
    total = figures().total
    assert (total.answered_calls, total.escalated_calls, total.escalations) == (6, 4, 4)
    assert total.rate == pytest.approx(400 / 6)
    assert (total.in_matrix, total.as_matrix, total.not_in_matrix) == (3, 2, 1)
    assert total.matrix_share == pytest.approx(200 / 3)
    assert (total.on_time, total.late, total.overdue, total.pending) == (1, 1, 1, 0)
    assert total.followups_due == 3
    assert total.on_time_share == pytest.approx(100 / 3)
    assert (total.repeats, total.repeat_share) == (1, 25.0)


def test_by_type_the_rate_is_over_every_answered_call(march):
    rows = {row.key: row for row in figures().tables["type"]}
    assert set(rows) == {HIERARCHICAL, FUNCTIONAL, PRIORITY}
    hierarchical = rows[HIERARCHICAL].figures
    assert (hierarchical.escalated_calls, hierarchical.answered_calls) == (2, 6)
    assert (hierarchical.in_matrix, hierarchical.as_matrix) == (2, 1)
    assert rows[HIERARCHICAL].label == "Hierarchical"
    assert rows[PRIORITY].figures.matrix_share is None  # none of it is in the matrix: no data, not 0


def test_by_reason(march):
    rows = {row.key: row.figures for row in figures().tables["reason"]}
    assert rows["Wants a supervisor"].escalated_calls == 2
    assert rows["Billing error"].overdue == 1
    assert rows["Billing error"].repeats == 1


def test_by_agent_team_and_call_type_the_rate_is_over_their_own_calls(
    march, agent, other_agent, team, other_team
):
    tables = figures().tables
    agents = {row.key: row for row in tables["agent"]}
    assert (agents[agent.pk].figures.escalated_calls, agents[agent.pk].figures.answered_calls) == (3, 4)
    assert agents[agent.pk].label == str(agent)
    assert agents[other_agent.pk].figures.rate == 50.0
    teams = {row.key: row.figures for row in tables["team"]}
    assert (teams[team.pk].escalated_calls, teams[team.pk].answered_calls) == (3, 4)
    assert (teams[other_team.pk].escalated_calls, teams[other_team.pk].answered_calls) == (1, 2)
    assert sum(row.figures.escalated_calls for row in tables["call_type"]) == 4


def test_a_team_lead_sees_their_teams_only(march, team):
    result = figures(team_ids=(team.pk,))
    assert (result.total.answered_calls, result.total.escalated_calls) == (4, 3)
    assert {row.key for row in result.tables["team"]} == {team.pk}
    assert {row.key for row in result.tables["type"]} == {HIERARCHICAL, FUNCTIONAL}


def test_a_row_without_an_agent_has_no_drill_down(matrix):
    call = CallFactory(agent=None, team=None, started_at=local(DAY))
    EscalationFactory(call=call, escalated_at=local(DAY, 11))
    row = figures().tables["agent"][0]
    assert (row.key, row.label, row.calls_url) == (None, "No agent", "")


def test_no_escalations_no_data(matrix):
    CallFactory(started_at=local(DAY))
    total = figures().total
    assert (total.answered_calls, total.escalated_calls, total.rate) == (1, 0, 0.0)
    assert (total.matrix_share, total.on_time_share, total.repeat_share) == (None, None, None)


def test_overdue_follow_ups_of_any_period_the_oldest_first(march, team, other_team):
    overdue = list(overdue_followups(team_ids=None, now=NOW))
    assert overdue == [march["abandoned"], march["billing"]]
    assert overdue[1].followup_deadline == local(DAY + timedelta(days=2), 11)
    assert list(overdue_followups(team_ids=(other_team.pk,), now=NOW)) == []
    assert len(overdue_followups(team_ids=(team.pk,), now=NOW)) == 2
