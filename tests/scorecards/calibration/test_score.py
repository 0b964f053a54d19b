"""POST /calibration/<pk>/score/: a participant starts (or resumes) their calibration evaluation, then
scores it on the evaluation page like any review; nobody else can."""

import pytest
from django.core import mail
from django.urls import reverse

from qa_center.people.models import Notification
from scorecards.calibration import services as calibration
from scorecards.models import Evaluation
from tests.factories import UserFactory, calibrated
from tests.scorecards.calibration.known_answers import KNOWN_ANSWERS
from tests.scorecards.evaluations.scoring_form import form_data

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("calibration:score", args=[session.pk])


def test_anonymous_is_sent_to_login(client, session):
    response = client.post(url(session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead"])
def test_agents_and_leads_are_forbidden(client, request, role, session):
    client.force_login(request.getfixturevalue(role))
    assert client.post(url(session)).status_code == 403
    assert not Evaluation.objects.exists()


def test_a_reviewer_outside_the_session_gets_404(client, session):
    client.force_login(UserFactory(username="outsider", is_reviewer=True))
    assert client.post(url(session)).status_code == 404
    assert not Evaluation.objects.exists()


def test_a_manager_outside_the_session_is_forbidden(client, session):
    client.force_login(UserFactory(username="manager2", is_qa_manager=True))
    assert client.post(url(session)).status_code == 403
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_method(client, session, reviewers, method):
    client.force_login(reviewers[0])
    assert getattr(client, method)(url(session)).status_code == 405


@pytest.mark.parametrize("who", ["reviewer", "reference"])
def test_a_participant_starts_then_resumes_their_draft(client, session, reviewers, manager, who):
    person = reviewers[0] if who == "reviewer" else manager
    client.force_login(person)
    first = client.post(url(session))
    evaluation = Evaluation.objects.get()
    assert (evaluation.reviewer, evaluation.calibration_session, evaluation.status) == (
        person,
        session,
        Evaluation.Status.DRAFT,
    )
    assert first["Location"] == reverse("evaluations:edit", args=[evaluation.pk])
    assert client.post(url(session))["Location"] == first["Location"]
    assert Evaluation.objects.count() == 1


def test_scored_on_the_evaluation_page_without_telling_the_agent(
    client, session, reviewers, agent, django_capture_on_commit_callbacks
):
    client.force_login(reviewers[0])
    edit_url = client.post(url(session))["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, form_data(session.version, KNOWN_ANSWERS["r1"], action="submit"))
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert float(evaluation.score) == pytest.approx(85.41667, abs=1e-4)
    assert not Notification.objects.filter(recipient=agent).exists()
    assert mail.outbox == []
    # Submitted: "score it" now leads to the evaluation to read.
    assert client.post(url(session))["Location"] == evaluation.get_absolute_url()


def test_after_close_no_new_evaluation_and_no_draft(client, session, manager, reviewers):
    calibrated(session, reviewers[1], {"Greeting": 1}, submit=False)
    calibration.close_session(session=session, by=manager)
    for person in (reviewers[0], reviewers[1]):
        client.force_login(person)
        response = client.post(url(session), follow=True)
        assert response.redirect_chain[0][0] == reverse("calibration:detail", args=[session.pk])
        assert "This calibration session is closed." in response.content.decode()
    assert Evaluation.objects.count() == 1
