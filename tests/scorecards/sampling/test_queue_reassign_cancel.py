"""/queue/assignments/<pk>/reassign/ and /cancel/: a manager moves an open assignment or takes it back."""

import pytest
from django.urls import reverse

from scorecards.models import Assignment
from tests.factories import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(call, reviewer, sampling_version):
    return Assignment.objects.create(call=call, reviewer=reviewer)


def url(name: str, assignment) -> str:
    return reverse(f"queue:{name}", args=[assignment.pk])


# --- Access ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reassign", "cancel"])
def test_anonymous_is_sent_to_login(client, assignment, name):
    response = client.get(url(name, assignment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["reassign", "cancel"])
@pytest.mark.parametrize("role", ["agent", "other_agent", "lead", "reviewer"])
def test_everyone_but_qa_managers_is_forbidden(
    client, request, reviewer, assignment, second_reviewer, name, role
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(name, assignment)).status_code == 403
    assert client.post(url(name, assignment), {"reviewer": second_reviewer.pk}).status_code == 403
    assignment.refresh_from_db()
    assert (assignment.reviewer, assignment.status) == (reviewer, Assignment.Status.OPEN)


@pytest.mark.parametrize("name", ["reassign", "cancel"])
def test_wrong_method(client, manager, assignment, name):
    client.force_login(manager)
    assert client.put(url(name, assignment)).status_code == 405
    assert client.delete(url(name, assignment)).status_code == 405


@pytest.mark.parametrize("name", ["reassign", "cancel"])
def test_an_unknown_assignment_is_404(client, manager, name):
    client.force_login(manager)
    assert client.get(reverse(f"queue:{name}", args=[999999])).status_code == 404


# --- Reassign -------------------------------------------------------------------------------------------


def test_the_reassign_form_offers_other_reviewers_but_not_the_agent(
    client, manager, assignment, second_reviewer
):
    agent = assignment.call.agent
    agent.is_reviewer = True
    agent.save(update_fields=["is_reviewer"])
    client.force_login(manager)
    response = client.get(url("reassign", assignment))
    assert response.status_code == 200
    assert list(response.context["form"].fields["reviewer"].queryset) == [second_reviewer]


def test_a_manager_reassigns_an_open_assignment(client, manager, assignment, second_reviewer):
    client.force_login(manager)
    response = client.post(url("reassign", assignment), {"reviewer": second_reviewer.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("queue:manage")
    assignment.refresh_from_db()
    assert (assignment.reviewer, assignment.assigned_by, assignment.status) == (
        second_reviewer,
        manager,
        Assignment.Status.OPEN,
    )


def test_a_started_assignment_is_not_reassigned(
    client, manager, reviewer, assignment, second_reviewer, sampling_version
):
    draft(assignment.call, reviewer, assignment=assignment)
    client.force_login(manager)
    response = client.post(url("reassign", assignment), {"reviewer": second_reviewer.pk})
    assert response.status_code == 200
    assert "already started scoring" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.reviewer == reviewer


# --- Cancel ---------------------------------------------------------------------------------------------


def test_the_cancel_page_asks_first(client, manager, assignment):
    client.force_login(manager)
    response = client.get(url("cancel", assignment))
    assert response.status_code == 200
    assert "will not draw this call again" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OPEN


def test_a_manager_cancels_an_open_assignment(client, manager, assignment):
    client.force_login(manager)
    response = client.post(url("cancel", assignment))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED


def test_a_done_assignment_is_not_cancelled(client, manager, assignment):
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.DONE)
    client.force_login(manager)
    response = client.post(url("cancel", assignment))
    assert response.status_code == 200
    assert "no longer open" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DONE
