"""Presets for common exports, and pre-filling the mapping from header names."""

import pytest

from calls.imports.kinds import kind_of
from calls.imports.mapping import suggest_columns
from calls.imports.presets import PRESETS, find_preset
from calls.models import Call, SurveyResponse
from tests.calls.imports.helpers import call, make_csv, run_import, utc
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_presets_only_map_known_fields_and_have_the_required_ones():
    for preset in PRESETS.values():
        kind = kind_of(preset.kind)
        assert set(preset.columns) <= set(kind.field_set.by_name), preset.key
        kind.validate(columns=preset.columns)  # a complete mapping of its kind
    assert {preset.kind for preset in PRESETS.values()} == {"calls", "surveys"}


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


# Headers from real exports, each with the field the pre-fill maps it to (None: not mapped).
REAL_WORLD_HEADERS = [
    ("Call ID", "external_id"),
    ("CallID", "external_id"),
    ("call_id", "external_id"),
    ("Interaction ID", "external_id"),
    ("ContactId", "external_id"),
    ("Conversation Id", "external_id"),
    ("Start Time", "started_at"),
    ("StartTime", "started_at"),
    ("Call Start (UTC)", "started_at"),
    ("Timestamp", "started_at"),
    ("Date/Time", "started_at"),
    ("AgentID", "agent"),
    ("Agent ID", "agent"),
    ("Agent Login", "agent"),
    ("User Name", "agent"),
    ("Team Name", "team"),
    ("Topic", "topic"),
    ("Call Reason", "topic"),
    ("Reason for call", "topic"),
    ("Subject", "topic"),
    ("Category", "topic"),
    ("Campaign", "call_type"),
    ("Skill", "queue"),
    ("Queue Name", "queue"),
    ("Direction (In/Out)", "direction"),
    ("Media Type", "channel"),
    ("IVR Time (sec)", "ivr_wait_seconds"),
    ("ASA", "queue_wait_seconds"),
    ("Avg Speed of Answer", "queue_wait_seconds"),
    ("Speed of Answer (s)", "queue_wait_seconds"),
    ("Wait Time [s]", "queue_wait_seconds"),
    ("Queue Dur", "queue_wait_seconds"),
    ("Time in Queue", "queue_wait_seconds"),
    ("TalkTime", "talk_seconds"),
    ("Talk Time (sec)", "talk_seconds"),
    ("Talk Duration", "talk_seconds"),
    ("Total Talk Time in seconds", "talk_seconds"),
    ("Avg Talk Time", "talk_seconds"),
    ("Hold Time (seconds)", "hold_seconds"),
    ("HoldTime", "hold_seconds"),
    ("Hold Dur", "hold_seconds"),
    ("ACW", "wrap_up_seconds"),
    ("Wrap-up Time [s]", "wrap_up_seconds"),
    ("After Call Work (sec)", "wrap_up_seconds"),
    ("WrapUpTime", "wrap_up_seconds"),
    ("Answered (Y/N)", "answered"),
    ("Abandoned (Y/N)", "abandoned"),
    ("Is Abandoned? Y/N", "abandoned"),
    ("Resolved (1/0)", "resolved"),
    ("FCR", "resolved"),
    ("Ticket #", "case_id"),
    ("Ticket Num", "case_id"),
    ("Case Number", "case_id"),
    ("ANI", "customer_id"),
    ("Caller ID", "customer_id"),
    ("Recording URL", "recording_url"),
    ("Transcript", "transcript"),
    ("NPS Score", "nps"),
    ("Likelihood to Recommend (0-10)", "nps"),
    ("Net Promoter Score", "nps"),
    ("Satisfaction Rating", "csat"),
    ("CSAT (1-5)", "csat"),
    ("Customer Satisfaction", "csat"),
    ("Verbatim", "survey_comment"),
    ("Customer Comment", "survey_comment"),
    # Other units than seconds would be stored as that many seconds: never suggested for a duration.
    ("Talk Time (min)", None),
    ("Hold Time in minutes", None),
    ("Wait Time (ms)", None),
    # Counts and rates are not durations or flags.
    ("Num Holds", None),
    ("Hold Qty", None),
    ("Calls Offered", None),
    ("Service Level %", None),
    ("Abandon Rate", None),
]


@pytest.mark.parametrize(("header", "field"), REAL_WORLD_HEADERS)
def test_prefill_reads_real_world_headers(header, field):
    assert suggest_columns(headers=[header]) == ({field: header} if field else {})


def test_prefill_of_a_whole_real_world_file():
    headers = [
        "Call ID",
        "Date",
        "Time",
        "AgentID",
        "Team Name",
        "Topic",
        "Skill",
        "ASA",
        "Time to Answer",
        "TalkTime",
        "Hold Time (sec)",
        "Num Holds",
        "ACW",
        "Abandoned (Y/N)",
        "Ticket #",
        "Satisfaction Rating",
        "Likelihood to Recommend",
        "Service Level %",
    ]
    assert suggest_columns(headers=headers) == {
        "external_id": "Call ID",
        "started_at": "Date",
        "started_at_time": "Time",
        "agent": "AgentID",
        "team": "Team Name",
        "topic": "Topic",
        "queue": "Skill",
        "queue_wait_seconds": "ASA",  # the first of two synonyms in the table
        "talk_seconds": "TalkTime",
        "hold_seconds": "Hold Time (sec)",
        "wrap_up_seconds": "ACW",
        "abandoned": "Abandoned (Y/N)",
        "case_id": "Ticket #",
        "csat": "Satisfaction Rating",
        "nps": "Likelihood to Recommend",
    }


