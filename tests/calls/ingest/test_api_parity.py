"""The API reads calls as the import does (issue 7, item 8): durations as text, agents by the same rule, the
survey fields of a call row."""

import pytest

from calls.imports.converters import InvalidValue, References, converter_for
from calls.imports.converters import datetime_adapter as adapter
from calls.imports.mapping import FIELDS_BY_NAME
from calls.models import Call, SurveyResponse
from tests.calls.ingest.helpers import call_payload
from tests.factories import AgentFactory, CallFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/"
BATCH_URL = "/api/v1/calls/batch/"


# --- Durations -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("1:02:03", 3723),
        ("5:12", 312),
        ("25:00:00", 90000),  # hours may exceed 24
        ("312", 312),
        (312, 312),
        (12.4, 12),  # decimal seconds are rounded, as in the import
        ("12,6", 13),
        ("", None),
        (None, None),
    ],
)
def test_durations_are_read_as_the_import_reads_them(api, sent, stored):
    response = api.post(URL, call_payload(talk_seconds=sent), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["talk_seconds"] == stored
    assert Call.objects.get().talk_seconds == stored


@pytest.mark.parametrize("sent", ["1:60", "1:61:00", "soon", "50%", -1, -0.5, True, [1], {"s": 1}])
def test_a_duration_that_is_not_one_is_refused_naming_the_field(api, sent):
    response = api.post(URL, call_payload(hold_seconds=sent), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["hold_seconds"]
    assert not Call.objects.exists()


# --- Agents ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sent", ["A9001", "a9001", "  a9001 ", "AGENT", "agent", " Agent "])
def test_agents_match_by_code_then_username_whatever_the_case_and_spaces(api, agent, sent):
    agent.username = "agent"
    agent.save(update_fields=["username"])
    response = api.post(URL, call_payload(agent=sent), format="json")
    assert response.status_code == 201, response.json()
    assert Call.objects.get().agent == agent


def test_an_exact_match_wins_over_a_folded_one(api, agent):
    other = AgentFactory(agent_code="a9001")  # the same code as `agent`'s A9001, in lower case
    response = api.post(URL, call_payload(agent="a9001"), format="json")
    assert response.status_code == 201
    assert Call.objects.get().agent == other


def test_an_agent_code_wins_over_a_username_that_is_the_same_string(api, agent):
    AgentFactory(username="A9001", agent_code="B7")
    api.post(URL, call_payload(agent="A9001"), format="json")
    assert Call.objects.get().agent == agent


@pytest.mark.parametrize(
    "person",
    [
        {"is_qa_manager": True},
        {"is_reviewer": True},
        {"is_team_lead": True},
        {"is_superuser": True, "is_staff": True},
    ],
)
def test_only_an_agent_can_be_a_calls_agent(api, person):
    UserFactory(username="boss", agent_code="M1", is_agent=False, **person)
    for key in ("boss", "M1", "BOSS"):
        response = api.post(URL, call_payload(agent=key), format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["agent"]
    assert "not an agent" in api.post(URL, call_payload(agent="M1"), format="json").json()["agent"][0]
    assert not Call.objects.exists()


def test_a_non_agent_is_refused_per_item_in_a_batch(api):
    UserFactory(username="boss", is_qa_manager=True)
    response = api.post(
        BATCH_URL,
        [call_payload(external_id="B-1"), call_payload(external_id="B-2", agent="boss")],
        format="json",
    )
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["created", "invalid"]
    assert list(response.json()["results"][1]["errors"]) == ["agent"]
    assert list(Call.objects.values_list("external_id", flat=True)) == ["B-1"]


def test_the_import_refuses_a_non_agent_by_the_same_rule():
    agent = AgentFactory(username="ann", agent_code="A1")
    UserFactory(username="boss", is_qa_manager=True)
    convert = converter_for(FIELDS_BY_NAME["agent"], References.load(["agent"]), "", adapter())
    assert convert(" a1 ") == (agent.pk, agent.team_id)
    assert convert("ANN") == (agent.pk, agent.team_id)
    with pytest.raises(InvalidValue):
        convert("boss")


# --- The survey fields of a call ------------------------------------------------------------------------


def test_nps_and_csat_in_a_call_are_stored_as_its_survey_answer(api):
    response = api.post(URL, call_payload(nps=3, csat=2, survey_comment="Slow"), format="json")
    assert response.status_code == 201
    survey = SurveyResponse.objects.get()
    call = Call.objects.get()
    assert (survey.call, survey.nps, survey.csat, survey.comment) == (call, 3, 2, "Slow")
    assert survey.responded_at == call.started_at  # as the import dates it
    # sent again with another score: the one answer is replaced
    api.post(URL, call_payload(nps=10), format="json")
    assert list(SurveyResponse.objects.values_list("nps", "csat", "comment")) == [(10, None, "")]


def test_a_call_without_a_score_leaves_its_survey_answer_alone(api):
    api.post(URL, call_payload(nps=9), format="json")
    api.post(URL, call_payload(talk_seconds=1), format="json")
    api.post(URL, call_payload(nps=None, csat=None), format="json")
    assert list(SurveyResponse.objects.values_list("nps", flat=True)) == [9]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"nps": 11}, "nps"),
        ({"csat": 0}, "csat"),
        ({"csat": 6}, "csat"),
        ({"survey_comment": "x"}, "survey_comment"),
    ],
)
def test_a_survey_value_out_of_range_refuses_the_call(api, fields, field):
    response = api.post(URL, call_payload(**fields), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Call.objects.exists() and not SurveyResponse.objects.exists()


def test_a_batch_stores_each_calls_survey_answer(api, agent):
    CallFactory(external_id="B-0", agent=agent)
    response = api.post(
        BATCH_URL,
        [
            call_payload(external_id="B-0", csat=4),
            call_payload(external_id="B-1", nps=0),
            call_payload(external_id="B-2"),
            call_payload(external_id="B-3", nps=12),
        ],
        format="json",
    )
    assert [r["status"] for r in response.json()["results"]] == ["updated", "created", "created", "invalid"]
    assert dict(SurveyResponse.objects.values_list("call__external_id", "nps")) == {"B-0": None, "B-1": 0}
    assert SurveyResponse.objects.get(call__external_id="B-0").csat == 4
