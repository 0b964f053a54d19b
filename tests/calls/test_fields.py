"""The call fields and the rules the API and the import share (calls.fields)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from calls.fields import (
    CALL_FIELD_NAMES,
    INTEGER_MAX,
    SURVEY_FIELD_NAMES,
    TimeRange,
    agent_key,
    agents_by_key,
    fields_written,
    integer_refusal,
)
from calls.imports.converters import InvalidValue, References, converter_for, datetime_adapter
from calls.imports.mapping import FIELDS_BY_NAME, IMPORT_FIELDS
from calls.ingest.serializers import CallIngestSerializer
from tests.factories import AgentFactory


def test_the_api_and_the_import_take_the_same_call_fields():
    assert set(CallIngestSerializer().fields) == {*CALL_FIELD_NAMES, *SURVEY_FIELD_NAMES}
    assert {f.call_field for f in IMPORT_FIELDS if f.call_field} == set(CALL_FIELD_NAMES)
    # Besides the survey, the import has one field of its own: a start's time of day in a column of its own,
    # joined to the date before the start is read (calls.imports.mapping.join_start_columns).
    assert {f.name for f in IMPORT_FIELDS if not f.call_field} == {*SURVEY_FIELD_NAMES, "started_at_time"}


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


# --- Sane ranges: one rule for the API and the import -----------------------------------------------------


def test_a_time_range_takes_from_2000_to_a_day_ahead():
    now = timezone.now()
    in_range = TimeRange.now()
    assert in_range.refusal(datetime(2000, 1, 1, tzinfo=UTC)) is None
    assert in_range.refusal(now + timedelta(hours=23)) is None
    assert in_range.refusal(datetime(1999, 12, 31, 23, 59, tzinfo=UTC)) is not None
    assert in_range.refusal(now + timedelta(days=1, minutes=5)) is not None
    assert "out of range" in in_range.refusal(datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    # aware year-1 values east of UTC, and naive ones, are refused, not overflowed
    assert in_range.refusal(datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo"))) is not None
    assert in_range.refusal(datetime(1, 1, 1), ZoneInfo("America/New_York")) is not None
    assert in_range.refusal(datetime(2024, 3, 5, 14, 30), ZoneInfo("Europe/Riga")) is None


def test_a_planned_time_may_lie_up_to_a_year_ahead():
    assert TimeRange.planned().refusal(timezone.now() + timedelta(days=300)) is None
    assert TimeRange.planned().refusal(timezone.now() + timedelta(days=400)) is not None


def test_integers_beyond_the_database_range_are_refused():
    assert integer_refusal(0) is None
    assert integer_refusal(INTEGER_MAX) is None
    assert integer_refusal(INTEGER_MAX + 1) is not None
    assert integer_refusal(2**63) is not None
    assert integer_refusal(-1) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Riga"])
@pytest.mark.parametrize(
    ("date_format", "text"),
    [
        ("", "9999-12-31 23:59"),
        ("", "0001-01-01 00:00"),
        ("", "31/12/1999 23:59"),
        ("", "0001-01-01T00:00:00+05:00"),
        ("%m/%d/%Y %H:%M", "12/31/9999 23:59"),
    ],
)
def test_the_import_refuses_a_date_out_of_range(settings, time_zone, date_format, text):
    settings.TIME_ZONE = time_zone
    convert = converter_for(FIELDS_BY_NAME["started_at"], References(), date_format, datetime_adapter())
    with pytest.raises(InvalidValue, match="out of range"):
        convert(text)
    assert convert("2024-03-05 14:30") is not None
    assert convert("") is None


@pytest.mark.parametrize("text", [str(2**63), str(INTEGER_MAX + 1), "1000000:00:00"])
def test_the_import_refuses_a_duration_beyond_the_database_range(text):
    convert = converter_for(FIELDS_BY_NAME["talk_seconds"], References(), "", str)
    with pytest.raises(InvalidValue):
        convert(text)
    assert convert(str(INTEGER_MAX)) == INTEGER_MAX
