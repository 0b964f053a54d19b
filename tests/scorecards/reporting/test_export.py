"""Each table as CSV, through the safe-CSV helper."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import AgentFactory, TeamFactory, evaluation_of

pytestmark = pytest.mark.django_db


def exported(client, table, **params) -> list[list[str]]:
    response = client.get(reverse("qa_reports:export", args=[table]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_teams(client, manager, world):
    client.force_login(manager)
    header, blue, green = exported(client, "teams")
    assert header[:5] == ["Team", "Evaluations", "Mean QA score", "Scored evaluations", "Pass rate (%)"]
    assert blue == ["Blue", "3", "62.22", "3", "66.67", "2", "3", "33.33", "1", "33.33", "1"]
    assert green == ["Green", "2", "83.33", "1", "0.0", "0", "1", "0.0", "0", "0.0", "0"]


def test_agents_scorecards_and_reviewers(client, manager, agent, reviewer, world):
    client.force_login(manager)
    agents = {row[0]: row for row in exported(client, "agents")[1:]}
    assert agents[str(agent)][1:3] == ["Blue", "3"]
    criteria = exported(client, "scorecards")
    assert criteria[1] == [
        "Inbound support",
        "1",
        "Opening",
        "75.0",
        "4",
        "Greeting",
        "4",
        "0",
        "1",
        "25.0",
        "75.0",
    ]
    # The all-N/A scorecard: no data is an empty cell, never 0.
    assert criteria[-1] == ["Retention", "1", "Only", "", "0", "Offer", "0", "1", "0", "", ""]
    reviewers = {row[0]: row for row in exported(client, "reviewers")[1:]}
    assert reviewers[str(reviewer)][-3:] == ["25.83", "15.0", "2"]


def test_empty_period(client, manager, world):
    client.force_login(manager)
    assert exported(client, "teams", date_from="2020-01-01", date_to="2020-01-02") == [
        exported(client, "teams")[0]
    ]


def test_invalid_filters_are_a_400_with_the_errors(client, manager):
    client.force_login(manager)
    response = client.get(
        reverse("qa_reports:export", args=["teams"]), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_formula_in_a_name_is_written_as_text(client, manager, default_version):
    team = TeamFactory(name='=HYPERLINK("http://evil.example","x")')
    evaluation_of(AgentFactory(team=team, first_name="+cmd", last_name=""), version=default_version)
    client.force_login(manager)
    assert exported(client, "teams")[1][0] == """'=HYPERLINK("http://evil.example","x")"""
    assert exported(client, "agents")[1][:2] == ["'+cmd", """'=HYPERLINK("http://evil.example","x")"""]
