"""The call fields and the rules the API and the import share (calls.fields)."""

import pytest

from calls.fields import CALL_FIELD_NAMES, SURVEY_FIELD_NAMES, agent_key, agents_by_key, fields_written
from calls.imports.mapping import IMPORT_FIELDS
from calls.ingest.serializers import CallIngestSerializer
from tests.factories import AgentFactory


def test_the_api_and_the_import_take_the_same_call_fields():
    assert set(CallIngestSerializer().fields) == {*CALL_FIELD_NAMES, *SURVEY_FIELD_NAMES}
    assert {f.call_field for f in IMPORT_FIELDS if f.call_field} == set(CALL_FIELD_NAMES)
    assert {f.name for f in IMPORT_FIELDS if not f.call_field} == set(SURVEY_FIELD_NAMES)


def test_an_agent_code_wins_over_a_username_that_is_the_same_string():
    agents = agents_by_key([("A1", "ann", "Ann"), ("B2", "A1", "Bob")])
    assert agents == {"A1": "Ann", "ann": "Ann", "B2": "Bob"}


def test_folded_keys_match_whatever_the_case():
    assert agents_by_key([("a1", "Ann", 1)], fold=True) == {"a1": 1, "ann": 1}


@pytest.mark.django_db
def test_an_agent_is_read_back_by_its_strongest_key():
    assert agent_key(AgentFactory(username="ann", agent_code="A1")) == "A1"
    assert agent_key(AgentFactory(username="bob", agent_code="")) == "bob"


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ({"external_id", "queue"}, ["queue"]),
        ({"external_id", "agent"}, ["agent", "team"]),
        ({"agent", "team"}, ["agent", "team"]),
        ({"resolved_at"}, ["resolved_at", "resolved"]),
        ({"resolved"}, ["resolved", "resolved_at"]),
    ],
)
def test_an_update_writes_what_was_sent_and_what_follows_from_it(sent, written):
    assert fields_written(sent) == written


def test_unknown_fields_are_a_programming_error():
    with pytest.raises(ValueError, match="not call fields"):
        fields_written({"abandoned"})
