"""The report and its exports cost the same number of queries for 2 evaluations and for 20 (over as many
teams and agents): every table is one GROUP BY."""

import pytest
from django.urls import reverse

from tests.factories import (
    COMPLETE_ANSWERS,
    FULL_MARKS,
    AgentFactory,
    CallFactory,
    TeamFactory,
    calibrated,
    evaluation_of,
    make_session,
)
from tests.scorecards.reporting.helpers import URL

pytestmark = pytest.mark.django_db


def build(size, *, version, reviewers, manager):
    for number in range(size):
        team = TeamFactory(name=f"Team {number}")
        agent = AgentFactory(team=team)
        evaluation_of(agent, version=version, reviewer=reviewers[number % 2], answers=COMPLETE_ANSWERS)
    session = make_session(
        CallFactory(agent=agent, call_type=version.scorecard.call_type), manager, reviewers
    )
    for reviewer in reviewers:
        calibrated(session, reviewer, FULL_MARKS)
    calibrated(session, manager, COMPLETE_ANSWERS)


# The session and user (2), the total, teams, agents, sections, criteria, reviewers, their peer gaps and
# drift (8), the notification bell (1), the form's teams and scorecards (2).
REPORT_QUERIES = 13
# The session and user (2), the total (1) and the table's: one query, two for criteria, three for reviewers.
EXPORT_QUERIES = {"teams": 4, "agents": 4, "scorecards": 5, "reviewers": 6}


@pytest.mark.parametrize("size", [2, 20])
def test_report(client, manager, reviewer, second_reviewer, default_version, size, django_assert_num_queries):
    build(size, version=default_version, reviewers=[reviewer, second_reviewer], manager=manager)
    client.force_login(manager)
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(URL)
    report = response.context["report"]
    assert report.total.evaluations == size and len(report.agents) == size
    assert all(row.drift is not None for row in report.reviewers)


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("table", sorted(EXPORT_QUERIES))
def test_exports(
    client, manager, reviewer, second_reviewer, default_version, size, table, django_assert_num_queries
):
    build(size, version=default_version, reviewers=[reviewer, second_reviewer], manager=manager)
    client.force_login(manager)
    with django_assert_num_queries(EXPORT_QUERIES[table]):
        response = client.get(reverse("qa_reports:export", args=[table]))
    assert response.status_code == 200
