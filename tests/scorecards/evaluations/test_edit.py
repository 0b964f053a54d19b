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
from tests.factories import (
    COMPLETE_ANSWERS,
    NA,
    CallFactory,
    UserFactory,
    criteria_of,
    draft,
    make_published_version,
    many_criteria,
    submitted,
)
from tests.scorecards.evaluations.scoring_form import form_data

pytestmark = pytest.mark.django_db


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


def test_anonymous_is_sent_to_login(client, empty_draft):
    response = client.get(url(empty_draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_draft_is_not_there_for_its_agent(client, agent, empty_draft):
    """404 before 403: the agent may not see a draft, so their role is not even asked."""
    client.force_login(agent)
    assert client.get(url(empty_draft)).status_code == 404
    assert client.post(url(empty_draft), form_data(empty_draft.version, COMPLETE_ANSWERS)).status_code == 404


def test_a_draft_is_not_there_for_an_agent_of_another_team(client, other_agent, empty_draft):
    client.force_login(other_agent)
    assert client.get(url(empty_draft)).status_code == 404


def test_the_agent_may_read_but_not_edit_their_submitted_evaluation(
    client, call, agent, reviewer, default_version
):
    evaluation = submitted(call, reviewer)
    client.force_login(agent)
    assert client.get(url(evaluation)).status_code == 403


def test_another_reviewers_draft_is_not_there_for_them(client, empty_draft):
    client.force_login(UserFactory(username="reviewer2", is_reviewer=True))
    assert client.get(url(empty_draft)).status_code == 404


def test_a_submitted_evaluation_is_readable_but_not_editable(client, call, reviewer, default_version):
    evaluation = submitted(call, reviewer)
    client.force_login(UserFactory(username="reviewer2", is_reviewer=True))
    assert client.get(url(evaluation)).status_code == 403
    client.force_login(reviewer)
    assert client.get(url(evaluation)).status_code == 403


def test_manager_cannot_edit_a_reviewers_draft(client, manager, empty_draft):
    client.force_login(manager)
    assert client.get(url(empty_draft)).status_code == 403


def test_wrong_method(client, reviewer, empty_draft):
    client.force_login(reviewer)
    assert client.put(url(empty_draft)).status_code == 405
    assert client.delete(url(empty_draft)).status_code == 405


# --- the page ----------------------------------------------------------------------------------------------


def test_page_shows_player_transcript_form_and_live_score(client, reviewer, empty_draft, default_version):
    call = empty_draft.call
    call.transcript = "Agent: Good morning, how can I help?"
    call.save(update_fields=["transcript"])
    call.recording_file.save("call.wav", ContentFile(b"RIFF"))
    draft(call, reviewer, {"Greeting": 1, "Tone": "Excellent"})
    client.force_login(reviewer)
    response = client.get(url(empty_draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="{reverse("calls:recording", args=[call.pk])}"' in html
    assert "Good morning, how can I help?" in html
    assert f'hx-post="{reverse("evaluations:preview", args=[empty_draft.pk])}"' in html
    assert 'hx-trigger="change"' in html and 'hx-target="#score-panel"' in html
    criteria = criteria_of(default_version)
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
    assert 'id="live-score-value">100.00%' in html
    assert "Add note at current time" in html


def test_long_scales_are_a_drop_down(client, reviewer, call):
    make_published_version(call.call_type, [("S", 1, [("Empathy", "scale", 1, {"scale_max": 20})])])
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.get(url(evaluation)).content.decode()
    assert f'<select name="{answer_field(criteria_of(evaluation.version)["Empathy"].pk)}"' in html
    assert '<option value="20">20</option>' in html


@pytest.mark.parametrize("count", [5, 40])
def test_page_queries_do_not_grow_with_the_scorecard(
    client, reviewer, call, count, django_assert_num_queries
):
    make_published_version(call.call_type, many_criteria(count))
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


def test_save_draft_stores_partial_answers_and_comes_back(client, reviewer, empty_draft, default_version):
    client.force_login(reviewer)
    data = form_data(
        default_version,
        {"Greeting": 1, "Tone": "Good", "Offered a callback": NA},
        comments={"Greeting": "Used the customer's name."},
        strengths="Warm",
        improvements="Check the account first",
        action="save",
    )
    response = client.post(url(empty_draft), data)
    assert response.status_code == 302 and response["Location"] == url(empty_draft)
    saved = {
        a.criterion.title: a
        for a in Answer.objects.filter(evaluation=empty_draft).select_related("criterion")
    }
    assert saved["Greeting"].value == 1 and saved["Greeting"].comment == "Used the customer's name."
    assert saved["Tone"].option.label == "Good"
    assert saved["Offered a callback"].is_na
    empty_draft.refresh_from_db()
    assert empty_draft.status == Evaluation.Status.DRAFT
    assert (empty_draft.strengths, empty_draft.improvements) == ("Warm", "Check the account first")

    page = client.get(url(empty_draft))
    assert (
        page.context["form"].initial[answer_field(criteria_of(default_version)["Offered a callback"].pk)]
        == "na"
    )
    assert "Used the customer&#x27;s name." in page.content.decode()


def test_invalid_choice_is_shown_beside_its_criterion_and_nothing_is_saved(
    client, reviewer, empty_draft, default_version
):
    client.force_login(reviewer)
    data = form_data(default_version, {"Greeting": 1}, action="save")
    data[answer_field(criteria_of(default_version)["Diagnosed the issue"].pk)] = "9"
    response = client.post(url(empty_draft), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert answer_field(criteria_of(default_version)["Diagnosed the issue"].pk) in form.errors
    assert not Answer.objects.filter(evaluation=empty_draft).exists()


def test_na_where_not_allowed_is_refused(client, reviewer, empty_draft, default_version):
    client.force_login(reviewer)
    data = form_data(default_version, {**COMPLETE_ANSWERS, "Greeting": NA}, action="submit")
    response = client.post(url(empty_draft), data)
    assert response.status_code == 200
    assert answer_field(criteria_of(default_version)["Greeting"].pk) in response.context["form"].errors
    empty_draft.refresh_from_db()
    assert empty_draft.status == Evaluation.Status.DRAFT


def test_submit_incomplete_saves_the_draft_and_marks_what_is_missing(
    client, reviewer, empty_draft, default_version
):
    client.force_login(reviewer)
    answers = {k: v for k, v in COMPLETE_ANSWERS.items() if k != "Diagnosed the issue"}
    response = client.post(
        url(empty_draft), form_data(default_version, answers, strengths="", action="submit")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {answer_field(criteria_of(default_version)["Diagnosed the issue"].pk), "strengths"}
    html = response.content.decode()
    assert "Answer this criterion." in html and "what went well" in html
    assert "cannot be submitted yet" in [str(m) for m in get_messages(response.wsgi_request)][0]
    empty_draft.refresh_from_db()
    assert empty_draft.status == Evaluation.Status.DRAFT
    assert Answer.objects.filter(evaluation=empty_draft).count() == 4  # the draft was kept


def test_submit_goes_to_the_detail_page(
    client, reviewer, call, default_version, django_capture_on_commit_callbacks
):
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)
    evaluation = start_evaluation(assignment=assignment, reviewer=reviewer)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(evaluation), form_data(default_version, COMPLETE_ANSWERS, action="submit"))
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


def test_a_draft_of_another_call_type_uses_its_own_scorecard(client, reviewer, default_version):
    other_call = CallFactory()
    other_version = make_published_version(other_call.call_type, [("Only", 1, [("Polite", "yes_no", 1, {})])])
    evaluation = start_evaluation(call=other_call, reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(url(evaluation), form_data(other_version, {"Polite": 1}, action="submit"))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.version == other_version and evaluation.score == 100
