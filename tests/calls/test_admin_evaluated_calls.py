"""The admin of a call with a submitted evaluation: only a QA manager changes its agent, start or transcript,
and the change is recorded with the values before and after. Only agents can be a call's agent."""

from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from calls.models import Call
from tests.factories import AgentFactory, CallFactory, UserFactory, evaluation_of, make_published_version

pytestmark = pytest.mark.django_db

STARTED = datetime(2025, 1, 31, 9, 15, tzinfo=UTC)


def staff(username: str, **roles):
    user = UserFactory(username=username, is_staff=True, **roles)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_call", "view_call"]))
    return user


@pytest.fixture
def evaluated(agent, call_type):
    call = CallFactory(
        agent=agent, call_type=call_type, started_at=STARTED, transcript="Hello", queue="Billing"
    )
    evaluation_of(agent, version=make_published_version(call_type), call=call)
    return call


def form_data(call: Call, **changes) -> dict:
    data = {
        "external_id": call.external_id,
        "agent": call.agent_id or "",
        "team": call.team_id or "",
        "call_type": call.call_type_id or "",
        "direction": call.direction,
        "queue": call.queue,
        "channel": call.channel,
        "started_at_0": "2025-01-31",
        "started_at_1": "09:15:00",
        "answered": "true" if call.answered else "unknown",
        "resolved": "unknown",
        "case_id": call.case_id,
        "customer_id": call.customer_id,
        "transcript": call.transcript,
        "survey-TOTAL_FORMS": "0",
        "survey-INITIAL_FORMS": "0",
        "escalations-TOTAL_FORMS": "0",
        "escalations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def url(call) -> str:
    return reverse("admin:calls_call_change", args=[call.pk])


def test_a_qa_manager_changes_the_agent_and_it_is_recorded(client, evaluated, agent):
    manager = staff("qa-boss", is_qa_manager=True)
    other = AgentFactory(username="bob")
    client.force_login(manager)
    response = client.post(url(evaluated), form_data(evaluated, agent=other.pk, transcript="Hello there"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    evaluated.refresh_from_db()
    assert (evaluated.agent, evaluated.transcript) == (other, "Hello there")
    entry = LogEntry.objects.get(object_id=str(evaluated.pk))
    message = entry.get_change_message()
    assert "submitted evaluation" in message
    assert f"“{agent}” → “{other}”" in message
    assert "“Hello” → “Hello there”" in message


def test_other_staff_cannot_change_what_the_evaluation_is_about(client, evaluated, agent):
    clerk = staff("clerk", is_reviewer=True)  # reads every call (the admin shows what the site shows)
    other = AgentFactory(username="bob")
    client.force_login(clerk)
    page = client.get(url(evaluated)).content.decode()
    assert 'name="agent"' not in page and 'name="transcript"' not in page
    response = client.post(
        url(evaluated), form_data(evaluated, agent=other.pk, transcript="Changed", queue="Sales")
    )
    assert response.status_code == 302
    evaluated.refresh_from_db()
    assert (evaluated.agent, evaluated.transcript, evaluated.queue) == (agent, "Hello", "Sales")


def test_other_staff_still_change_a_call_without_an_evaluation(client, agent):
    call = CallFactory(agent=agent, started_at=STARTED)
    other = AgentFactory(username="bob")
    client.force_login(staff("clerk", is_reviewer=True))
    assert client.post(url(call), form_data(call, agent=other.pk)).status_code == 302
    call.refresh_from_db()
    assert call.agent == other


def test_a_qa_manager_cannot_be_a_calls_agent_in_the_admin(client, agent):
    call = CallFactory(agent=agent, started_at=STARTED)
    manager = staff("qa-boss", is_qa_manager=True)
    client.force_login(manager)
    response = client.post(url(call), form_data(call, agent=manager.pk))
    assert response.status_code == 200
    assert "agent" in response.context["adminform"].form.errors
    call.refresh_from_db()
    assert call.agent == agent
