"""The survey import's pieces (calls.surveys.importing): fields, mapping rules, row converter, batch writer.

`run` is the loop the import job runs with them: read the file, convert each row, write in batches."""

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.fields import TimeRange
from calls.imports.converters import datetime_selected
from calls.imports.mapping import suggest_columns
from calls.imports.reading import FileRefused, read_table
from calls.imports.writer import RowRefused
from calls.models import SurveyResponse
from calls.surveys import selectors
from calls.surveys.importing import (
    SURVEY_FIELD_SET,
    SurveyPlan,
    _empty_is,
    validate_survey_columns,
    write_survey_batch,
)
from calls.surveys.services import NEEDS_KEY, SurveyAnswer, _own_errors, record_survey_answers
from tests.calls.imports.helpers import make_csv
from tests.factories import AgentFactory, CallFactory

pytestmark = pytest.mark.django_db

HEADER = ["Response ID", "Date", "Time", "NPS", "CSAT", "Market", "Call ID", "Ticket", "Comment"]
COLUMNS = {
    "external_id": "Response ID",
    "responded_on": "Date",
    "responded_time": "Time",
    "nps": "NPS",
    "csat": "CSAT",
    "segment": "Market",
    "call_external_id": "Call ID",
    "case_id": "Ticket",
    "comment": "Comment",
}


def run(rows: list[list[str]], *, columns=None, header=None, batch_size: int = 2, date_format: str = ""):
    """(created, updated, unchanged, refused {line: reason}) of importing the rows."""
    table = read_table(data=make_csv(header or HEADER, rows), file_name="survey.csv")
    plan = SurveyPlan(headers=table.headers, columns=columns or COLUMNS, date_format=date_format)
    totals = [0, 0, 0]
    refused: dict[int, str] = {}
    batch, lines = [], []

    def write():
        outcome = write_survey_batch(plan, batch, lines)
        for i, count in enumerate((outcome.created, outcome.updated, outcome.unchanged)):
            totals[i] += count
        refused.update({lines[position]: reason for position, reason in outcome.refused})

    for line, cells in table.records:
        try:
            batch.append(plan.convert(cells))
            lines.append(line)
        except RowRefused as exc:
            refused[line] = str(exc)
        if len(batch) >= batch_size:
            write()
            batch, lines = [], []
    write()
    return (*totals, refused)


def test_linked_and_unlinked_answers_and_the_nps_computed_from_what_was_stored():
    agent = AgentFactory()
    call = CallFactory(external_id="PBX-1", agent=agent, started_at=datetime(2025, 3, 2, 9, tzinfo=UTC))
    CallFactory(case_id="HD-7", agent=agent, started_at=datetime(2025, 3, 2, 8, tzinfo=UTC))
    created, updated, unchanged, refused = run(
        [
            ["R-1", "05/03/2025", "14:30", "10", "5", "LV", "PBX-1", "", "Great"],
            ["R-2", "2025-03-05", "", "3", "", "LV", "", "", ""],
            ["R-3", "2025-03-05 00:00:00", "09:15:30", "9", "4", "EE", "", "HD-7", ""],
            ["R-4", "", "", "8", "2", "", "", "", ""],  # no time and no call
        ]
    )
    assert (created, updated, unchanged) == (3, 0, 0)
    assert list(refused) == [5]
    assert "Date: An answer without a call needs the time" in refused[5]
    stored = {s.external_id: s for s in SurveyResponse.objects.all()}
    assert stored["R-1"].call == call
    assert stored["R-1"].responded_at == datetime(2025, 3, 5, 14, 30, tzinfo=UTC)
    assert stored["R-2"].responded_at == datetime(2025, 3, 5, tzinfo=UTC)  # a date alone: midnight
    assert (stored["R-3"].case_id, stored["R-3"].call.case_id) == ("HD-7", "HD-7")
    assert stored["R-3"].responded_at == datetime(2025, 3, 5, 9, 15, 30, tzinfo=UTC)

    start, end = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)
    center = selectors.center_survey_scores(start=start, end=end)
    assert center.nps == pytest.approx(100 * 2 / 3 - 100 / 3)  # 10, 3, 9
    assert selectors.survey_scores_by_segment(start=start, end=end)["LV"].nps == pytest.approx(0.0)  # 10, 3
    assert selectors.survey_scores_by_agent(start=start, end=end)[agent.pk].nps == pytest.approx(100.0)


