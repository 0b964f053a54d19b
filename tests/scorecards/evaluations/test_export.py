"""The evaluations list's CSV export: every filtered row (not only the page), streamed, headers in the reader's
language, text cells safe to open in a spreadsheet, the scope of the list, and a constant query count."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from scorecards.models import Evaluation
from tests.factories import AgentFactory, UserFactory, evaluation_of, pin

pytestmark = pytest.mark.django_db

URL = reverse("evaluations:export")


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_every_filtered_row_is_exported_not_only_the_page(
    client, manager, agent, default_version, monkeypatch
):
    monkeypatch.setattr("scorecards.evaluations.views.EVALUATIONS_PER_PAGE", 2)
    made = [evaluation_of(agent, version=default_version) for _ in range(5)]
    pin(made[0], score=40)
    client.force_login(manager)
    rows = rows_of(client.get(URL))
    assert len(rows) == 1 + 5
    passed = rows_of(client.get(URL, {"passed": "pass"}))
    assert len(passed) == 1 + 4 and made[0].call.external_id not in {row[1] for row in passed}
    assert 'attachment; filename="evaluations-' in client.get(URL)["Content-Disposition"]


def test_the_columns_hold_the_evaluation(client, manager, agent, reviewer, default_version):
    evaluation = evaluation_of(agent, version=default_version, reviewer=reviewer)
    pin(evaluation, score="86.66667")
    client.force_login(manager)
    header, row = rows_of(client.get(URL))
    values = dict(zip(header, row, strict=True))
    assert values["Call"] == evaluation.call.external_id
    assert values["Agent"] == str(agent) and values["Team"] == agent.team.name
    assert values["Reviewer"] == str(reviewer)
    assert values["Scorecard"] == default_version.scorecard.name and values["Version"] == "1"
    assert values["Score"] == "86.67" and values["Result"] == "Pass" and values["Auto-fail"] == "No"
    assert values["Status"] == "Submitted"


def test_headers_and_words_are_in_the_readers_language(client, manager, agent, default_version):
    evaluation_of(agent, version=default_version)
    client.force_login(manager)
    english_header, english_row = rows_of(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))
    spanish_header, spanish_row = rows_of(client.get(URL, HTTP_ACCEPT_LANGUAGE="es"))
    with translation.override("es"):
        assert spanish_header == [translation.gettext(text) for text in english_header]
        assert translation.gettext("Pass") in spanish_row
    assert spanish_header != english_header


def test_text_cells_that_would_run_as_formulas_are_neutralised(client, manager, default_version):
    agent = AgentFactory(username="formula", first_name='=HYPERLINK("http://evil.example")', last_name="")
    evaluation_of(agent, version=default_version)
    client.force_login(manager)
    header, row = rows_of(client.get(URL))
    assert dict(zip(header, row, strict=True))["Agent"].startswith("'=HYPERLINK")


def test_the_export_has_the_lists_scope(client, lead, agent, other_agent, default_version):
    mine = evaluation_of(agent, version=default_version)
    evaluation_of(other_agent, version=default_version)
    client.force_login(lead)
    rows = rows_of(client.get(URL))
    assert [row[1] for row in rows[1:]] == [mine.call.external_id]


def test_an_agent_is_refused(client, agent, default_version):
    evaluation_of(agent, version=default_version)
    client.force_login(agent)
    assert client.get(URL).status_code == 403


def test_invalid_filters_export_nothing_and_go_back_to_the_list(client, manager, agent, default_version):
    evaluation_of(agent, version=default_version)
    client.force_login(manager)
    response = client.get(URL, {"score_min": "500"})
    assert response.status_code == 302
    assert (
        response["Location"].startswith(reverse("evaluations:list"))
        and "score_min=500" in response["Location"]
    )


def test_the_export_costs_the_same_queries_for_few_and_many_rows(
    client, manager, agent, default_version, django_assert_num_queries
):
    reviewer = UserFactory(username="exporter", is_reviewer=True)
    for _ in range(3):
        evaluation_of(agent, version=default_version, reviewer=reviewer)
    client.force_login(manager)
    # Session, user, the filter form's validation of nothing chosen, the rows (one query, chunked).
    with django_assert_num_queries(3):
        few = rows_of(client.get(URL))
    for _ in range(40):
        evaluation_of(agent, version=default_version, reviewer=reviewer)
    with django_assert_num_queries(3):
        many = rows_of(client.get(URL))
    assert (len(few), len(many)) == (4, 44)
    assert Evaluation.objects.count() == 43
