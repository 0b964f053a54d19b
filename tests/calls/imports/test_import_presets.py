"""Presets for common exports, and pre-filling the mapping from header names."""

import pytest

from calls.imports.mapping import FIELDS_BY_NAME, suggest_columns
from calls.imports.presets import PRESETS, find_preset
from calls.models import Call, SurveyResponse
from tests.calls.imports.helpers import call, make_csv, run_import, utc
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_presets_only_map_known_fields_and_have_the_required_ones():
    for preset in PRESETS.values():
        assert set(preset.columns) <= set(FIELDS_BY_NAME), preset.key
        assert {"external_id", "started_at"} <= set(preset.columns), preset.key


def test_find_preset_by_key_or_name():
    assert find_preset("five9") is PRESETS["five9"]
    assert find_preset("  genesys-style EXPORT ") is PRESETS["genesys"]
    assert find_preset("Generic CSV") is PRESETS["generic"]
    assert find_preset("avaya") is None


def test_genesys_style_export(team, call_type):
    agent = AgentFactory(username="maria.lopez", agent_code="", team=team)
    header = [
        "Conversation ID",
        "Conversation Start",
        "User",
        "Queue",
        "Direction",
        "Media Type",
        "Total IVR",
        "Total Queue",
        "Total Talk",
        "Total Hold",
        "Total ACW",
        "Abandoned",
        "Wrap-up Code",
        "ANI",
        "External Tag",
        "Flow",
    ]
    rows = [
        [
            "6f1c-01",
            "2024-03-05T14:30:00.000Z",
            "maria.lopez",
            "Support EN",
            "inbound",
            "voice",
            "0:00:12",
            "0:01:05",
            "0:06:40",
            "0:00:00",
            "0:00:45",
            "NO",
            "Inbound Support",
            "+3712000000",
            "T-1",
            "Main",
        ],
        [
            "6f1c-02",
            "2024-03-05T14:31:00.000Z",
            "",
            "Support EN",
            "inbound",
            "callback",
            "0:00:09",
            "0:02:00",
            "",
            "",
            "",
            "YES",
            "",
            "+3712000001",
            "",
            "Main",
        ],
    ]
    preset = PRESETS["genesys"]
    result = run_import(make_csv(header, rows), columns=preset.columns, date_format=preset.date_format)
    assert (result.created, result.refused) == (2, 0)
    answered = call("6f1c-01")
    assert answered.agent == agent and answered.team == team and answered.call_type == call_type
    assert (answered.started_at, answered.talk_seconds, answered.wrap_up_seconds) == (
        utc(2024, 3, 5, 14, 30),
        400,
        45,
    )
    assert (answered.answered, answered.customer_id, answered.case_id) == (True, "+3712000000", "T-1")
    abandoned = call("6f1c-02")
    assert (abandoned.answered, abandoned.talk_seconds, abandoned.agent) == (False, None, None)
    assert abandoned.channel == Call.Channel.CALLBACK


def test_five9_style_export_with_us_dates_and_surveys(team, call_type):
    AgentFactory(username="jsmith@acme.example", agent_code="", team=team)
    header = [
        "CALL ID",
        "TIMESTAMP",
        "CAMPAIGN",
        "CALL TYPE",
        "AGENT",
        "SKILL",
        "IVR TIME",
        "QUEUE WAIT TIME",
        "TALK TIME",
        "HOLD TIME",
        "AFTER CALL WORK TIME",
        "ABANDONED",
        "ANI",
        "TICKET ID",
        "NPS SCORE",
        "CSAT SCORE",
        "SURVEY COMMENT",
        "SERVICE LEVEL",
    ]
    rows = [
        [
            "9001",
            "03/25/2024 09:15:00",
            "Inbound support",
            "Inbound",
            "jsmith@acme.example",
            "Billing",
            "5",
            "20",
            "0:03:00",
            "0:00:30",
            "0:00:40",
            "0",
            "5550100",
            "TK-7",
            "10",
            "5",
            "Great help",
            "94.01%",
        ],
        [
            "9002",
            "03/25/2024 09:20:00",
            "inbound-support",
            "Manual",
            "jsmith@acme.example",
            "Billing",
            "0",
            "0",
            "0:01:00",
            "0",
            "0:00:10",
            "0",
            "5550101",
            "",
            "",
            "",
            "",
            "88.00%",
        ],
    ]
    preset = PRESETS["five9"]
    result = run_import(make_csv(header, rows), columns=preset.columns, date_format=preset.date_format)
    assert (result.created, result.refused) == (2, 0)
    first = call("9001")
    assert first.started_at == utc(2024, 3, 25, 9, 15)
    assert (first.queue, first.talk_seconds, first.hold_seconds, first.answered) == ("Billing", 180, 30, True)
    assert first.survey.nps == 10 and first.survey.comment == "Great help"
    assert call("9002").direction == Call.Direction.OUTBOUND
    assert SurveyResponse.objects.count() == 1


def test_suggest_columns_from_header_names():
    headers = [
        "Call ID",
        "Start Time",
        "Agent",
        "Talk time",
        "Hold",
        "ACW",
        "Abandoned",
        "Ticket #",
        "NPS",
        "Misc",
    ]
    suggested = suggest_columns(headers=headers)
    assert suggested == {
        "external_id": "Call ID",
        "started_at": "Start Time",
        "agent": "Agent",
        "talk_seconds": "Talk time",
        "hold_seconds": "Hold",
        "wrap_up_seconds": "ACW",
        "abandoned": "Abandoned",
        "case_id": "Ticket #",
        "nps": "NPS",
    }


def test_suggest_columns_prefers_our_field_names_and_a_chosen_mapping():
    headers = ["external_id", "started_at", "answered", "talk_seconds", "Talk time"]
    suggested = suggest_columns(headers=headers)
    assert suggested["talk_seconds"] == "talk_seconds"
    assert "abandoned" not in suggested
    chosen = suggest_columns(headers=["CALL ID", "timestamp", "X"], columns=PRESETS["five9"].columns)
    assert chosen == {"external_id": "CALL ID", "started_at": "timestamp"}  # case-insensitive, only existing
