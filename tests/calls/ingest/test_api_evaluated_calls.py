"""A call with a submitted evaluation keeps its agent, start and transcript: the API answers 409 and changes
nothing (issue 7, item 9)."""

from datetime import UTC, datetime

import pytest

from calls import services
from calls.models import Call, SurveyResponse
from scorecards.models import Evaluation
from tests.calls.ingest.helpers import call_payload
from tests.factories import AgentFactory, CallFactory, evaluation_of, make_published_version

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/"
BATCH_URL = "/api/v1/calls/batch/"
STARTED = datetime(2025, 1, 31, 9, 15, tzinfo=UTC)


@pytest.fixture
def evaluated(agent, call_type):
    call = CallFactory(
        external_id="PBX-1", agent=agent, call_type=call_type, started_at=STARTED, transcript="Hello"
    )
    evaluation_of(agent, version=make_published_version(call_type), call=call)
    return Call.objects.get(pk=call.pk)


def snapshot():
    return list(Call.objects.order_by("pk").values())


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"agent": "B2"}, ["agent"]),
        ({"started_at": "2025-01-31T10:00:00Z"}, ["started_at"]),
        ({"transcript": "Something else"}, ["transcript"]),
        ({"agent": "B2", "transcript": "Something else", "queue": "Sales"}, ["agent", "transcript"]),
    ],
)
def test_changing_what_the_evaluation_is_about_is_refused(api, evaluated, change, fields):
    AgentFactory(agent_code="B2")
    before = snapshot()
    response = api.post(URL, call_payload(**{"transcript": "Hello", **change}), format="json")
    assert response.status_code == 409
    assert list(response.json()) == fields
    assert "submitted evaluation" in response.json()[fields[0]][0]
    assert snapshot() == before


def test_other_fields_still_change(api, evaluated):
    response = api.post(URL, call_payload(transcript="Hello", talk_seconds=99, queue="Sales"), format="json")
    assert response.status_code == 200
    evaluated.refresh_from_db()
    assert (evaluated.talk_seconds, evaluated.queue) == (99, "Sales")


def test_sending_the_same_agent_start_and_transcript_again_is_no_change(api, evaluated, agent):
    response = api.post(
        URL, {"external_id": "PBX-1", "agent": "a9001", "started_at": "2025-01-31T09:15:00Z"}, format="json"
    )
    assert response.status_code == 200


def test_a_draft_evaluation_does_not_freeze_the_call(api, agent, call_type):
    call = CallFactory(external_id="PBX-1", agent=agent, call_type=call_type)
    evaluation_of(agent, version=make_published_version(call_type), call=call, status=Evaluation.Status.DRAFT)
    AgentFactory(agent_code="B2")
    assert api.post(URL, call_payload(agent="B2"), format="json").status_code == 200
    assert Call.objects.get().agent.agent_code == "B2"


def test_a_batch_refuses_the_evaluated_call_and_saves_the_others(api, evaluated):
    AgentFactory(agent_code="B2")
    before = snapshot()
    response = api.post(
        BATCH_URL,
        [
            call_payload(external_id="PBX-1", agent="B2", transcript="Hello", nps=1),
            call_payload(external_id="PBX-2", agent="B2"),
        ],
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["invalid", "created"]
    assert (body["created"], body["invalid"]) == (1, 1)
    assert list(body["results"][0]["errors"]) == ["agent"]
    assert snapshot()[0] == before[0]
    assert not SurveyResponse.objects.exists()  # the refused row's survey answer is not stored either


def test_the_counted_statuses_are_the_scorecards(db):
    """calls may not import scorecards; this pins the copy of its statuses."""
    assert set(services.COUNTED_EVALUATION_STATUSES) == {str(s) for s in Evaluation.COUNTED_STATUSES}


def test_frozen_calls_is_one_query(evaluated, agent, django_assert_num_queries):
    CallFactory(external_id="PBX-2", agent=agent)
    with django_assert_num_queries(1):
        assert services.frozen_calls(external_ids=["PBX-1", "PBX-2", "nope"]) == {"PBX-1"}
    with django_assert_num_queries(0):
        assert services.frozen_calls(external_ids=[]) == set()
