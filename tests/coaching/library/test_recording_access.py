"""The library's one exception to "agents hear only their own calls": every role hears the recording of an
approved entry (with byte ranges, so clips can seek), and never the credited agent's other calls."""

import pytest
from django.urls import reverse

from coaching.library import services
from tests.coaching.library.helpers import library_entry

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("who", ["other_agent", "other_lead", "agent", "reviewer", "manager"])
def test_every_role_hears_an_approved_library_call(client, request, entry, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("library:recording", args=[entry.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert _body(response)[:4] == b"RIFF"


def test_another_agent_hears_the_library_call_but_not_that_agents_other_calls(
    client, other_agent, entry, agents_other_call
):
    client.force_login(other_agent)
    assert client.get(reverse("library:recording", args=[entry.pk])).status_code == 200
    # The same call through the calls app stays the agent's own, and so do the agent's other calls.
    assert client.get(reverse("calls:recording", args=[entry.call_id])).status_code == 404
    assert client.get(reverse("calls:recording", args=[agents_other_call.pk])).status_code == 404
    assert client.get(reverse("calls:detail", args=[entry.call_id])).status_code == 404


def test_byte_ranges_work_so_that_clips_can_seek(client, other_agent, entry):
    client.force_login(other_agent)
    response = client.get(reverse("library:recording", args=[entry.pk]), HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"].startswith("bytes 100-199/")
    assert len(_body(response)) == 100


def test_a_nomination_waiting_is_not_heard_by_another_agent(client, other_agent, agents_other_call, reviewer):
    pending = library_entry(agents_other_call, by=reviewer)
    client.force_login(other_agent)
    assert client.get(reverse("library:recording", args=[pending.pk])).status_code == 404
    assert client.get(reverse("library:detail", args=[pending.pk])).status_code == 404


def test_a_declined_nomination_is_not_heard_by_another_agent(
    client, other_agent, agents_other_call, reviewer, manager
):
    declined = library_entry(agents_other_call, by=reviewer)
    services.decline(entry=declined, by=manager, reason="Background noise.")
    client.force_login(other_agent)
    assert client.get(reverse("library:recording", args=[declined.pk])).status_code == 404


def test_the_nominating_agent_hears_their_own_pending_proposal(client, agent, agents_other_call):
    pending = library_entry(agents_other_call, by=agent)
    client.force_login(agent)
    assert client.get(reverse("library:recording", args=[pending.pk])).status_code == 200


def test_anonymous_people_are_sent_to_log_in(client, entry):
    response = client.get(reverse("library:recording", args=[entry.pk]))
    assert response.status_code == 302
