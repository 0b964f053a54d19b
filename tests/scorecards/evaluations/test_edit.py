"""GET/POST /evaluations/<pk>/edit/: the scoring form beside the recording; save a draft, submit."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from scorecards.evaluations.forms import answer_field, comment_field
from scorecards.evaluations.services import start_evaluation
from scorecards.models import Answer, Assignment, Evaluation
from tests.factories import CallFactory, UserFactory
from tests.scorecards.evaluation_helpers import (
    FULL_ANSWERS,
    NA,
    criteria_of,
    draft,
    form_data,
    many_criteria,
    published,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(call_type):
    return published(call_type)


@pytest.fixture
def evaluation(call, reviewer, version):
    return start_evaluation(call=call, reviewer=reviewer)


def url(evaluation):
    return reverse("evaluations:edit", args=[evaluation.pk])


def has_radio(html: str, name: str, value: str, *, checked: bool = False) -> bool:
    return (
        re.search(
            rf'type="radio" name="{name}" id="[^"]+" value="{value}"{" checked" if checked else ""}', html
        )
        is not None
    )


# --- access ------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, evaluation):
    response = client.get(url(evaluation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_draft_is_not_there_for_its_agent(client, agent, evaluation):
    """404 before 403: the agent may not see a draft, so their role is not even asked."""
    client.force_login(agent)
    assert client.get(url(evaluation)).status_code == 404
    assert client.post(url(evaluation), form_data(evaluation.version, FULL_ANSWERS)).status_code == 404


def test_a_draft_is_not_there_for_an_agent_of_another_team(client, other_agent, evaluation):
    client.force_login(other_agent)
    assert client.get(url(evaluation)).status_code == 404


def test_the_agent_may_read_but_not_edit_their_submitted_evaluation(client, call, agent, reviewer, version):
    evaluation = submitted(call, reviewer)
    client.force_login(agent)
    assert client.get(url(evaluation)).status_code == 403


def test_another_reviewers_draft_is_not_there_for_them(client, evaluation):
    client.force_login(UserFactory(username="reviewer2", is_reviewer=True))
    assert client.get(url(evaluation)).status_code == 404


def test_a_submitted_evaluation_is_readable_but_not_editable(client, call, reviewer, version):
    evaluation = submitted(call, reviewer)
    client.force_login(UserFactory(username="reviewer2", is_reviewer=True))
    assert client.get(url(evaluation)).status_code == 403
    client.force_login(reviewer)
    assert client.get(url(evaluation)).status_code == 403


def test_manager_cannot_edit_a_reviewers_draft(client, manager, evaluation):
    client.force_login(manager)
    assert client.get(url(evaluation)).status_code == 403


def test_wrong_method(client, reviewer, evaluation):
    client.force_login(reviewer)
    assert client.put(url(evaluation)).status_code == 405
    assert client.delete(url(evaluation)).status_code == 405


# --- the page ----------------------------------------------------------------------------------------------


def test_page_shows_player_transcript_form_and_live_score(client, reviewer, evaluation, version):
    call = evaluation.call
    call.transcript = "Agent: Good morning, how can I help?"
    call.save(update_fields=["transcript"])
    call.recording_file.save("call.wav", ContentFile(b"RIFF"))
    draft(call, reviewer, {"Greeting": 1, "Tone": "Excellent"})
    client.force_login(reviewer)
    response = client.get(url(evaluation))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="{reverse("calls:recording", args=[call.pk])}"' in html
    assert "Good morning, how can I help?" in html
    assert f'hx-post="{reverse("evaluations:preview", args=[evaluation.pk])}"' in html
    assert 'hx-trigger="change"' in html and 'hx-target="#score-panel"' in html
    criteria = criteria_of(version)
    # Kinds: yes/no radios, scale 0..N radios, choice with its points, N/A only where allowed.
    assert html.count(f'name="{answer_field(criteria["Diagnosed the issue"].pk)}"') == 5
    assert "Excellent (3 pts)" in html
    assert has_radio(html, answer_field(criteria["Offered a callback"].pk), "na")
    assert not has_radio(html, answer_field(criteria["Greeting"].pk), "na")
    assert has_radio(html, answer_field(criteria["Greeting"].pk), "1", checked=True)
    assert f'name="{comment_field(criteria["Greeting"].pk)}"' in html
    # The saved answers are checked again, and the live score is the score of those.
    form = response.context["form"]
    assert form.initial[answer_field(criteria["Greeting"].pk)] == "1"
    explanation = response.context["explanation"]
    assert [c.title for c in explanation.unanswered] == [
        "Verified identity",
        "Diagnosed the issue",
        "Offered a callback",
    ]
    assert 'id="live-score-value">100.0%' in html
    assert "Add note at current time" in html


def test_long_scales_are_a_drop_down(client, reviewer, call):
    published(call.call_type, [("S", 1, [("Empathy", "scale", 1, {"scale_max": 20})])])
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.get(url(evaluation)).content.decode()
    assert f'<select name="{answer_field(criteria_of(evaluation.version)["Empathy"].pk)}"' in html
    assert '<option value="20">20</option>' in html


@pytest.mark.parametrize("count", [5, 40])
def test_page_queries_do_not_grow_with_the_scorecard(
    client, reviewer, call, count, django_assert_num_queries
):
    published(call.call_type, many_criteria(count))
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    criteria = criteria_of(evaluation.version)
    draft(call, reviewer, {title: 1 for title, c in criteria.items() if c.kind == "yes_no"})
    client.force_login(reviewer)
    # session, user, evaluation, version outline (3), answers, notes, unread notifications
    with django_assert_num_queries(9):
        response = client.get(url(evaluation))
    assert response.status_code == 200
    assert len(response.context["form"].sections()) == (count + 9) // 10


# --- saving and submitting ---------------------------------------------------------------------------------


def test_save_draft_stores_partial_answers_and_comes_back(client, reviewer, evaluation, version):
    client.force_login(reviewer)
    data = form_data(
        version,
        {"Greeting": 1, "Tone": "Good", "Offered a callback": NA},
        comments={"Greeting": "Used the customer's name."},
        strengths="Warm",
        improvements="Check the account first",
        action="save",
    )
    response = client.post(url(evaluation), data)
    assert response.status_code == 302 and response["Location"] == url(evaluation)
    saved = {
        a.criterion.title: a for a in Answer.objects.filter(evaluation=evaluation).select_related("criterion")
    }
    assert saved["Greeting"].value == 1 and saved["Greeting"].comment == "Used the customer's name."
    assert saved["Tone"].option.label == "Good"
    assert saved["Offered a callback"].is_na
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT
    assert (evaluation.strengths, evaluation.improvements) == ("Warm", "Check the account first")

    page = client.get(url(evaluation))
    assert page.context["form"].initial[answer_field(criteria_of(version)["Offered a callback"].pk)] == "na"
    assert "Used the customer&#x27;s name." in page.content.decode()


def test_invalid_choice_is_shown_beside_its_criterion_and_nothing_is_saved(
    client, reviewer, evaluation, version
):
    client.force_login(reviewer)
    data = form_data(version, {"Greeting": 1}, action="save")
    data[answer_field(criteria_of(version)["Diagnosed the issue"].pk)] = "9"
    response = client.post(url(evaluation), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert answer_field(criteria_of(version)["Diagnosed the issue"].pk) in form.errors
    assert not Answer.objects.filter(evaluation=evaluation).exists()


def test_na_where_not_allowed_is_refused(client, reviewer, evaluation, version):
    client.force_login(reviewer)
    data = form_data(version, {**FULL_ANSWERS, "Greeting": NA}, action="submit")
    response = client.post(url(evaluation), data)
    assert response.status_code == 200
    assert answer_field(criteria_of(version)["Greeting"].pk) in response.context["form"].errors
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT


def test_submit_incomplete_saves_the_draft_and_marks_what_is_missing(client, reviewer, evaluation, version):
    client.force_login(reviewer)
    answers = {k: v for k, v in FULL_ANSWERS.items() if k != "Diagnosed the issue"}
    response = client.post(url(evaluation), form_data(version, answers, strengths="", action="submit"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {answer_field(criteria_of(version)["Diagnosed the issue"].pk), "strengths"}
    html = response.content.decode()
    assert "Answer this criterion." in html and "what went well" in html
    assert "cannot be submitted yet" in [str(m) for m in get_messages(response.wsgi_request)][0]
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT
    assert Answer.objects.filter(evaluation=evaluation).count() == 4  # the draft was kept


def test_submit_goes_to_the_detail_page(client, reviewer, call, version, django_capture_on_commit_callbacks):
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)
    evaluation = start_evaluation(assignment=assignment, reviewer=reviewer)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(evaluation), form_data(version, FULL_ANSWERS, action="submit"))
    assert response.status_code == 302
    assert response["Location"] == evaluation.get_absolute_url()
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert str(evaluation.score) == "83.33333"
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DONE
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [call.agent.email]
    # Submitted: the form is closed for good.
    assert client.get(url(evaluation)).status_code == 403


def test_a_draft_of_another_call_type_uses_its_own_scorecard(client, reviewer, version):
    other_call = CallFactory()
    other_version = published(other_call.call_type, [("Only", 1, [("Polite", "yes_no", 1, {})])])
    evaluation = start_evaluation(call=other_call, reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(url(evaluation), form_data(other_version, {"Polite": 1}, action="submit"))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.version == other_version and evaluation.score == 100
