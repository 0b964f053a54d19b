"""What the evaluation's read page offers each person, the call page's "Score this call", and the calibration
submit flow through the scoring form."""

import pytest
from django.urls import reverse

from scorecards.disputes import services as disputes
from scorecards.models import CalibrationSession, Evaluation
from tests.factories import (
    FOUR_CRITERIA,
    CallFactory,
    calibrated,
    criterion,
    evaluation_of,
    make_published_version,
    make_reviewers,
    make_session,
)
from tests.scorecards.evaluations.scoring_form import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(agent, default_version, reviewer):
    """Submitted by `reviewer` on a call of `agent`, with full marks."""
    return evaluation_of(agent, version=default_version, reviewer=reviewer)


def _actions(client, user, evaluation):
    client.force_login(user)
    response = client.get(evaluation.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_evaluated_agent_can_acknowledge_and_dispute(client, agent, evaluation):
    page = _actions(client, agent, evaluation)
    assert reverse("feedback:acknowledge", args=[evaluation.pk]) in page
    assert reverse("feedback:dispute", args=[evaluation.pk]) in page
    assert reverse("feedback:history", args=[evaluation.pk]) in page


def test_the_lead_and_reviewer_see_history_but_no_agent_actions(client, lead, reviewer, evaluation):
    for user in (lead, reviewer):
        page = _actions(client, user, evaluation)
        assert reverse("feedback:acknowledge", args=[evaluation.pk]) not in page
        assert reverse("feedback:dispute", args=[evaluation.pk]) not in page
        assert reverse("feedback:history", args=[evaluation.pk]) in page


def test_an_acknowledged_evaluation_offers_nothing_more_to_the_agent(client, agent, evaluation):
    disputes.acknowledge(evaluation=evaluation, by=agent)
    page = _actions(client, agent, evaluation)
    assert reverse("feedback:acknowledge", args=[evaluation.pk]) not in page
    assert reverse("feedback:dispute", args=[evaluation.pk]) not in page


def test_the_manager_is_offered_the_open_dispute(client, manager, agent, evaluation):
    greeting = criterion(evaluation.version, "Greeting")
    dispute = disputes.open_dispute(evaluation=evaluation, by=agent, items=[(greeting, "I greeted.")])
    page = _actions(client, manager, evaluation)
    assert reverse("feedback:resolve", args=[dispute.pk]) in page


def test_reviewers_are_offered_to_score_a_call_but_not_its_agent(client, reviewer, agent, call):
    button = reverse("evaluations:start_call", args=[call.pk])
    client.force_login(reviewer)
    assert button in client.get(call.get_absolute_url()).content.decode()
    client.force_login(agent)
    assert button not in client.get(call.get_absolute_url()).content.decode()


def test_the_last_calibration_submit_closes_the_session_and_returns_to_it(client, manager, call_type):
    make_published_version(call_type, FOUR_CRITERIA)
    call = CallFactory(call_type=call_type)
    reviewers = make_reviewers(2)
    session = make_session(call, manager, reviewers)
    answers = {"Greeting": 1, "Diagnosis": 3, "Tone": "Good", "Callback": 1}
    calibrated(session, manager, answers)
    calibrated(session, reviewers[0], answers)
    last = calibrated(session, reviewers[1], answers, submit=False)

    client.force_login(reviewers[1])
    response = client.post(
        reverse("evaluations:edit", args=[last.pk]), form_data(last.version, answers, action="submit")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("calibration:detail", args=[session.pk])
    assert CalibrationSession.objects.get(pk=session.pk).is_closed
    # Closed: the draft-only edit page is gone for good, and the results are open to the participant.
    assert client.get(reverse("calibration:results", args=[session.pk])).status_code == 200


def test_the_call_page_offers_scoring_by_the_services_rule(client, manager, reviewer, agent, call_type):
    """The button follows services.scoring_refusal, which start_evaluation applies: QA managers score too, an
    unanswered call has nothing to score."""
    answered = CallFactory(agent=agent, call_type=call_type)
    abandoned = CallFactory(agent=agent, call_type=call_type, answered=False)
    client.force_login(manager)
    assert 'id="score-call"' in client.get(answered.get_absolute_url()).content.decode()
    client.force_login(reviewer)
    assert 'id="score-call"' not in client.get(abandoned.get_absolute_url()).content.decode()
    response = client.post(reverse("evaluations:start_call", args=[abandoned.pk]), follow=True)
    assert "not answered" in response.content.decode()
    assert not Evaluation.objects.filter(call=abandoned).exists()
