"""Every figure links to the evaluations list filtered to exactly the evaluations behind it: the list's count
equals the figure's n (or its numerator)."""

from urllib.parse import urlsplit

import pytest

from tests.factories import evaluation_of
from tests.scorecards.reporting.helpers import report_of

pytestmark = pytest.mark.django_db


def listed_count(client, url) -> int:
    parts = urlsplit(url)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200
    assert not response.context["form"].errors
    return response.context["page"].count.value


def check_row(client, row):
    counts = {
        "evaluations": row.evaluations,
        "scored": row.scored_evaluations,
        "passed": row.passed_evaluations,
        "auto_failed": row.auto_failed_evaluations,
        "disputed": row.disputed_evaluations,
    }
    assert row.judged_evaluations == row.scored_evaluations  # the pass rate's "of n" links to the scored
    for name, expected in counts.items():
        assert listed_count(client, row.links[name]) == expected, (row.label, name)


def test_team_agent_reviewer_and_total_rows(client, manager, world):
    report = report_of(client, manager)
    rows = [report.total, *report.teams, *report.agents, *report.reviewers]
    assert len(rows) == 7
    for row in rows:
        check_row(client, row)


def test_criteria_and_sections(client, manager, world):
    report = report_of(client, manager)
    checked = 0
    for block in report.scorecards:
        for section in block.sections:
            assert listed_count(client, section.link) == section.evaluations
            for criterion in section.criteria:
                assert listed_count(client, criterion.links["answered"]) == criterion.answered
                assert listed_count(client, criterion.links["failed"]) == criterion.failed
                checked += 1
    assert checked == 6


def test_a_team_leads_rows(client, lead, world):
    report = report_of(client, lead)
    assert [row.label for row in report.teams] == ["Blue"]
    for row in [report.total, *report.teams, *report.agents]:
        check_row(client, row)


def test_filtered_report_links_keep_the_filters(client, manager, team, default_version, world):
    report = report_of(client, manager, team=team.pk, scorecard=default_version.scorecard.pk)
    for row in [report.total, *report.agents]:
        check_row(client, row)
    assert f"team={team.pk}" in report.total.links["evaluations"]


def test_a_lead_who_also_reviews(client, lead, other_agent, default_version, world):
    """The list adds a reviewing lead's own reviews of other teams: the links name the lead's team."""
    lead.is_reviewer = True
    lead.save(update_fields=["is_reviewer"])
    evaluation_of(other_agent, version=default_version, reviewer=lead)
    report = report_of(client, lead)
    assert report.total.evaluations == 3
    for block in report.scorecards:
        for section in block.sections:
            assert listed_count(client, section.link) == section.evaluations
    for row in [report.total, *report.teams, *report.agents]:
        check_row(client, row)
