"""A call's topic (what it was about): taken by the ingest API and the import, shown on the call page, and
filtered on in the call list, exactly as recorded and within the user's calls."""

import pytest
from django.urls import reverse

from calls.imports.mapping import suggest_columns
from calls.models import Call
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv, run_import
from tests.calls.ingest.helpers import call_payload, token_client
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_the_api_stores_and_reads_back_the_topic(agent, call_type):
    agent.agent_code = "A9001"
    agent.save(update_fields=["agent_code"])
    client, _token, _secret = token_client()
    response = client.post(reverse("api:call-upsert"), call_payload(topic="Billing dispute"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["topic"] == "Billing dispute"
    assert Call.objects.get(external_id="PBX-1").topic == "Billing dispute"
    too_long = client.post(reverse("api:call-upsert"), call_payload(topic="x" * 101), format="json")
    assert too_long.status_code == 400
    assert list(too_long.json()) == ["topic"]


def test_the_import_maps_a_topic_column_and_stores_it(agent, call_type):
    agent.agent_code = "A100"
    agent.save(update_fields=["agent_code"])
    header = [*BASIC_HEADER, "Reason for call"]
    assert suggest_columns(headers=header)["topic"] == "Reason for call"
    data = make_csv(header, [[*basic_row(), "Router setup"], [*basic_row(external_id="C2"), ""]])
    result = run_import(data, columns=BASIC_COLUMNS | {"topic": "Reason for call"})
    assert result.created == 2, result
    assert dict(Call.objects.values_list("external_id", "topic")) == {"C1": "Router setup", "C2": ""}


def test_the_call_list_filters_by_topic_within_the_users_calls(client, agent, other_agent, manager):
    mine = CallFactory(agent=agent, topic="Billing dispute")
    CallFactory(agent=agent, topic="Billing disputes")  # another topic: exactly as recorded
    theirs = CallFactory(agent=other_agent, topic="Billing dispute")
    client.force_login(manager)
    response = client.get(reverse("calls:list"), {"topic": "Billing dispute"})
    assert {call.pk for call in response.context["page"].object_list} == {mine.pk, theirs.pk}
    client.force_login(agent)
    response = client.get(reverse("calls:list"), {"topic": "Billing dispute"})
    assert [call.pk for call in response.context["page"].object_list] == [mine.pk]
    response = client.get(reverse("calls:list"), {"topic": "x" * 101})
    assert response.context["form"].errors["topic"]


def test_the_call_page_links_the_topic_to_its_calls(client, agent):
    call = CallFactory(agent=agent, topic="Router setup")
    client.force_login(agent)
    response = client.get(call.get_absolute_url())
    assert b'id="topic-link"' in response.content
    assert b"?topic=Router%20setup" in response.content
