"""GET /queue/: the reviewer's own queue, drafts and recent submissions; access; a pinned query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.models import Assignment
from tests.factories import CallFactory, draft, pin, submitted

pytestmark = pytest.mark.django_db

URL = reverse("queue:mine")


def queued_ids(response) -> list[int]:
    return [assignment.pk for assignment in response.context["page"].object_list]


# --- Access ---------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead"])
def test_agents_and_team_leads_are_forbidden(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method(client, reviewer, method):
    client.force_login(reviewer)
    assert getattr(client, method)(URL).status_code == 405


def test_a_manager_sees_only_their_own_queue(client, manager, reviewer, call, sampling_version):
    Assignment.objects.create(call=call, reviewer=reviewer)
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert queued_ids(response) == []


# --- Content --------------------------------------------------------------------------------------------


def test_a_reviewer_sees_their_open_assignments_soonest_due_first(
    client, reviewer, second_reviewer, agent, call_type, sampling_version
):
    now = timezone.now()
    later = Assignment.objects.create(
        call=CallFactory(agent=agent, call_type=call_type, external_id="LATER"),
        reviewer=reviewer,
        due_at=now + timedelta(days=5),
    )
    overdue = Assignment.objects.create(
        call=CallFactory(agent=agent, call_type=call_type, external_id="OVERDUE"),
        reviewer=reviewer,
        due_at=now - timedelta(days=1),
    )
    for status in (Assignment.Status.DONE, Assignment.Status.CANCELLED):
        Assignment.objects.create(
            call=CallFactory(agent=agent, call_type=call_type), reviewer=reviewer, status=status
        )
    Assignment.objects.create(
        call=CallFactory(agent=agent, call_type=call_type, external_id="NOT-MINE"), reviewer=second_reviewer
    )
    client.force_login(reviewer)

    response = client.get(URL)

    assert response.status_code == 200
    assert queued_ids(response) == [overdue.pk, later.pk]
    page = response.content.decode()
    assert "NOT-MINE" not in page
    assert 'class="text-danger fw-semibold"' in page  # the overdue one stands out
    start_url = reverse("evaluations:start", args=[overdue.pk])
    assert f'action="{start_url}"' in page
    assert "Score this call" in page


def test_started_assignments_show_as_drafts_and_submitted_ones_as_recent(
    client, reviewer, second_reviewer, agent, call_type, sampling_version
):
    started = Assignment.objects.create(
        call=CallFactory(agent=agent, call_type=call_type, external_id="STARTED"), reviewer=reviewer
    )
    started_draft = draft(started.call, reviewer, assignment=started)
    recent = pin(
        submitted(CallFactory(agent=agent, call_type=call_type, external_id="SUBMITTED"), reviewer, {}),
        score=92,
    )
    draft(CallFactory(agent=agent, call_type=call_type, external_id="SOMEONE-ELSES"), second_reviewer)
    client.force_login(reviewer)

    response = client.get(URL)

    assert queued_ids(response) == []
    assert list(response.context["drafts"]) == [started_draft]
    assert list(response.context["submitted"]) == [recent]
    page = response.content.decode()
    assert "SOMEONE-ELSES" not in page
    assert "92.0" in page
    assert reverse("evaluations:edit", args=[started_draft.pk]) in page
    assert reverse("evaluations:detail", args=[recent.pk]) in page


def test_an_empty_queue_says_so(client, reviewer):
    client.force_login(reviewer)
    response = client.get(URL)
    assert 'id="queue-empty"' in response.content.decode()


# --- Query count ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_queue_costs_the_same_number_of_queries_for_3_or_30_assignments(
    client, django_assert_num_queries, reviewer, agent, call_type, sampling_version, size
):
    for number in range(size):
        call = CallFactory(agent=agent, call_type=call_type)
        assignment = Assignment.objects.create(call=call, reviewer=reviewer)
        if number % 3 == 0:  # a draft of another call, scored outside the queue
            draft(CallFactory(agent=agent, call_type=call_type), reviewer)
        if number % 3 == 1:  # scored from the queue: the assignment is done
            submitted(call, reviewer, {}, assignment=assignment)
    client.force_login(reviewer)
    # Session, user, the navigation's unread-notification badge, count + page of the queue, drafts, submitted,
    # and the filters' call types and agents (only those of the queue).
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == size - size // 3
