"""POST /evaluations/assignments/<pk>/start/ and /evaluations/calls/<pk>/start/: start or resume."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from scorecards.models import Assignment, Evaluation, ScorecardVersion
from tests.factories import CallFactory, UserFactory, make_published_version, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(call, reviewer, default_version):
    return Assignment.objects.create(call=call, reviewer=reviewer)


def start_url(assignment):
    return reverse("evaluations:start", args=[assignment.pk])


def call_url(call):
    return reverse("evaluations:start_call", args=[call.pk])


# --- from an assignment ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, assignment):
    response = client.post(start_url(assignment))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Evaluation.objects.exists()


def test_agent_is_forbidden(client, agent, assignment):
    client.force_login(agent)
    assert client.post(start_url(assignment)).status_code == 403


def test_wrong_method(client, reviewer, assignment):
    client.force_login(reviewer)
    assert client.get(start_url(assignment)).status_code == 405
    assert not Evaluation.objects.exists()


def test_someone_elses_assignment_is_not_there(client, manager, assignment):
    client.force_login(UserFactory(username="reviewer2", is_reviewer=True))
    assert client.post(start_url(assignment)).status_code == 404
    # The manager sees every queue, but scoring is the assigned reviewer's job.
    client.force_login(manager)
    assert client.post(start_url(assignment)).status_code == 403


def test_start_then_resume_the_same_draft(client, reviewer, assignment):
    client.force_login(reviewer)
    response = client.post(start_url(assignment))
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:edit", args=[evaluation.pk])
    assert evaluation.assignment == assignment and evaluation.reviewer == reviewer
    again = client.post(start_url(assignment))
    assert again["Location"] == response["Location"]
    assert Evaluation.objects.count() == 1


def test_a_submitted_one_opens_its_read_view(client, call, reviewer, assignment):
    evaluation = submitted(call, reviewer)  # the open assignment was used and is now done
    assert evaluation.assignment == assignment
    client.force_login(reviewer)
    response = client.post(start_url(assignment))
    assert response["Location"] == evaluation.get_absolute_url()


def test_no_published_scorecard_is_explained(client, reviewer, call):
    make_published_version(call.call_type, status=ScorecardVersion.Status.DRAFT)
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(start_url(assignment))
    assert response.status_code == 302 and response["Location"] == reverse("queue:mine")
    assert "no published scorecard" in str(list(get_messages(response.wsgi_request))[0])
    assert not Evaluation.objects.exists()


# --- a call without an assignment --------------------------------------------------------------------------


def test_call_anonymous_is_sent_to_login(client, call, default_version):
    response = client.post(call_url(call))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_call_agent_and_lead_are_forbidden(client, agent, lead, call, default_version):
    client.force_login(agent)
    assert client.post(call_url(call)).status_code == 403
    client.force_login(lead)
    assert client.post(call_url(call)).status_code == 403


def test_call_wrong_method(client, reviewer, call, default_version):
    client.force_login(reviewer)
    assert client.get(call_url(call)).status_code == 405


def test_unknown_call_is_404(client, reviewer, default_version):
    client.force_login(reviewer)
    assert client.post(reverse("evaluations:start_call", args=[999_999])).status_code == 404


def test_call_start_and_resume(client, reviewer, call, default_version):
    client.force_login(reviewer)
    response = client.post(call_url(call))
    evaluation = Evaluation.objects.get()
    assert response["Location"] == reverse("evaluations:edit", args=[evaluation.pk])
    assert evaluation.assignment is None and evaluation.version == default_version
    assert client.post(call_url(call))["Location"] == response["Location"]
    assert Evaluation.objects.count() == 1


def test_own_call_is_refused_with_a_message(client, call_type, default_version):
    both = UserFactory(username="both", is_reviewer=True, is_agent=True)
    own = CallFactory(agent=both, call_type=call_type)
    client.force_login(both)
    response = client.post(call_url(own))
    assert response.status_code == 302 and response["Location"] == own.get_absolute_url()
    assert "own call" in str(list(get_messages(response.wsgi_request))[0])
    assert not Evaluation.objects.exists()