# The documented columns of each export (presets.py says where they come from); a preset claims no other.
AMAZON_CONNECT_EXPORT = [
    "ContactId",
    "InitialContactId",
    "Channel",
    "InitiationMethod",
    "InitiationTimestamp",
    "DisconnectTimestamp",
    "Agent.Username",
    "Agent.ConnectedToAgentTimestamp",
    "Agent.AgentInteractionDuration",
    "Agent.CustomerHoldDuration",
    "Agent.AfterContactWorkDuration",
    "Queue.Name",
    "Queue.EnqueueTimestamp",
    "Queue.Duration",
    "CustomerEndpoint.Address",
    "Recording.Location",
]
ZENDESK_TALK_EXPORT = [
    "id",
    "created_at",
    "updated_at",
    "agent_id",
    "call_charge",
    "completion_status",
    "consultation_time",
    "customer_id",
    "customer_requested_voicemail",
    "default_group",
    "direction",
    "duration",
    "exceeded_queue_wait_time",
    "hold_time",
    "ivr_action",
    "ivr_destination_group_name",
    "ivr_hops",
    "ivr_routed_to",
    "ivr_time_spent",
    "minutes_billed",
    "outside_business_hours",
    "phone_number",
    "phone_number_id",
    "recording_time",
    "talk_time",
    "ticket_id",
    "time_to_answer",
    "voicemail",
    "wait_time",
    "wrap_up_time",
]


@pytest.mark.parametrize(
    ("key", "export"), [("amazon-connect", AMAZON_CONNECT_EXPORT), ("zendesk-talk", ZENDESK_TALK_EXPORT)]
)
def test_a_preset_claims_only_columns_of_its_export(key, export):
    columns = PRESETS[key].columns
    assert set(columns.values()) <= set(export)
    assert suggest_columns(headers=export, columns=columns) == columns


def test_amazon_connect_contact_records_flattened_to_csv(team, call_type):
    agent = AgentFactory(username="maria.lopez", agent_code="", team=team)
    header = AMAZON_CONNECT_EXPORT
    rows = [
        [
            "a1b2-0001",
            "",
            "VOICE",
            "INBOUND",
            "2024-03-05T14:30:00Z",
            "2024-03-05T14:38:10Z",
            "maria.lopez",
            "2024-03-05T14:31:05Z",
            "400",
            "20",
            "45",
            "Support EN",
            "2024-03-05T14:30:12Z",
            "53",
            "+37120000000",
            "my-bucket/connect/recordings/a1b2-0001.wav",
        ],
        # Abandoned in the queue: the record has no agent, and ends after the queue's columns.
        [
            "a1b2-0002",
            "",
            "VOICE",
            "INBOUND",
            "2024-03-05T14:40:00Z",
            "2024-03-05T14:41:00Z",
            "",
            "",
            "",
            "",
            "",
            "Support EN",
            "2024-03-05T14:40:10Z",
            "50",
        ],
    ]
    result = run_import(make_csv(header, rows), PRESETS["amazon-connect"].columns)
    assert (result.created, result.refused) == (2, 0), result.errors
    first = call("a1b2-0001")
    assert (first.agent, first.team, first.started_at) == (agent, team, utc(2024, 3, 5, 14, 30))
    assert (first.queue, first.queue_wait_seconds, first.talk_seconds) == ("Support EN", 53, 400)
    assert (first.hold_seconds, first.wrap_up_seconds, first.customer_id) == (20, 45, "+37120000000")
    second = call("a1b2-0002")
    assert (second.agent, second.talk_seconds, second.queue_wait_seconds) == (None, None, 50)
    # Matching by header names alone finds most of it, dotted names included.
    suggested = suggest_columns(headers=header)
    assert {name: suggested.get(name) for name in PRESETS["amazon-connect"].columns} == {
        **PRESETS["amazon-connect"].columns,
        "customer_id": None,  # "CustomerEndpoint.Address" says nothing of a customer id
    }


def test_zendesk_talk_calls_export(team, call_type):
    agent = AgentFactory(username="ana", agent_code="360001234567", team=team)
    header = ZENDESK_TALK_EXPORT
    values = {
        "id": "360099887766",
        "created_at": "2024-03-05T14:30:00Z",
        "agent_id": "360001234567",
        "completion_status": "completed",
        "customer_id": "123456",
        "direction": "inbound",
        "duration": "500",
        "hold_time": "30",
        "ivr_time_spent": "12",
        "talk_time": "380",
        "ticket_id": "4242",
        "wait_time": "40",
        "wrap_up_time": "38",
    }
    rows = [[values.get(column, "") for column in header]]
    result = run_import(make_csv(header, rows), PRESETS["zendesk-talk"].columns)
    assert (result.created, result.refused) == (1, 0), result.errors
    stored = call("360099887766")
    assert (stored.agent, stored.started_at, stored.direction) == (agent, utc(2024, 3, 5, 14, 30), "inbound")
    assert (stored.ivr_wait_seconds, stored.queue_wait_seconds, stored.talk_seconds) == (12, 40, 380)
    assert (stored.hold_seconds, stored.wrap_up_seconds) == (30, 38)
    assert (stored.case_id, stored.customer_id) == ("4242", "123456")
    assert suggest_columns(headers=header) == PRESETS["zendesk-talk"].columns