def test_importing_again_updates_by_response_id():
    row = ["R-1", "2025-03-05", "10:00", "10", "", "LV", "", "", ""]
    assert run([row])[:3] == (1, 0, 0)
    assert run([row])[:3] == (0, 0, 1)
    assert run([[*row[:3], "6", *row[4:]]])[:3] == (0, 1, 0)
    assert SurveyResponse.objects.get().nps == 6


def test_without_a_time_column_the_answers_take_their_calls_start():
    started = datetime(2025, 3, 2, 9, tzinfo=UTC)
    CallFactory(external_id="PBX-1", started_at=started)
    columns = {"external_id": "Response ID", "nps": "NPS", "call_external_id": "Call ID"}
    assert run([["R-1", "9", "PBX-1"]], columns=columns, header=["Response ID", "NPS", "Call ID"])[0] == 1
    survey = SurveyResponse.objects.get()
    assert (survey.responded_at, survey.responded_at_source) == (started, "call")


def test_refused_rows_say_why_by_column_and_line():
    CallFactory(external_id="PBX-1")
    _c, _u, _n, refused = run(
        [
            ["R-1", "2025-03-05", "10:00", "11", "", "", "", "", ""],
            ["R-2", "2025-03-05", "10:00", "", "", "", "", "", "no score"],
            ["R-3", "yesterday", "", "5", "", "", "", "", ""],
            ["R-4", "2025-03-05", "10:00", "5", "", "", "NOPE", "", ""],
            ["R/5", "2025-03-05", "10:00", "5", "", "", "", "", ""],
            ["R-6", "2025-03-05", "10:00", "5", "", "", "PBX-1", "", ""],
            ["R-6", "2025-03-05", "10:00", "7", "", "", "", "", ""],  # same id, next batch
            ["R-8", "2025-03-05", "10:00", "7", "", "", "PBX-1", "", ""],  # same call, later batch
            ["R-9", "2025-03-05", "10:00", "5", "", "", "", "", "", "extra"],
        ]
    )
    assert set(refused) == {2, 3, 4, 5, 6, 8, 9, 10}
    assert refused[2].startswith("NPS: NPS must be between 0 and 10")
    assert refused[3] == "the row has no NPS or CSAT score"
    assert refused[4].startswith("Date, Time: “yesterday” and “” are not a date and a time of day")
    assert refused[5] == "Call ID: No call has the external id “NOPE”."
    assert refused[6].startswith("Response ID: an external id cannot contain")
    assert refused[8] == "Same response id as line 7."
    assert refused[9] == "The answer at line 7 is about the same call; a call has one answer."
    assert "cells" in refused[10]
    assert SurveyResponse.objects.get().external_id == "R-6"


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        ({"external_id": "A", "responded_at": "B"}, "NPS or a CSAT"),
        ({"nps": "A", "responded_at": "B", "responded_on": "C"}, "not both"),
        ({"nps": "A", "responded_time": "B", "call_external_id": "C"}, "date column"),
        ({"nps": "A", "external_id": "B"}, "when the answer was given"),
        ({"nps": "A", "responded_at": "B", "agent": "C"}, "Unknown survey fields"),
    ],
)
def test_mappings_that_cannot_work_are_refused_before_reading(columns, words):
    with pytest.raises(FileRefused, match=words):
        validate_survey_columns(columns=columns)


def test_writing_a_batch_costs_the_same_queries_at_two_sizes():
    counts = []
    for size in (3, 60):
        CallFactory.create_batch(size)
        rows = [
            [f"R-{size}-{n}", "2025-03-05", "10:00", str(n % 11), "", "LV", "", "", ""] for n in range(size)
        ]
        table = read_table(data=make_csv(HEADER, rows), file_name="survey.csv")
        plan = SurveyPlan(headers=table.headers, columns=COLUMNS, date_format="")
        records = list(table.records)
        answers = [plan.convert(cells) for _line, cells in records]
        with CaptureQueriesContext(connection) as queries:
            outcome = write_survey_batch(plan, answers, [line for line, _cells in records])
        assert outcome.created == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_time_of_day_without_a_date_is_refused():
    CallFactory(external_id="PBX-1")
    _c, _u, _n, refused = run([["R-1", "", "10:00", "9", "", "", "PBX-1", "", ""]])
    assert refused == {2: "Time: a time of day needs a date in “Date”"}
    assert not SurveyResponse.objects.exists()


