"""POST /evaluations/<pk>/preview/: the live score of the answers as they are in the form, unsaved."""

import pytest
from django.urls import reverse

from scorecards.evaluations.forms import answer_field
from scorecards.evaluations.services import start_evaluation
from scorecards.models import Answer, Evaluation
from tests.factories import (
    COMPLETE_ANSWERS,
    NA,
    UserFactory,
    criteria_of,
    make_published_version,
    many_criteria,
    submitted,
    two_sections,
)
from tests.scorecards.evaluations.scoring_form import form_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(evaluation):
    return reverse("evaluations:preview", args=[evaluation.pk])


def test_anonymous_is_sent_to_login(client, empty_draft):
    response = client.post(url(empty_draft), {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_draft_is_not_there_for_its_agent(client, agent, empty_draft):
    """404 before 403: the agent may not see a draft."""
    client.force_login(agent)
    assert client.post(url(empty_draft), {}).status_code == 404


def test_another_reviewers_draft_is_not_there_for_them(client, empty_draft):
    client.force_login(UserFactory(username="reviewer2", is_reviewer=True))
    assert client.post(url(empty_draft), {}).status_code == 404


def test_submitted_evaluation_has_no_preview(client, call, reviewer, default_version):
    evaluation = submitted(call, reviewer)
    client.force_login(reviewer)
    assert client.post(url(evaluation), {}).status_code == 403


def test_wrong_method(client, reviewer, empty_draft):
    client.force_login(reviewer)
    assert client.get(url(empty_draft)).status_code == 405


def test_partial_answers_score_what_is_answered_and_list_the_rest(
    client, reviewer, empty_draft, default_version
):
    client.force_login(reviewer)
    response = client.post(
        url(empty_draft), form_data(default_version, {"Greeting": 1, "Diagnosed the issue": 2}), **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment for the panel, not a page
    # Opening: Greeting only, 1/1 → 100%; Resolution: Diagnosed only, 2/4 → 50%;
    # (40 × 100 + 60 × 50) ÷ 100 = 70.
    assert 'id="live-score-value">70.00%' in html
    assert "2 of 5 answered" in html and "Fail" not in html and "Pass mark 85%" in html  # no verdict yet
    sections = response.context["explanation"].sections
    assert [(s.title, s.score) for s in sections] == [("Opening", 100), ("Resolution", 50)]
    assert "3 criteria still unanswered" in html
    for title in ("Verified identity", "Tone", "Offered a callback"):
        assert title in html
    assert not Answer.objects.filter(evaluation=empty_draft).exists()  # nothing saved


def test_complete_answers_give_the_submitted_score(client, reviewer, empty_draft, default_version):
    client.force_login(reviewer)
    html = client.post(
        url(empty_draft), form_data(default_version, COMPLETE_ANSWERS), **HTMX
    ).content.decode()
    assert 'id="live-score-value">83.33%' in html
    assert "Every criterion is answered." in html


def test_auto_fail_shows_the_score_before(client, reviewer, call):
    version = make_published_version(call.call_type, two_sections(critical="evaluation"))
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.post(
        url(evaluation), form_data(version, {"One": 0, "Two": 1, "Three": 1}), **HTMX
    ).content.decode()
    assert 'id="live-score-value">0.00%' in html
    assert "Auto-fail" in html and "“One”" in html
    assert "Score before the auto-fail: 66.67%" in html


def test_pass_when_at_the_pass_mark(client, reviewer, call):
    version = make_published_version(call.call_type, two_sections(), pass_mark=60, method="total_points")
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.post(
        url(evaluation), form_data(version, {"One": 0, "Two": 1, "Three": 1}), **HTMX
    ).content.decode()
    assert 'id="live-score-value">60.00%' in html and "Pass" in html and "Fail" not in html


def test_invalid_and_na_answers_are_left_out(client, reviewer, empty_draft, default_version):
    client.force_login(reviewer)
    data = form_data(default_version, {"Greeting": 0, "Offered a callback": NA})
    data[answer_field(criteria_of(default_version)["Diagnosed the issue"].pk)] = "99"
    response = client.post(url(empty_draft), data, **HTMX)
    assert response.status_code == 200
    explanation = response.context["explanation"]
    assert explanation.score == 0
    assert [c.title for c in explanation.unanswered] == ["Verified identity", "Diagnosed the issue", "Tone"]


def test_nothing_answered_has_no_score_yet(client, reviewer, empty_draft):
    client.force_login(reviewer)
    html = client.post(url(empty_draft), {}, **HTMX).content.decode()
    assert 'id="live-score-value">—' in html and "No score yet" in html
    assert empty_draft.status == Evaluation.Status.DRAFT


@pytest.mark.parametrize("count", [5, 40])
def test_queries_do_not_grow_with_the_scorecard(client, reviewer, call, count, django_assert_num_queries):
    version = make_published_version(call.call_type, many_criteria(count))
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    data = form_data(version, {title: 1 for title, c in criteria_of(version).items() if c.kind == "yes_no"})
    client.force_login(reviewer)
    # session, user, evaluation, version outline (3): the spec is built from the outline
    with django_assert_num_queries(6):
        response = client.post(url(evaluation), data, **HTMX)
    assert response.status_code == 200
