"""POST /queue/sampling/assign/: a manager puts a call in a reviewer's queue by hand."""

import html

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from scorecards.models import Assignment
from tests.factories import (
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    UserFactory,
    make_published_version,
    submitted,
)

pytestmark = pytest.mark.django_db

URL = reverse("queue:assign")


def test_anonymous_is_sent_to_login(client, call, reviewer):
    response = client.post(URL, {"call": call.external_id, "reviewer": reviewer.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead", "reviewer"])
def test_everyone_but_qa_managers_is_forbidden(client, request, role, call, reviewer, sampling_version):
    client.force_login(request.getfixturevalue(role))
    assert client.post(URL, {"call": call.external_id, "reviewer": reviewer.pk}).status_code == 403
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_method(client, manager, method):
    client.force_login(manager)
    assert getattr(client, method)(URL).status_code == 405


def test_reloading_the_address_after_a_refusal_goes_back_to_the_sampling_page(client, manager):
    """A refused POST shows the sampling page at this address; a GET of it (a reload, a language switch)
    returns to the sampling page instead of answering 405."""
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("queue:manage")


def test_assign_by_external_id(client, manager, reviewer, call, sampling_version):
    client.force_login(manager)
    response = client.post(URL, {"call": call.external_id, "reviewer": reviewer.pk, "due": "2030-01-15"})
    assert response.status_code == 302
    assert response["Location"] == reverse("queue:manage")
    assignment = Assignment.objects.get()
    assert (assignment.call, assignment.reviewer, assignment.assigned_by) == (call, reviewer, manager)
    assert assignment.sampling_run is None
    assert assignment.due_at.date().isoformat() == "2030-01-15"


def test_assign_by_number_and_an_external_id_wins_over_a_number(
    client, manager, reviewer, agent, call_type, sampling_version
):
    by_number = CallFactory(agent=agent, call_type=call_type)
    looks_like_a_number = CallFactory(agent=agent, call_type=call_type, external_id=str(by_number.pk + 1000))
    client.force_login(manager)
    client.post(URL, {"call": f" {by_number.pk} ", "reviewer": reviewer.pk})
    client.post(URL, {"call": str(by_number.pk + 1000), "reviewer": reviewer.pk})
    assert set(Assignment.objects.values_list("call_id", flat=True)) == {by_number.pk, looks_like_a_number.pk}


def refused(client, data) -> str:
    response = client.post(URL, data)
    assert response.status_code == 400
    assert not Assignment.objects.filter(assigned_by__isnull=False).exists()
    return response.content.decode()


def test_an_unknown_call_is_refused(client, manager, reviewer, sampling_version):
    client.force_login(manager)
    assert "No call with this id." in refused(client, {"call": "NOPE", "reviewer": reviewer.pk})


def test_a_reviewer_may_not_be_given_their_own_call(client, manager, team, call_type, sampling_version):
    both = AgentFactory(username="both", team=team, is_reviewer=True)
    own = CallFactory(agent=both, call_type=call_type)
    client.force_login(manager)
    assert "may not score their own call" in refused(client, {"call": own.external_id, "reviewer": both.pk})


def test_someone_without_the_reviewer_role_is_not_offered(client, manager, call, sampling_version):
    client.force_login(manager)
    page = refused(client, {"call": call.external_id, "reviewer": manager.pk})
    assert "Select a valid choice" in page


def test_a_call_already_in_a_queue_is_refused(client, manager, reviewer, call, sampling_version):
    other = UserFactory(username="reviewer2", is_reviewer=True)
    Assignment.objects.create(call=call, reviewer=other)
    client.force_login(manager)
    response = client.post(URL, {"call": call.external_id, "reviewer": reviewer.pk})
    assert response.status_code == 400
    assert f"This call is already in {other}'s queue." in html.unescape(response.content.decode())
    assert Assignment.objects.get().reviewer == other


def test_an_evaluated_call_says_by_whom_and_when(client, manager, reviewer, agent):
    scorer = UserFactory(username="scorer", first_name="Sam", last_name="Scorer", is_reviewer=True)
    sales = make_published_version(CallTypeFactory(name="Sales", slug="sales"))
    call = CallFactory(agent=agent, call_type=sales.scorecard.call_type)
    evaluation = submitted(call, scorer)
    client.force_login(manager)
    response = client.post(URL, {"call": call.external_id, "reviewer": reviewer.pk})
    assert response.status_code == 400
    day = date_format(evaluation.submitted_at, "SHORT_DATE_FORMAT")
    assert f"This call has already been evaluated by Sam Scorer on {day}." in html.unescape(
        response.content.decode()
    )
    assert not Assignment.objects.filter(reviewer=reviewer).exists()


def test_a_call_type_without_a_published_scorecard_is_refused(client, manager, reviewer, agent):
    unpublished = CallFactory(agent=agent, call_type=CallTypeFactory(name="Retention", slug="retention"))
    client.force_login(manager)
    assert "no published scorecard" in refused(
        client, {"call": unpublished.external_id, "reviewer": reviewer.pk}
    )