def test_a_us_date_format_with_a_time_column():
    rows = [
        ["R-1", "03/05/2025", "14:30:15", "9", "", "", "", "", ""],
        ["R-2", "03/05/2025", "", "9", "", "", "", "", ""],
    ]
    assert run(rows, date_format="%m/%d/%Y")[:4] == (2, 0, 0, {})
    times = dict(SurveyResponse.objects.values_list("external_id", "responded_at"))
    assert times == {
        "R-1": datetime(2025, 3, 5, 14, 30, 15, tzinfo=UTC),
        "R-2": datetime(2025, 3, 5, tzinfo=UTC),
    }


def test_a_short_row_has_empty_trailing_cells():
    full = ["2025-03-05", "10:00", "7", "", "", "", "", ""]
    rows = [["R-1", "2025-03-05", "10:00", "9"], ["R-2", *full], ["R-3", *full], ["R-4", *full, "extra"]]
    _c, _u, _n, refused = run(rows)
    assert list(refused) == [5]  # more cells than the header: refused
    assert dict(SurveyResponse.objects.values_list("external_id", "nps")) == {"R-1": 9, "R-2": 7, "R-3": 7}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["ID", "Date", "Time", "Rating", "Country", "Conversation ID"],
            {
                "external_id": "ID",
                "responded_on": "Date",
                "responded_time": "Time",
                "csat": "Rating",
                "segment": "Country",
                "call_external_id": "Conversation ID",
            },
        ),
        # A date-time column wins over a date column; the time of day then goes with the date.
        (
            ["Response ID", "Submitted at", "Date", "Time", "NPS"],
            {"external_id": "Response ID", "responded_at": "Submitted at", "nps": "NPS"},
        ),
        (["Time", "NPS", "Ticket"], {"nps": "NPS", "case_id": "Ticket"}),  # a time of day alone is no time
    ],
)
def test_the_mapping_is_pre_filled_with_the_survey_fields_by_the_one_suggestion(headers, expected):
    assert suggest_columns(headers=headers, field_set=SURVEY_FIELD_SET) == expected
    validate_survey_columns(columns=expected)
    # The same headers read as a call file map call fields, not survey ones.
    assert not set(suggest_columns(headers=headers)) & {"responded_at", "responded_on", "segment"}


def _plan(date_format: str = "") -> SurveyPlan:
    return SurveyPlan(headers=HEADER, columns=COLUMNS, date_format=date_format)


