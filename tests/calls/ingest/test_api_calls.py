"""POST /api/v1/calls/ (create or update one call) and GET /api/v1/calls/{external_id}/ (read back)."""

from datetime import UTC, datetime

import pytest
from django.db.models import QuerySet
from django.urls import reverse

from calls import services
from calls.models import Call
from tests.calls.ingest.helpers import call_payload
from tests.factories import (
    AgentFactory,
    CallFactory,
    CallTypeFactory,
    EscalationFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/"


def test_url_is_versioned():
    assert reverse("api:call-upsert") == URL


def test_create_stores_every_field(api, agent, team, call_type):
    response = api.post(URL, call_payload(), format="json")
    assert response.status_code == 201, response.json()
    call = Call.objects.get(external_id="PBX-1")
    assert call.agent == agent
    assert call.team == team  # the agent's team by default
    assert call.call_type == call_type
    assert call.started_at == datetime(2025, 1, 31, 9, 15, tzinfo=UTC)
    assert (call.ivr_wait_seconds, call.queue_wait_seconds, call.talk_seconds) == (12, 30, 312)
    assert (call.hold_seconds, call.wrap_up_seconds) == (0, 45)
    assert call.answered is True and call.resolved is False and call.resolved_at is None
    assert (call.queue, call.case_id, call.customer_id) == ("Billing", "HD-1", "CUST-1")
    assert call.topic == "Router setup"
    assert call.transcript == "Hello, how can I help?"
    body = response.json()
    assert body["external_id"] == "PBX-1"
    assert body["agent"] == "A9001"
    assert body["team"] == "Blue"
    assert body["call_type"] == "inbound-support"


def test_same_payload_twice_is_one_call(api):
    first = api.post(URL, call_payload(), format="json")
    second = api.post(URL, call_payload(), format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert Call.objects.filter(external_id="PBX-1").count() == 1
    assert first.json()["created_at"] == second.json()["created_at"]


def test_update_changes_sent_fields_and_keeps_the_others(api):
    api.post(URL, call_payload(), format="json")
    response = api.post(
        URL,
        {
            "external_id": "PBX-1",
            "started_at": "2025-01-31T09:15:00Z",
            "talk_seconds": None,
            "answered": False,
        },
        format="json",
    )
    assert response.status_code == 200
    call = Call.objects.get(external_id="PBX-1")
    assert call.talk_seconds is None  # null = unknown, not 0
    assert call.answered is False
    assert call.queue == "Billing"  # not sent: kept
    assert call.wrap_up_seconds == 45


def test_minimal_call_has_unknowns_not_zeros(api):
    response = api.post(
        URL, {"external_id": "PBX-9", "started_at": "2025-02-01T10:00:00+02:00"}, format="json"
    )
    assert response.status_code == 201
    call = Call.objects.get(external_id="PBX-9")
    assert call.started_at == datetime(2025, 2, 1, 8, 0, tzinfo=UTC)
    assert call.agent is None and call.team is None and call.call_type is None
    assert call.talk_seconds is None and call.answered is None


def test_agent_by_username_and_explicit_team(api, other_team):
    AgentFactory(username="maria", agent_code="")
    response = api.post(URL, call_payload(agent="maria", team="Green"), format="json")
    assert response.status_code == 201, response.json()
    call = Call.objects.get(external_id="PBX-1")
    assert call.agent.username == "maria"
    assert call.team == other_team
    assert response.json()["agent"] == "maria"


def test_agent_code_wins_over_a_username_of_the_same_text(api, agent):
    AgentFactory(username="A9001", agent_code="Z1")
    api.post(URL, call_payload(agent="A9001"), format="json")
    assert Call.objects.get(external_id="PBX-1").agent == agent


def test_changing_the_agent_moves_the_call_to_the_new_agents_team(api, other_agent, other_team):
    api.post(URL, call_payload(), format="json")
    api.post(URL, call_payload(agent=other_agent.username), format="json")
    call = Call.objects.get(external_id="PBX-1")
    assert (call.agent, call.team) == (other_agent, other_team)


def test_resolved_at_marks_resolved(api):
    api.post(URL, call_payload(resolved=None, resolved_at="2025-01-31T10:00:00Z"), format="json")
    call = Call.objects.get(external_id="PBX-1")
    assert call.resolved is True
    assert call.resolved_at == datetime(2025, 1, 31, 10, 0, tzinfo=UTC)
    api.post(
        URL, {"external_id": "PBX-1", "started_at": "2025-01-31T09:15:00Z", "resolved": False}, format="json"
    )
    call.refresh_from_db()
    assert (call.resolved, call.resolved_at) == (False, None)


def test_null_text_fields_are_stored_blank(api):
    response = api.post(URL, call_payload(case_id=None, queue=None, transcript=None), format="json")
    assert response.status_code == 201
    call = Call.objects.get(external_id="PBX-1")
    assert (call.case_id, call.queue, call.transcript) == ("", "", "")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"external_id": None}, "external_id"),
        ({"external_id": ""}, "external_id"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"direction": "sideways"}, "direction"),
        ({"channel": "pigeon"}, "channel"),
        ({"talk_seconds": -1}, "talk_seconds"),
        ({"queue_wait_seconds": "soon"}, "queue_wait_seconds"),
        ({"answered": "maybe"}, "answered"),
        ({"agent": "nobody"}, "agent"),
        ({"call_type": "no-such-type"}, "call_type"),
        ({"team": "Purple"}, "team"),
        ({"recording_url": "not a url"}, "recording_url"),
        ({"resolved": False, "resolved_at": "2025-01-31T10:00:00Z"}, "resolved_at"),
    ],
)
def test_validation_errors_name_the_field(api, overrides, field):
    response = api.post(URL, call_payload(**overrides), format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    assert list(errors) == [field]
    assert isinstance(errors[field], list) and errors[field]
    assert not Call.objects.exists()


def test_missing_required_fields(api):
    response = api.post(URL, {"agent": "A9001"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"external_id", "started_at"}


def test_unknown_agent_message_names_the_value(api):
    response = api.post(URL, call_payload(agent="ghost-7"), format="json")
    assert "ghost-7" in response.json()["agent"][0]


def test_malformed_json_is_a_400(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_get_not_allowed_on_the_collection(api):
    assert api.get(URL).status_code == 405


def test_upsert_query_counts_are_pinned(api, django_assert_num_queries):
    # token lookup + last-used update, agents' keys, the agent (with team), call type, savepoint, select,
    # insert, release
    with django_assert_num_queries(9):
        assert api.post(URL, call_payload(), format="json").status_code == 201
    # the same, with an update instead of the insert
    with django_assert_num_queries(9):
        assert api.post(URL, call_payload(talk_seconds=300), format="json").status_code == 200
    # a replay changes nothing, so nothing is written
    with django_assert_num_queries(8):
        assert api.post(URL, call_payload(talk_seconds=300), format="json").status_code == 200


def test_read_back(api, agent):
    call = CallFactory(external_id="PBX-7", agent=agent, call_type=CallTypeFactory(slug="billing"))
    SurveyResponseFactory(call=call, nps=3, csat=2, comment="Slow")
    EscalationFactory(call=call, external_id="ESC-1", to_level="Billing team")
    response = api.get(f"{URL}PBX-7/")
    assert response.status_code == 200
    body = response.json()
    assert body["external_id"] == "PBX-7"
    assert body["call_type"] == "billing"
    assert body["agent"] == "A9001"
    assert body["talk_seconds"] == call.talk_seconds
    assert body["survey"] == {
        "nps": 3,
        "csat": 2,
        "comment": "Slow",
        "responded_at": body["survey"]["responded_at"],
    }
    assert [e["external_id"] for e in body["escalations"]] == ["ESC-1"]
    assert body["escalations"][0]["to_level"] == "Billing team"
    assert body["has_recording_file"] is False


def test_read_back_without_survey(api):
    CallFactory(external_id="PBX-8", agent=None, team=None, call_type=None)
    body = api.get(f"{URL}PBX-8/").json()
    assert body["survey"] is None and body["escalations"] == []
    assert body["agent"] is None and body["team"] is None and body["call_type"] is None


def test_read_back_query_count(api, agent, django_assert_num_queries):
    call = CallFactory(external_id="PBX-7", agent=agent)
    EscalationFactory.create_batch(3, call=call)
    # token lookup + last-used update, the call with its relations, its escalations
    with django_assert_num_queries(4):
        assert api.get(f"{URL}PBX-7/").status_code == 200


def test_read_back_unknown_call_is_404(api):
    response = api.get(f"{URL}NOPE/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_service_team_rules(agent, team):
    call, created = services.upsert_call(
        data={"external_id": "SVC-1", "started_at": datetime(2025, 1, 1, tzinfo=UTC), "agent": agent}
    )
    assert created and call.team == team
    call, created = services.upsert_call(data={"external_id": "SVC-1", "agent": None})
    assert not created and call.agent is None and call.team is None
    with pytest.raises(ValueError, match="started_at"):
        services.upsert_call(data={"external_id": "SVC-2"})


def test_upsert_retries_when_a_concurrent_request_created_the_call(agent, monkeypatch):
    existing = CallFactory(external_id="RACE-1", agent=agent, talk_seconds=10)
    original_first = QuerySet.first
    looks = []

    def first_misses_once(self):
        looks.append(1)
        return None if len(looks) == 1 else original_first(self)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    call, created = services.upsert_call(
        data={"external_id": "RACE-1", "started_at": existing.started_at, "talk_seconds": 99}
    )
    assert (call.pk, created) == (existing.pk, False)
    assert Call.objects.filter(external_id="RACE-1").count() == 1
    existing.refresh_from_db()
    assert existing.talk_seconds == 99


def test_only_json_is_accepted(api):
    response = api.post(
        URL, {"external_id": "PBX-1", "started_at": "2025-01-31T09:15:00Z"}, format="multipart"
    )
    assert response.status_code == 415
    assert not Call.objects.exists()


def test_api_refuses_an_external_id_with_a_slash(api):
    response = api.post("/api/v1/calls/", call_payload(external_id="2024/01/55"), format="json")
    assert response.status_code == 400
    assert "external_id" in response.json()
    assert not Call.objects.exists()
