"""Messy export formats: encodings, delimiters, line ends, booleans, durations, percentages, nulls, dates."""

from datetime import timedelta

import pytest

from calls.models import Call
from tests.calls.imports.helpers import (
    BASIC_COLUMNS,
    BASIC_HEADER,
    basic_row,
    call,
    make_csv,
    run_import,
    utc,
)

pytestmark = pytest.mark.django_db


def test_plain_comma_file_imports_every_field(jdoe, call_type, team):
    result = run_import(make_csv(BASIC_HEADER, [basic_row()]))
    assert (result.created, result.updated, result.refused) == (1, 0, 0)
    imported = call("C1")
    assert imported.agent == jdoe
    assert imported.team == team  # unmapped team: the agent's team
    assert imported.call_type == call_type
    assert imported.started_at == utc(2024, 3, 5, 14, 30)
    assert imported.talk_seconds == 300
    assert imported.answered is True
    assert imported.direction == Call.Direction.INBOUND  # unmapped: the model's default
    assert imported.queue == ""


def test_utf8_bom_is_not_part_of_the_first_header(jdoe):
    result = run_import(make_csv(BASIC_HEADER, [basic_row()], bom=True))
    assert result.created == 1
    assert call("C1").talk_seconds == 300


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_sniffed(jdoe, delimiter):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(), basic_row("C2")], delimiter=delimiter))
    assert result.created == 2
    assert call("C2").agent == jdoe


def test_semicolon_file_with_decimal_commas_and_commas_in_text(jdoe):
    header = [*BASIC_HEADER, "queue"]
    rows = [basic_row(talk="12,6") + ["Billing, general"]]
    result = run_import(make_csv(header, rows, delimiter=";"), columns={**BASIC_COLUMNS, "queue": "queue"})
    assert result.refused == 0
    imported = call("C1")
    assert imported.talk_seconds == 13  # decimal seconds are rounded
    assert imported.queue == "Billing, general"


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_ends(jdoe, newline):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(), basic_row("C2")], newline=newline))
    assert result.created == 2
    assert set(Call.objects.values_list("external_id", flat=True)) == {"C1", "C2"}


def test_crlf_with_bom_and_semicolons_together(jdoe):
    data = make_csv(
        BASIC_HEADER, [basic_row(), basic_row("C2", talk="")], delimiter=";", bom=True, newline="\r\n"
    )
    result = run_import(data)
    assert (result.created, result.refused) == (2, 0)
    assert call("C2").talk_seconds is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Y", True),
        ("y", True),
        ("N", False),
        ("n", False),
        ("yes", True),
        ("YES", True),
        ("No", False),
        ("true", True),
        ("TRUE", True),
        ("False", False),
        ("1", True),
        ("0", False),
        ("t", True),
        ("F", False),
        ("", None),
        ("null", None),
        ("NULL", None),
        (" Null ", None),
    ],
)
def test_boolean_forms(jdoe, text, expected):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(answered=text)]))
    assert result.refused == 0
    assert call("C1").answered is expected


def test_unknown_boolean_refuses_the_row(jdoe):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(answered="maybe")]))
    assert result.created == 0
    assert "maybe" in result.errors[0].message
    assert "answered" in result.errors[0].message  # the column is named


def test_abandoned_column_is_stored_as_not_answered(jdoe):
    header = ["id", "start", "abandoned"]
    columns = {"external_id": "id", "started_at": "start", "abandoned": "abandoned"}
    rows = [["C1", "2024-03-05 10:00", "1"], ["C2", "2024-03-05 10:01", "N"], ["C3", "2024-03-05 10:02", ""]]
    result = run_import(make_csv(header, rows), columns=columns)
    assert result.created == 3
    assert [call(eid).answered for eid in ("C1", "C2", "C3")] == [False, True, None]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("300", 300),
        ("0", 0),
        ("1:05:09", 3909),
        ("0:00:45", 45),
        ("25:00:00", 90000),
        ("4:05", 245),
        ("04:05", 245),
        ("12.4", 12),
        ("0:01:10.500", 70),
    ],
)
def test_durations_as_seconds_or_clock(jdoe, text, seconds):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(talk=text)]))
    assert result.refused == 0
    assert call("C1").talk_seconds == seconds


