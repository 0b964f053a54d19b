"""Bad input never takes the API down (issue 7, item 10): a clear JSON 400 naming the field, per item in a
batch, and the batch's partial accept holds."""

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.exceptions import ParseError

from calls.ingest.parsers import MAX_JSON_DEPTH, IngestJSONParser, json_depth_exceeds
from calls.models import Call, Escalation, SurveyResponse
from tests.calls.ingest.helpers import call_payload
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/"
BATCH_URL = "/api/v1/calls/batch/"
TOO_FAR = [
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+05:00",
    "1999-12-31T23:59:59Z",
]


# --- Dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Riga", "America/New_York"])
@pytest.mark.parametrize("value", TOO_FAR)
def test_a_start_out_of_range_is_refused(api, settings, time_zone, value):
    settings.TIME_ZONE = time_zone
    response = api.post(URL, call_payload(started_at=value), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["started_at"]
    assert "out of range" in response.json()["started_at"][0]
    assert not Call.objects.exists()


def test_a_start_more_than_a_day_ahead_is_refused_and_less_is_taken(api):
    later = timezone.now() + timedelta(hours=20)
    too_late = timezone.now() + timedelta(days=1, hours=1)
    assert api.post(URL, call_payload(started_at=later.isoformat()), format="json").status_code == 201
    response = api.post(
        URL, call_payload(external_id="PBX-2", started_at=too_late.isoformat()), format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["started_at"]


@pytest.mark.parametrize("value", TOO_FAR[:2])
def test_a_resolution_time_out_of_range_is_refused(api, value):
    response = api.post(URL, call_payload(resolved_at=value), format="json")
    assert response.status_code == 400 and list(response.json()) == ["resolved_at"]


@pytest.mark.parametrize("value", TOO_FAR[:2])
def test_survey_and_escalation_times_out_of_range_are_refused(api, agent, value):
    CallFactory(external_id="PBX-1", agent=agent)
    response = api.post(f"{URL}PBX-1/survey/", {"nps": 9, "responded_at": value}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["responded_at"]
    escalation = {"type": "functional", "reason": "Billing", "to_level": "Billing", "escalated_at": value}
    response = api.post(f"{URL}PBX-1/escalations/", escalation, format="json")
    assert response.status_code == 400 and list(response.json()) == ["escalated_at"]
    escalation.update(escalated_at="2025-01-31T10:00:00Z", followup_due_at=value)
    response = api.post(f"{URL}PBX-1/escalations/", escalation, format="json")
    assert response.status_code == 400 and list(response.json()) == ["followup_due_at"]
    assert not SurveyResponse.objects.exists() and not Escalation.objects.exists()


def test_a_batch_refuses_the_out_of_range_item_and_saves_the_others(api):
    items = [
        call_payload(external_id="B-1"),
        call_payload(external_id="B-2", started_at="9999-12-31T23:59:59Z"),
    ]
    response = api.post(BATCH_URL, items, format="json")
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["created", "invalid"]
    assert list(response.json()["results"][1]["errors"]) == ["started_at"]
    assert list(Call.objects.values_list("external_id", flat=True)) == ["B-1"]


def test_the_call_list_still_answers_in_a_time_zone_east_of_utc(api, client, manager, settings):
    """What made it answer 500 for everyone: a call in year 9999 shown in Europe/Riga."""
    api.post(URL, call_payload(started_at="9999-12-31T23:59:59Z"), format="json")
    api.post(URL, call_payload(external_id="PBX-2"), format="json")
    settings.TIME_ZONE = "Europe/Riga"
    client.force_login(manager)
    assert client.get("/calls/").status_code == 200


# --- Integers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [2**63, 2**31, 10**300, "9" * 30, "9" * 5000])
def test_a_duration_beyond_the_database_range_is_refused(api, value):
    response = api.post(URL, call_payload(talk_seconds=value), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["talk_seconds"]
    assert not Call.objects.exists()


def test_the_largest_duration_the_database_holds_is_taken(api):
    assert api.post(URL, call_payload(talk_seconds=2**31 - 1), format="json").status_code == 201


def test_a_batch_with_a_huge_integer_saves_its_valid_items(api):
    items = [
        call_payload(external_id="B-1"),
        call_payload(external_id="B-2", queue_wait_seconds=2**63),
        call_payload(external_id="B-3", hold_seconds=-(2**63)),
        call_payload(external_id="B-4"),
    ]
    response = api.post(BATCH_URL, items, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["created", "invalid", "invalid", "created"]
    assert list(body["results"][1]["errors"]) == ["queue_wait_seconds"]
    assert list(body["results"][2]["errors"]) == ["hold_seconds"]
    assert sorted(Call.objects.values_list("external_id", flat=True)) == ["B-1", "B-4"]


# --- JSON bodies -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, BATCH_URL, "/api/v1/cases/HD-1/resolve/"])
@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
def test_a_deeply_nested_body_is_a_json_400(api, url, depth):
    body = "[" * depth + "]" * depth
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested" in response.json()["detail"]


def test_nesting_inside_a_field_is_a_json_400_too(api):
    body = json.dumps(call_payload())[:-1] + ', "queue": ' + '{"a": ' * 3000 + "1" + "}" * 3000 + "}"
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert not Call.objects.exists()


def test_an_oversized_body_is_a_json_400(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps(call_payload(transcript="x" * 20_000))
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "larger than" in response.json()["detail"]
    assert not Call.objects.exists()


@pytest.mark.parametrize("body", ["{", "[1,", b"\xff\xfe", "NaN", '{"external_id": NaN}', "1" * 5000])
def test_malformed_json_is_a_json_400(api, body):
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_parser_reads_no_more_than_the_limit_allows(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    stream = io.BytesIO(b"[" + b"1," * 10_000 + b"1]")
    with pytest.raises(ParseError, match="larger than 100 bytes"):
        IngestJSONParser().parse(stream)
    assert stream.tell() == 101
    assert IngestJSONParser().parse(io.BytesIO(b'{"a": [1]}')) == {"a": [1]}


def test_the_depth_check():
    assert not json_depth_exceeds([{"a": 1}], 2)
    assert json_depth_exceeds([{"a": [1]}], 2)
    assert not json_depth_exceeds("scalar", 0)
