"""POST /api/v1/calls/batch/: up to 1,000 calls, partial accept with a result per call."""

import pytest
from django.db.models import QuerySet

from calls import services
from calls.models import Call
from tests.calls.ingest.helpers import call_payload
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/batch/"


def test_batch_with_a_bad_item_saves_the_good_ones(api, agent):
    items = [
        call_payload(external_id="B-1"),
        call_payload(external_id="B-2", talk_seconds=-5, agent="ghost"),
        call_payload(external_id="B-3", direction="outbound"),
    ]
    response = api.post(URL, items, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["invalid"]) == (2, 0, 1)
    assert [r["status"] for r in body["results"]] == ["created", "invalid", "created"]
    bad = body["results"][1]
    assert bad["index"] == 1 and bad["external_id"] == "B-2"
    assert set(bad["errors"]) == {"talk_seconds", "agent"}
    assert "errors" not in body["results"][0]
    assert set(Call.objects.values_list("external_id", flat=True)) == {"B-1", "B-3"}
    assert Call.objects.get(external_id="B-3").direction == "outbound"
    assert Call.objects.get(external_id="B-1").agent == agent


def test_batch_is_idempotent_and_updates(api):
    items = [call_payload(external_id=f"B-{i}") for i in range(3)]
    assert api.post(URL, items, format="json").json()["created"] == 3
    items[0]["talk_seconds"] = 999
    body = api.post(URL, items, format="json").json()
    assert (body["created"], body["updated"], body["invalid"]) == (0, 3, 0)
    assert Call.objects.count() == 3
    assert Call.objects.get(external_id="B-0").talk_seconds == 999


def test_duplicate_external_id_in_one_batch_is_refused_the_second_time(api):
    items = [call_payload(external_id="B-1"), call_payload(external_id="B-1", talk_seconds=1)]
    body = api.post(URL, items, format="json").json()
    assert [r["status"] for r in body["results"]] == ["created", "invalid"]
    assert "index 0" in body["results"][1]["errors"]["external_id"][0]
    assert Call.objects.get(external_id="B-1").talk_seconds == 312


def test_item_that_is_not_an_object(api):
    body = api.post(URL, [call_payload(external_id="B-1"), "oops"], format="json").json()
    assert body["results"][1] == {
        "index": 1,
        "external_id": None,
        "status": "invalid",
        "errors": {"non_field_errors": [body["results"][1]["errors"]["non_field_errors"][0]]},
    }
    assert body["created"] == 1


@pytest.mark.parametrize("body", [{}, [], {"calls": []}, "text"])
def test_body_must_be_a_non_empty_list(api, body):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_at_most_1000_calls(api):
    items = [{"external_id": f"B-{i}", "started_at": "2025-01-31T09:15:00Z"} for i in range(1001)]
    response = api.post(URL, items, format="json")
    assert response.status_code == 400
    assert "1001" in response.json()["non_field_errors"][0]
    assert not Call.objects.exists()


def test_1000_calls_are_accepted(api):
    items = [{"external_id": f"B-{i}", "started_at": "2025-01-31T09:15:00Z"} for i in range(1000)]
    response = api.post(URL, items, format="json")
    assert response.status_code == 200
    assert response.json()["created"] == 1000
    assert Call.objects.count() == 1000


def test_query_count_does_not_grow_with_the_batch(api, django_assert_num_queries):
    def batch(size, start=0):
        return [call_payload(external_id=f"B-{i}") for i in range(start, start + size)]

    # token lookup + last-used update, agents' keys, those agents (with team), call types, savepoint,
    # existing calls, savepoint + insert + release, release
    with django_assert_num_queries(11):
        api.post(URL, batch(2), format="json")
    # 30 new calls: within one INSERT (Django binds at most 999 parameters per statement on SQLite, a call
    # has 26 columns: 38 calls), so the same queries as for 2.
    with django_assert_num_queries(11):
        api.post(URL, batch(30, start=2), format="json")
    # updates of 32 calls at once: one bulk UPDATE instead of the insert's savepoint, insert and release
    updates = batch(32)
    for item in updates:
        item["talk_seconds"] = 7
    with django_assert_num_queries(9):
        assert api.post(URL, updates, format="json").json()["updated"] == 32
    assert set(Call.objects.values_list("talk_seconds", flat=True)) == {7}


def test_a_call_created_concurrently_is_updated_not_duplicated(agent, monkeypatch):
    """Another writer inserts the same external id after the batch looked: the batch falls back to updates."""
    existing = CallFactory(external_id="RACE-1", agent=agent, talk_seconds=10)
    monkeypatch.setattr(QuerySet, "in_bulk", lambda self, *args, **kwargs: {})  # the batch sees nothing
    rows = [
        {"external_id": "RACE-1", "started_at": existing.started_at, "talk_seconds": 99},
        {"external_id": "RACE-2", "started_at": existing.started_at},
    ]
    results = services.upsert_calls(rows=rows)
    assert [(call.external_id, created) for call, created in results] == [("RACE-1", False), ("RACE-2", True)]
    assert Call.objects.filter(external_id="RACE-1").count() == 1
    assert Call.objects.get(external_id="RACE-1").talk_seconds == 99
    assert Call.objects.filter(external_id="RACE-2").exists()
