"""POST /api/v1/surveys/batch/ and PUT /api/v1/surveys/<response id>/: survey answers with or without a call."""

from datetime import UTC, datetime, timedelta

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from calls.models import SurveyResponse
from tests.calls.ingest.helpers import token_client
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/surveys/batch/"
STARTED = datetime(2025, 1, 31, 9, 15, tzinfo=UTC)


@pytest.fixture
def api():
    client, _token, _secret = token_client()
    return client


@pytest.fixture
def call():
    return CallFactory(external_id="PBX-1", started_at=STARTED, case_id="HD-1")


def item(**values) -> dict:
    return {"external_id": "SRV-1", "nps": 9, "responded_at": "2025-02-01T12:00:00Z", **values}


def test_batch_saves_the_valid_answers_and_refuses_each_invalid_one(api, call):
    items = [
        item(external_id="SRV-1", segment="LV"),
        item(external_id="SRV-2", nps=11),  # the serializer refuses it
        item(external_id="SRV-3", call_external_id="NOPE"),  # the service refuses it
        item(external_id="SRV-4", call_external_id="PBX-1", responded_at=None),
        "not an object",
        item(external_id="SRV-1", nps=0),  # same response id as index 0
    ]
    response = api.post(BATCH, items, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"], body["invalid"]) == (2, 0, 0, 4)
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["created", "invalid", "invalid", "created", "invalid", "invalid"]
    assert [r["index"] for r in body["results"]] == list(range(6))
    assert list(body["results"][1]["errors"]) == ["nps"]
    assert "“NOPE”" in body["results"][2]["errors"]["call_external_id"][0]
    assert body["results"][5]["errors"] == {"external_id": ["Same response id as index 0."]}
    assert "errors" not in body["results"][0]

    stored = {s.external_id: s for s in SurveyResponse.objects.select_related("call")}
    assert set(stored) == {"SRV-1", "SRV-4"}
    assert (stored["SRV-1"].call, stored["SRV-1"].segment, stored["SRV-1"].nps) == (None, "LV", 9)
    assert stored["SRV-4"].call == call
    assert stored["SRV-4"].responded_at == STARTED  # no time: the call's, not today's


def test_batch_again_is_unchanged_then_updated(api, call):
    items = [item(external_id="SRV-1"), item(external_id="SRV-2", case_id="HD-1")]
    assert api.post(BATCH, items, format="json").json()["created"] == 2
    assert api.post(BATCH, items, format="json").json()["unchanged"] == 2
    items[0]["csat"] = 4
    body = api.post(BATCH, items, format="json").json()
    assert (body["updated"], body["unchanged"]) == (1, 1)
    assert SurveyResponse.objects.count() == 2
    assert SurveyResponse.objects.get(external_id="SRV-2").call == call


@pytest.mark.parametrize("body", [{}, [], "text", [item()] * 1001])
def test_a_body_that_is_not_a_list_of_1_to_1000_answers_is_refused_whole(api, body):
    response = api.post(BATCH, body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not SurveyResponse.objects.exists()


def test_no_token_or_a_revoked_one_is_401_and_writes_nothing(client):
    assert client.post(BATCH, [item()], content_type="application/json").status_code == 401
    api, token, _secret = token_client()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    assert api.post(BATCH, [item()], format="json").status_code == 401
    assert api.put("/api/v1/surveys/SRV-1/", item(), format="json").status_code == 401
    assert not SurveyResponse.objects.exists()


def test_put_creates_then_updates_by_response_id(api, call):
    url = "/api/v1/surveys/SRV-9/"
    created = api.put(url, {"csat": 5, "call_external_id": "PBX-1"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json() == {
        "external_id": "SRV-9",
        "call_external_id": "PBX-1",
        "case_id": "",
        "segment": "",
        "nps": None,
        "csat": 5,
        "comment": "",
        "responded_at": "2025-01-31T09:15:00Z",
        "responded_at_source": "call",
    }
    updated = api.put(url, {"csat": 2, "segment": "EE"}, format="json")
    assert updated.status_code == 200
    assert (updated.json()["csat"], updated.json()["call_external_id"]) == (2, "PBX-1")  # the link is kept
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"nps": 3}, "responded_at"),  # no call and no time
        ({"comment": "no score", "responded_at": "2025-02-01T12:00:00Z"}, "nps"),
        ({"nps": 2**63, "responded_at": "2025-02-01T12:00:00Z"}, "nps"),
        ({"nps": 3, "call_external_id": "NOPE"}, "call_external_id"),
        ({"nps": 3, "responded_at": "1999-12-31T23:00:00Z"}, "responded_at"),
        ({"nps": 3, "responded_at": "9999-01-01T00:00:00Z"}, "responded_at"),
        ({"nps": 3, "responded_at": "0001-01-01T00:00:00Z"}, "responded_at"),
    ],
)
def test_put_refusals_name_the_field_and_write_nothing(api, payload, field):
    response = api.put("/api/v1/surveys/SRV-9/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not SurveyResponse.objects.exists()


def test_the_call_survey_endpoint_takes_the_calls_start_without_a_time(api, call):
    response = api.post("/api/v1/calls/PBX-1/survey/", {"nps": 7}, format="json")
    assert response.status_code == 201
    survey = SurveyResponse.objects.get(call=call)
    assert (survey.responded_at, survey.responded_at_source) == (STARTED, "call")


def test_the_schema_describes_the_survey_endpoints(client):
    schema = yaml.safe_load(client.get(reverse("api-schema")).content)
    batch = schema["paths"]["/api/v1/surveys/batch/"]["post"]
    assert batch["operationId"] == "record_surveys_batch"
    assert "Partial accept" in batch["description"]
    assert set(schema["paths"]["/api/v1/surveys/{external_id}/"]) == {"put"}


def test_a_time_more_than_a_day_ahead_is_refused_in_a_batch_and_the_rest_saved(api):
    ahead = (timezone.now() + timedelta(days=2)).isoformat()
    response = api.post(BATCH, [item(responded_at=ahead), item(external_id="SRV-2")], format="json")
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["status"] == "invalid"
    assert "out of range" in first["errors"]["responded_at"][0]
    assert second["status"] == "created"
    assert list(SurveyResponse.objects.values_list("external_id", flat=True)) == ["SRV-2"]


def test_the_call_survey_endpoint_refuses_a_time_before_2000(api, call):
    response = api.post(
        "/api/v1/calls/PBX-1/survey/", {"nps": 7, "responded_at": "1990-05-01T10:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert "responded_at" in response.json()
    assert not SurveyResponse.objects.exists()