@pytest.mark.parametrize("text", ["1:75", "1:61:00", "-5", "abc", "5 min"])
def test_unreadable_durations_refuse_the_row(jdoe, text):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(talk=text)]))
    assert result.refused == 1
    assert "duration" in result.errors[0].message
    assert not Call.objects.exists()


def test_percentage_in_an_unmapped_column_is_ignored(jdoe):
    header = [*BASIC_HEADER, "Service level"]
    result = run_import(make_csv(header, [basic_row() + ["94.01%"], basic_row("C2") + ["100%"]]))
    assert (result.created, result.refused) == (2, 0)


def test_percentage_in_a_mapped_numeric_field_is_refused_clearly(jdoe):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(talk="94.01%"), basic_row("C2")]))
    assert (result.created, result.refused) == (1, 1)
    assert "“94.01%” is a percentage" in result.errors[0].message
    assert result.errors[0].line_number == 2


def test_percentage_in_a_survey_score_is_refused(jdoe):
    header = [*BASIC_HEADER, "csat"]
    result = run_import(make_csv(header, [basic_row() + ["80%"]]), columns={**BASIC_COLUMNS, "csat": "csat"})
    assert result.refused == 1
    assert "percentage" in result.errors[0].message


@pytest.mark.parametrize("empty", ["", "null", "NULL", "Null", "  "])
def test_empty_and_null_cells_are_unknown_never_zero(jdoe, empty):
    header = ["id", "start", "agent", "talk", "hold", "wrap", "answered", "resolved", "queue", "case"]
    columns = {
        "external_id": "id",
        "started_at": "start",
        "agent": "agent",
        "talk_seconds": "talk",
        "hold_seconds": "hold",
        "wrap_up_seconds": "wrap",
        "answered": "answered",
        "resolved": "resolved",
        "queue": "queue",
        "case_id": "case",
    }
    row = ["C1", "2024-03-05 10:00", empty, empty, empty, empty, "N", empty, empty, empty]
    result = run_import(make_csv(header, [row]), columns=columns)
    assert result.refused == 0
    imported = call("C1")
    assert imported.agent is None and imported.team is None
    assert (imported.talk_seconds, imported.hold_seconds, imported.wrap_up_seconds) == (None, None, None)
    assert imported.answered is False
    assert imported.resolved is None
    assert (imported.queue, imported.case_id) == ("", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05T14:30:15", utc(2024, 3, 5, 14, 30, 15)),
        ("2024-03-05 14:30:15", utc(2024, 3, 5, 14, 30, 15)),
        ("2024-03-05T14:30:15Z", utc(2024, 3, 5, 14, 30, 15)),
        ("2024-03-05T14:30:15+02:00", utc(2024, 3, 5, 12, 30, 15)),
        ("2024-03-05 14:30:15.250-05:00", utc(2024, 3, 5, 19, 30, 15, 250000)),
        ("2024-03-05 14:30", utc(2024, 3, 5, 14, 30)),
        ("2024-03-05", utc(2024, 3, 5)),
        ("05/03/2024 14:30", utc(2024, 3, 5, 14, 30)),
        ("05/03/2024 14:30:15", utc(2024, 3, 5, 14, 30, 15)),
        ("25/12/2024 08:05:00", utc(2024, 12, 25, 8, 5)),
        ("5/3/2024 9:30", utc(2024, 3, 5, 9, 30)),
        ("05.03.2024 14:30", utc(2024, 3, 5, 14, 30)),
        ("05/03.2024T14:30:15", utc(2024, 3, 5, 14, 30, 15)),
        ("05/03/2024 9:30:15", utc(2024, 3, 5, 9, 30, 15)),
    ],
)
def test_date_formats(jdoe, text, expected):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(started_at=text)]))
    assert result.refused == 0, result.errors
    assert call("C1").started_at == expected