def test_a_converted_row_is_the_answer_the_constructor_gives():
    answer = _plan().convert(["R-1", "05/03/2025", "14:30", "9", "4", "LV", "PBX-1", "T-7", "Kind"])
    assert answer == SurveyAnswer(
        external_id="R-1",
        nps=9,
        csat=4,
        comment="Kind",
        responded_at=datetime(2025, 3, 5, 14, 30, tzinfo=UTC),
        segment="LV",
        call_external_id="PBX-1",
        case_id="T-7",
    )
    assert vars(answer) == vars(SurveyAnswer(**vars(answer)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.nps = 3  # still frozen


@pytest.mark.parametrize("empty", ["", "  ", "null", " NULL "])
def test_empty_cells_and_nulls_give_the_fields_defaults(empty):
    answer = _plan().convert(["R-1", "2025-03-05", "10:00", "9", empty, empty, empty, empty, empty])
    assert answer == SurveyAnswer(external_id="R-1", nps=9, responded_at=datetime(2025, 3, 5, 10, tzinfo=UTC))


def test_every_reason_of_a_row_in_the_fields_order():
    row = ["R/1", "05/03/2025", "25:99", "11", "x", "", "", "", ""]
    with pytest.raises(RowRefused) as refused:
        _plan().convert(row)
    assert [str(reason).split(":")[0] for reason in refused.value.messages] == [
        "Response ID",
        "Date, Time",
        "NPS",
        "CSAT",
    ]


def test_a_date_column_at_midnight_with_a_time_column():
    answer = _plan().convert(["R-1", "2025-03-05 00:00:00", "10:15", "9", "", "", "", "", ""])
    assert answer.responded_at == datetime(2025, 3, 5, 10, 15, tzinfo=UTC)


def test_a_converter_that_refuses_an_empty_cell_is_not_skipped():
    def refuses(raw: str) -> int:
        raise ValueError(raw)

    assert _empty_is(refuses, None) is False
    assert _empty_is(lambda raw: raw.strip(), "") is True
    assert _empty_is(lambda raw: 0, None) is False


# Each row breaks one of the survey service's own rules (calls.surveys.services._own_errors).
BREAKS_A_RULE = [
    ["R-1", "2025-03-05", "10:00", "11", "", "", "", "", ""],  # NPS out of range
    ["R-2", "2025-03-05", "10:00", "", "0", "", "", "", ""],  # CSAT out of range
    ["R-3", "2025-03-05", "10:00", "", "", "", "", "", "no score"],
    ["R" * 101, "2025-03-05", "10:00", "5", "", "", "", "", ""],  # response id too long
    ["R/5", "2025-03-05", "10:00", "5", "", "", "", "", ""],
    ["R-6", "2025-03-05", "10:00", "5", "", "M" * 101, "", "", ""],  # segment too long
    ["R-7", "2025-03-05", "10:00", "5", "", "", "C" * 101, "", ""],  # call id too long
    ["R-8", "2025-03-05", "10:00", "5", "", "", "", "T" * 101, ""],  # case id too long
    ["R-9", "1999-12-31", "10:00", "5", "", "", "", "", ""],  # before 2000
    ["R-10", "2099-01-01", "10:00", "5", "", "", "", "", ""],  # ahead of now
    ["", "2025-03-05", "10:00", "5", "", "", "", "", ""],  # no response id, call or case
]


def test_the_import_refuses_what_the_service_would_refuse_on_its_own():
    """The import's answers reach the service `checked`, which tests only their key again: its converters
    refuse every other row the service's own rules refuse. An answer they let through gets the same
    refusals from the service, checked or not."""
    plan, in_range = _plan(), TimeRange.now()
    let_through = []
    for cells in BREAKS_A_RULE:
        try:
            answer = plan.convert(cells)
        except RowRefused:
            continue
        let_through.append(answer)
        assert _own_errors(answer, in_range) == {"external_id": [NEEDS_KEY()]}
    assert [answer.external_id for answer in let_through] == [""]
    outcomes = [
        [refused.errors for refused in record_survey_answers(rows=let_through, checked=checked).refused]
        for checked in (False, True)
    ]
    assert outcomes[0] == outcomes[1] == [{"external_id": [NEEDS_KEY()]}]
    _c, _u, _n, refused = run(BREAKS_A_RULE)
    assert sorted(refused) == list(range(2, 2 + len(BREAKS_A_RULE)))
    assert refused[12] == f"Response ID: {NEEDS_KEY()}"
    assert not SurveyResponse.objects.exists()


# The answer's time in the database's form, read off the cell where it can be (calls.imports.converters):
# whatever the cell's form, it is the value Django itself writes for that time, or None (adapted then).
# (cell, its time, whether its stored form is cut from the text on SQLite in a UTC center: the forms
# YYYY-MM-DD[ T]HH:MM[:SS], and the day-first ones read as such)
SINGLE_COLUMN_TIMES = [
    ("2025-03-05 14:30", datetime(2025, 3, 5, 14, 30, tzinfo=UTC), True),
    ("2025-03-05T14:30:05", datetime(2025, 3, 5, 14, 30, 5, tzinfo=UTC), True),
    (" 05/03/2025 14:30 ", datetime(2025, 3, 5, 14, 30, tzinfo=UTC), True),
    ("05.03.2025 09:05:59", datetime(2025, 3, 5, 9, 5, 59, tzinfo=UTC), True),
    ("2025-03-05 14:30:05.250", datetime(2025, 3, 5, 14, 30, 5, 250000, tzinfo=UTC), False),
    ("2025-03-05T14:30:05Z", datetime(2025, 3, 5, 14, 30, 5, tzinfo=UTC), False),
    ("2025-03-05T16:30:05+02:00", datetime(2025, 3, 5, 14, 30, 5, tzinfo=UTC), False),
    ("20250305T1430", datetime(2025, 3, 5, 14, 30, tzinfo=UTC), False),
    ("2025-W10-3T14:30:05", datetime(2025, 3, 5, 14, 30, 5, tzinfo=UTC), False),
    ("2025-03-05", datetime(2025, 3, 5, tzinfo=UTC), False),
    ("5/3/2025 9:05", datetime(2025, 3, 5, 9, 5, tzinfo=UTC), False),
]
TIME_COLUMNS = {"external_id": "Response ID", "responded_at": "Responded", "nps": "NPS"}


@pytest.mark.parametrize(("cell", "expected", "cut"), SINGLE_COLUMN_TIMES)
def test_the_stored_form_of_a_time_read_off_its_cell_is_what_django_writes(cell, expected, cut):
    plan = SurveyPlan(headers=["Response ID", "Responded", "NPS"], columns=TIME_COLUMNS, date_format="")
    answer = plan.convert(["R-1", cell, "9"])
    assert answer.responded_at == expected
    assert answer.responded_at_stored in {None, connection.ops.adapt_datetimefield_value(expected)}
    if connection.vendor == "sqlite":
        assert (answer.responded_at_stored is not None) == cut


@pytest.mark.parametrize(
    ("day", "time_of_day", "expected", "cut"),
    [
        ("2025-03-05", "14:30", datetime(2025, 3, 5, 14, 30, tzinfo=UTC), True),
        ("05/03/2025", "14:30:05", datetime(2025, 3, 5, 14, 30, 5, tzinfo=UTC), True),
        ("2025-03-05 00:00:00", "09:05", datetime(2025, 3, 5, 9, 5, tzinfo=UTC), True),
        ("2025-03-05", "", datetime(2025, 3, 5, tzinfo=UTC), True),
        ("05/03/2025", "9:05", datetime(2025, 3, 5, 9, 5, tzinfo=UTC), False),
    ],
)
def test_the_stored_form_of_a_date_and_time_of_day_is_what_django_writes(day, time_of_day, expected, cut):
    answer = _plan().convert(["R-1", day, time_of_day, "9", "", "", "", "", ""])
    assert answer.responded_at == expected
    assert answer.responded_at_stored in {None, connection.ops.adapt_datetimefield_value(expected)}
    if connection.vendor == "sqlite":
        assert (answer.responded_at_stored is not None) == cut


@pytest.mark.parametrize(("cell", "expected", "_cut"), SINGLE_COLUMN_TIMES[:5])
def test_in_a_center_outside_utc_no_stored_form_is_read_off_the_cell(settings, cell, expected, _cut):
    settings.TIME_ZONE = "Europe/Riga"  # a cell's time is Riga's: 14:30 there is 12:30 UTC
    plan = SurveyPlan(headers=["Response ID", "Responded", "NPS"], columns=TIME_COLUMNS, date_format="")
    answer = plan.convert(["R-1", cell, "9"])
    assert answer.responded_at == expected.replace(tzinfo=ZoneInfo("Europe/Riga"))
    assert answer.responded_at_stored is None


def test_imported_times_are_found_by_the_orm_as_if_it_had_written_them():
    """On SQLite a time is compared as its stored text: a form other than Django's would miss equality
    lookups and order wrongly."""
    header = ["Response ID", "Responded", "NPS"]
    rows = [[f"R-{n}", cell, "9"] for n, (cell, _expected, _cut) in enumerate(SINGLE_COLUMN_TIMES)]
    created, _updated, _unchanged, refused = run(rows, columns=TIME_COLUMNS, header=header)
    assert (created, refused) == (len(rows), {})
    for n, (_cell, expected, _cut) in enumerate(SINGLE_COLUMN_TIMES):
        assert (
            SurveyResponse.objects.get(responded_at=expected, external_id=f"R-{n}").responded_at == expected
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT external_id, {datetime_selected('responded_at')} FROM calls_surveyresponse")  # noqa: S608
        stored = dict(cursor.fetchall())
    for n, (_cell, expected, _cut) in enumerate(SINGLE_COLUMN_TIMES):
        assert stored[f"R-{n}"] == connection.ops.adapt_datetimefield_value(expected)
