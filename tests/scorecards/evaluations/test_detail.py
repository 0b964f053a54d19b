"""GET /evaluations/<pk>/: the read view (answers, comments, notes, feedback, the score explainer)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scorecards.evaluations.services import add_recording_note, start_evaluation, submit_evaluation
from tests.factories import (
    COMPLETE_ANSWERS,
    CallFactory,
    UserFactory,
    criteria_of,
    draft,
    make_published_version,
    many_criteria,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(call, reviewer, default_version):
    """A submitted evaluation of `agent`'s call, with comments, a note and feedback."""
    evaluation = draft(
        call,
        reviewer,
        COMPLETE_ANSWERS,
        comments={"Tone": "Friendly but a bit rushed."},
        strengths="Greeted the customer by name.",
        improvements="Confirm the fix before closing.",
    )
    add_recording_note(evaluation=evaluation, at_seconds=Decimal("83.5"), body="Long silence", by=reviewer)
    submit_evaluation(evaluation=evaluation, by=reviewer)
    evaluation.refresh_from_db()
    return evaluation


def url(evaluation):
    return reverse("evaluations:detail", args=[evaluation.pk])


def test_anonymous_is_sent_to_login(client, evaluation):
    response = client.get(url(evaluation))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_evaluated_agent_reads_it_once_submitted(client, agent, evaluation):
    client.force_login(agent)
    assert client.get(url(evaluation)).status_code == 200


def test_the_evaluated_agent_cannot_see_a_draft(client, agent, call, reviewer, default_version):
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS)
    client.force_login(agent)
    assert client.get(url(evaluation)).status_code == 404


def test_agent_of_another_team_gets_404(client, other_agent, evaluation):
    client.force_login(other_agent)
    assert client.get(url(evaluation)).status_code == 404


def test_team_leads_see_their_teams_only(client, lead, other_lead, evaluation):
    client.force_login(lead)
    assert client.get(url(evaluation)).status_code == 200
    client.force_login(other_lead)
    assert client.get(url(evaluation)).status_code == 404


def test_other_reviewers_read_submitted_ones_but_not_drafts(client, call, reviewer, evaluation):
    other = UserFactory(username="reviewer2", is_reviewer=True)
    client.force_login(other)
    assert client.get(url(evaluation)).status_code == 200
    another_call = CallFactory(agent=call.agent, call_type=call.call_type)
    their_draft = start_evaluation(
        call=another_call, reviewer=UserFactory(username="reviewer3", is_reviewer=True)
    )
    assert client.get(url(their_draft)).status_code == 404


def test_the_reviewer_sees_their_draft_with_a_way_back_to_the_form(client, call, reviewer, default_version):
    evaluation = draft(call, reviewer, {"Greeting": 1})
    client.force_login(reviewer)
    response = client.get(url(evaluation))
    assert response.status_code == 200
    assert reverse("evaluations:edit", args=[evaluation.pk]) in response.content.decode()
    assert "Not submitted yet." in response.content.decode()


def test_wrong_method(client, reviewer, evaluation):
    client.force_login(reviewer)
    assert client.post(url(evaluation)).status_code == 405


def test_page_shows_answers_comments_notes_feedback_and_the_explainer(client, agent, evaluation):
    client.force_login(agent)
    response = client.get(url(evaluation))
    html = response.content.decode()
    assert "83.33%" in html and "Fail" in html
    assert "Greeted the customer by name." in html and "Confirm the fix before closing." in html
    assert "Friendly but a bit rushed." in html
    assert "Long silence" in html and 'data-seconds="83.50"' in html and "1:23" in html
    labels = {
        criterion.title: row["label"]
        for section, rows in response.context["sections"]
        for row in rows
        for criterion in [row["criterion"]]
    }
    assert labels == {
        "Greeting": "Yes",
        "Verified identity": "Yes",
        "Diagnosed the issue": "3 / 4",
        "Tone": "Good (2 pts)",
        "Offered a callback": "N/A",
    }
    assert 'id="score-explainer"' in html
    assert response.context["explanation"].score * 3 == 250
    assert "Add note at current time" not in html  # read-only: no note form, no delete buttons
    assert reverse("evaluations:edit", args=[evaluation.pk]) not in html


@pytest.mark.parametrize("count", [5, 40])
def test_queries_do_not_grow_with_the_scorecard(
    client, call, reviewer, agent, count, django_assert_num_queries
):
    version = make_published_version(call.call_type, many_criteria(count))
    answers = {}
    for title, criterion in criteria_of(version).items():
        answers[title] = "Good" if criterion.kind == "choice" else 1
    evaluation = submitted(call, reviewer, answers)
    client.force_login(agent)
    # session, user, evaluation, version outline (3), answers, notes, unread notifications; the changes
    # section: the evaluation's, answers', disputes' and dispute items' history, the previous rows of the
    # first two, and the criteria, people and versions named (scorecards.evaluations.history)
    with django_assert_num_queries(18):
        response = client.get(url(evaluation))
    assert response.status_code == 200
    assert sum(len(rows) for _section, rows in response.context["sections"]) == count