def test_month_first_dates_are_refused_without_a_date_format(jdoe):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(started_at="03/25/2024 14:30")]))
    assert result.refused == 1
    assert "%m/%d/%Y" in result.errors[0].message  # the reason says how to fix it


def test_month_first_dates_with_the_mappings_date_format(jdoe):
    rows = [
        basic_row("C1", started_at="03/05/2024 14:30:15"),
        basic_row("C2", started_at="03/25/2024 14:30"),  # seconds are optional
        basic_row("C3", started_at="2024-03-26T08:00:00Z"),  # ISO 8601 stays accepted
        basic_row("C4", started_at="25/03/2024 14:30"),  # day-first is not guessed
    ]
    result = run_import(make_csv(BASIC_HEADER, rows), date_format="%m/%d/%Y %H:%M:%S")
    assert (result.created, result.refused) == (3, 1)
    assert call("C1").started_at == utc(2024, 3, 5, 14, 30, 15)  # March 5th, not May 3rd
    assert call("C2").started_at == utc(2024, 3, 25, 14, 30)
    assert call("C3").started_at == utc(2024, 3, 26, 8)
    assert result.errors[0].line_number == 5
    assert "%m/%d/%Y %H:%M:%S" in result.errors[0].message


def test_naive_times_are_in_the_configured_time_zone(jdoe, settings):
    settings.TIME_ZONE = "Europe/Riga"  # UTC+2 in winter, UTC+3 in summer
    rows = [
        basic_row("C1", started_at="2024-01-15 10:00"),
        basic_row("C2", started_at="15/07/2024 10:00"),
        basic_row("C3", started_at="2024-07-15T10:00:00Z"),
    ]
    result = run_import(make_csv(BASIC_HEADER, rows))
    assert result.refused == 0
    assert call("C1").started_at == utc(2024, 1, 15, 8)
    assert call("C2").started_at == utc(2024, 7, 15, 7)
    assert call("C3").started_at == utc(2024, 7, 15, 10)  # an explicit zone wins


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2024-13-01 10:00",
        "32/01/2024 10:00",
        "2024/03/05 10:00",
        # Day-first forms read as ISO 8601 only where the day-first pattern reads them too.
        "29/02/2023 10:00",
        "05/03/2024 14:3Z",
        "05/03/2024 14:30:1Z",
        "05/03/2024 14:30:60",
        "05/03/2024 14:30.5",
    ],
)
def test_unreadable_dates_refuse_the_row(jdoe, text):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(started_at=text)]))
    assert result.refused == 1
    assert "not a date and time we understand" in result.errors[0].message


def test_resolved_at_implies_resolved(jdoe):
    header = ["id", "start", "resolved at"]
    columns = {"external_id": "id", "started_at": "start", "resolved_at": "resolved at"}
    rows = [["C1", "2024-03-05 10:00", "2024-03-05 10:20"], ["C2", "2024-03-05 10:00", ""]]
    result = run_import(make_csv(header, rows), columns=columns)
    assert result.refused == 0
    assert call("C1").resolved is True
    assert call("C1").resolved_at - call("C1").started_at == timedelta(minutes=20)
    assert call("C2").resolved is None


def test_direction_channel_and_quoted_multiline_transcript(jdoe):
    header = ["id", "start", "direction", "channel", "transcript"]
    columns = {
        "external_id": "id",
        "started_at": "start",
        "direction": "direction",
        "channel": "channel",
        "transcript": "transcript",
    }
    rows = [
        ["C1", "2024-03-05 10:00", "OUT", "Phone", '"Agent: hello\nCustomer: ""hi"""'],
        ["C2", "2024-03-05 10:00", "Inbound", "webchat", ""],
    ]
    result = run_import(make_csv(header, rows), columns=columns)
    assert result.refused == 0
    first = call("C1")
    assert (first.direction, first.channel) == (Call.Direction.OUTBOUND, Call.Channel.VOICE)
    assert first.transcript == 'Agent: hello\nCustomer: "hi"'
    assert (call("C2").direction, call("C2").channel) == (Call.Direction.INBOUND, Call.Channel.CHAT)
