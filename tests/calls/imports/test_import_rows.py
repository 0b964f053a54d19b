"""Row by row: refused rows with their line numbers, references, surveys, duplicates and re-imports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.models import Call, ImportJob, ImportRowError, SurveyResponse
from tests.calls.imports.helpers import (
    BASIC_COLUMNS,
    BASIC_HEADER,
    basic_row,
    call,
    make_csv,
    run_import,
    utc,
    xlsx_bytes,
)
from tests.factories import AgentFactory, CallTypeFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_a_broken_row_in_the_middle_is_reported_and_the_rest_imports(jdoe):
    rows = [basic_row(f"C{n}") for n in range(1, 6)]
    rows[2] = basic_row("C3", agent="ghost")
    result = run_import(make_csv(BASIC_HEADER, rows))
    assert (result.total_rows, result.created, result.refused) == (5, 4, 1)
    assert set(Call.objects.values_list("external_id", flat=True)) == {"C1", "C2", "C4", "C5"}
    error = result.errors[0]
    assert error.line_number == 4  # header = line 1
    assert "unknown agent “ghost”" in error.message
    assert error.raw == "C3,2024-03-05 14:30:00,ghost,inbound-support,300,Y"


def test_line_numbers_are_physical_lines_across_multiline_cells_and_blank_lines(jdoe):
    header = [*BASIC_HEADER, "transcript"]
    columns = {**BASIC_COLUMNS, "transcript": "transcript"}
    text = (
        ",".join(header)
        + "\n"
        + ",".join(basic_row("C1"))
        + ',"line one\nline two\nline three"\n'  # lines 2-4
        + "\n"  # line 5, blank
        + ",".join(basic_row("C2", talk="oops"))
        + ",\n"  # line 6
        + ",".join(basic_row("C3"))
        + ",\n"  # line 7
    )
    result = run_import(text.encode(), columns=columns)
    assert (result.created, result.refused) == (2, 1)
    assert result.errors[0].line_number == 6
    assert call("C1").transcript == "line one\nline two\nline three"


def test_every_reason_of_a_row_is_given(jdoe):
    result = run_import(make_csv(BASIC_HEADER, [basic_row(agent="ghost", talk="x", answered="perhaps")]))
    message = result.errors[0].message
    assert "ghost" in message and "“x”" in message and "perhaps" in message


def test_row_with_missing_required_values_is_refused(jdoe):
    rows = [basic_row(""), basic_row("C2", started_at=""), basic_row("C3", started_at="null")]
    result = run_import(make_csv(BASIC_HEADER, rows))
    assert result.refused == 3
    assert "external id is empty" in result.errors[0].message
    assert "start time is empty" in result.errors[1].message
    assert not Call.objects.exists()


def test_rows_with_the_wrong_number_of_cells(jdoe):
    text = (
        ",".join(BASIC_HEADER)
        + "\n"
        + ",".join(basic_row("C1"))
        + "\n"
        + ",".join(basic_row("C2"))
        + ",extra\n"  # a value beyond the header: refused, with its line number
        + ",".join(basic_row("C3")[:4])
        + "\n"  # trailing cells missing: they are empty
        + ",".join(basic_row("C4"))
        + ",,\n"  # trailing empty cells beyond the header: fine
        + ",".join(basic_row("C5"))
        + "\n"
    )
    result = run_import(text.encode())
    assert result.created == 4
    assert [e.line_number for e in result.errors] == [3]
    assert "7 cells but the header has 6" in result.errors[0].message
    assert result.errors[0].raw == ",".join(basic_row("C2")) + ",extra"


def test_short_rows_have_empty_trailing_cells_as_in_excel(jdoe):
    """Exports that drop trailing empty cells: an abandoned call's row ends after its last value."""
    header = [*BASIC_HEADER, "hold_seconds", "nps"]
    columns = {**BASIC_COLUMNS, "hold_seconds": "hold_seconds", "nps": "nps"}
    rows = [
        [*basic_row("C1"), "20", "9"],
        ["C2", "2024-03-05 14:31:00", "A100", "inbound-support", "", "N"],  # no hold, no survey
        ["C3", "2024-03-05 14:32:00"],  # abandoned before anything was known
        [*basic_row("C4"), "20", "9", "surplus"],  # longer than the header: refused
    ]
    result = run_import(make_csv(header, rows), columns)
    assert (result.created, result.refused) == (3, 1)
    assert result.errors[0].line_number == 5
    assert "9 cells but the header has 8" in result.errors[0].message
    short = call("C3")
    assert (short.agent, short.talk_seconds, short.hold_seconds, short.answered) == (None, None, None, None)
    assert call("C2").answered is False and call("C2").hold_seconds is None
    assert not SurveyResponse.objects.filter(call__external_id__in=["C2", "C3"]).exists()


def test_short_rows_in_xlsx_and_csv_import_the_same(jdoe):
    rows = [["C1", "2024-03-05 14:30:00", "A100"], ["C2", "2024-03-05 14:31:00"]]
    header = ["external_id", "started_at", "agent", "talk_seconds", "answered"]
    columns = {name: name for name in header}
    from_csv = run_import(make_csv(header, rows), columns)
    stored_csv = list(Call.objects.order_by("external_id").values_list("external_id", "agent", "answered"))
    Call.objects.all().delete()
    from_xlsx = run_import(xlsx_bytes(header, rows), columns, file_name="calls.xlsx")
    stored_xlsx = list(Call.objects.order_by("external_id").values_list("external_id", "agent", "answered"))
    assert (from_csv.created, from_xlsx.created) == (2, 2)
    assert stored_csv == stored_xlsx == [("C1", jdoe.pk, None), ("C2", None, None)]


def test_agent_by_code_or_username_any_case(team, call_type):
    alice = AgentFactory(username="alice", agent_code="7001", team=team)
    bob = AgentFactory(username="bob", agent_code="", team=team)
    # One person's username is another's agent code: the agent code wins.
    AgentFactory(username="7002", agent_code="9999", team=team)
    dave = AgentFactory(username="dave", agent_code="7002", team=team)
    rows = [
        basic_row("C1", agent="7001"),
        basic_row("C2", agent="BOB"),
        basic_row("C3", agent="Alice"),
        basic_row("C4", agent="7002"),
    ]
    result = run_import(make_csv(BASIC_HEADER, rows))
    assert result.refused == 0
    assert [call(e).agent for e in ("C1", "C2", "C3", "C4")] == [alice, bob, alice, dave]


def test_call_type_by_code_or_name_any_case(jdoe, call_type):
    billing = CallTypeFactory(slug="billing", name="Billing questions")
    rows = [
        basic_row("C1", call_type="BILLING"),
        basic_row("C2", call_type="billing questions"),
        basic_row("C3", call_type="Inbound Support"),
        basic_row("C4", call_type="sales"),
    ]
    result = run_import(make_csv(BASIC_HEADER, rows))
    assert [call(e).call_type for e in ("C1", "C2", "C3")] == [billing, billing, call_type]
    assert "unknown call type “sales”" in result.errors[0].message


def test_team_by_name_defaults_to_the_agents_team(jdoe, team, other_team):
    header = [*BASIC_HEADER, "team"]
    columns = {**BASIC_COLUMNS, "team": "team"}
    rows = [
        basic_row("C1") + ["green"],
        basic_row("C2") + [""],
        basic_row("C3") + ["Purple"],
        basic_row("C4", agent="") + [""],
    ]
    result = run_import(make_csv(header, rows), columns=columns)
    assert call("C1").team == other_team
    assert call("C2").team == team
    assert call("C4").team is None and call("C4").agent is None
    assert result.errors[0].line_number == 4
    assert "unknown team “Purple”" in result.errors[0].message


def test_survey_columns_create_and_update_the_survey_response(jdoe):
    header = [*BASIC_HEADER, "nps", "csat", "comment"]
    columns = {**BASIC_COLUMNS, "nps": "nps", "csat": "csat", "survey_comment": "comment"}
    rows = [
        basic_row("C1") + ["9", "5", "Lovely"],
        basic_row("C2") + ["0", "", ""],
        basic_row("C3") + ["", "", ""],  # no survey
        basic_row("C4") + ["11", "3", ""],
        basic_row("C5") + ["7", "0", ""],
        basic_row("C6") + ["", "6", ""],
        basic_row("C7") + ["", "null", "A comment and no score"],
        basic_row("C8") + ["8.0", "4", ""],
    ]
    result = run_import(make_csv(header, rows), columns=columns)
    assert result.created == 4
    assert [e.line_number for e in result.errors] == [5, 6, 7, 8]
    assert "NPS must be between 0 and 10, not 11" in result.errors[0].message
    assert "CSAT must be between 1 and 5, not 0" in result.errors[1].message
    assert "CSAT must be between 1 and 5, not 6" in result.errors[2].message
    assert "needs an NPS or CSAT score" in result.errors[3].message
    first = SurveyResponse.objects.get(call__external_id="C1")
    assert (first.nps, first.csat, first.comment) == (9, 5, "Lovely")
    assert first.responded_at == utc(2024, 3, 5, 14, 30)  # when the call happened, not when imported
    assert SurveyResponse.objects.get(call__external_id="C2").csat is None
    assert SurveyResponse.objects.get(call__external_id="C8").nps == 8
    assert not SurveyResponse.objects.filter(call__external_id="C3").exists()

    rows = [basic_row("C1") + ["3", "2", "Changed my mind"]]
    result = run_import(make_csv(header, rows), columns=columns)
    assert (result.created, result.updated) == (0, 1)
    first.refresh_from_db()
    assert (first.nps, first.csat, first.comment) == (3, 2, "Changed my mind")
    assert SurveyResponse.objects.count() == 3


def test_reimport_updates_by_external_id_and_never_duplicates(jdoe):
    data = make_csv(
        BASIC_HEADER, [basic_row(f"C{n}") for n in range(1, 4)] + [basic_row("C9", agent="ghost")]
    )
    first = run_import(data)
    assert (first.created, first.updated, first.refused) == (3, 0, 1)
    again = run_import(data)  # nothing changed: nothing is written
    assert (again.created, again.updated, again.unchanged, again.refused) == (0, 0, 3, 1)
    assert Call.objects.count() == 3

    changed = make_csv(
        BASIC_HEADER,
        [basic_row("C1", talk="0:10:00", answered="N"), basic_row("C2"), basic_row("C4")],
    )
    third = run_import(changed)
    assert (third.created, third.updated, third.unchanged, third.refused) == (1, 1, 1, 0)
    assert Call.objects.count() == 4
    assert (call("C1").talk_seconds, call("C1").answered) == (600, False)


def test_reimport_keeps_fields_the_mapping_does_not_cover(jdoe):
    header = [*BASIC_HEADER, "queue", "case"]
    columns = {**BASIC_COLUMNS, "queue": "queue", "case_id": "case"}
    run_import(make_csv(header, [basic_row() + ["Billing", "CASE-1"]]), columns=columns)
    created_at = call("C1").created_at
    run_import(make_csv(BASIC_HEADER, [basic_row(talk="42")]))
    imported = call("C1")
    assert (imported.talk_seconds, imported.queue, imported.case_id) == (42, "Billing", "CASE-1")
    assert imported.created_at == created_at
    assert imported.updated_at > created_at


def test_a_repeated_external_id_in_one_file_is_refused_and_the_first_row_imports(jdoe):
    rows = [
        basic_row("C1", talk="10"),
        basic_row("C2"),
        basic_row("C1", talk="20"),
        basic_row("C1", talk="30"),
    ]
    for batch_size in (100, 2):  # inside one batch and across batches
        Call.objects.all().delete()
        result = run_import(make_csv(BASIC_HEADER, rows), batch_size=batch_size)
        assert (result.created, result.updated, result.refused) == (2, 0, 2)
        assert [(e.line_number, e.message) for e in result.errors] == [
            (4, "external_id: same external id as line 2"),
            (5, "external_id: same external id as line 2"),
        ]
        assert result.errors[0].raw == ",".join(rows[2])
        assert call("C1").talk_seconds == 10
        assert Call.objects.count() == 2


def test_a_repeated_external_id_after_a_refused_first_row_imports_once(jdoe):
    rows = [basic_row("C1", agent="ghost"), basic_row("C1", talk="20"), basic_row("C1", talk="30")]
    result = run_import(make_csv(BASIC_HEADER, rows))
    assert [(e.line_number, e.message.split(":")[0]) for e in result.errors] == [
        (2, "agent"),
        (4, "external_id"),
    ]
    assert "same external id as line 3" in result.errors[1].message
    assert call("C1").talk_seconds == 20


def test_a_call_no_longer_resolved_loses_its_resolution_time(jdoe):
    header = ["id", "start", "resolved", "resolved at"]
    both = {"external_id": "id", "started_at": "start", "resolved": "resolved", "resolved_at": "resolved at"}
    run_import(make_csv(header, [["C1", "2024-03-05 10:00", "Y", "2024-03-05 11:00"]]), columns=both)
    assert call("C1").resolved_at == utc(2024, 3, 5, 11)
    only_flag = {"external_id": "id", "started_at": "start", "resolved": "resolved"}
    result = run_import(make_csv(header[:3], [["C1", "2024-03-05 10:00", "N"]]), columns=only_flag)
    assert result.updated == 1
    assert (call("C1").resolved, call("C1").resolved_at) == (False, None)


def test_a_resolution_time_contradicting_resolved_is_refused(jdoe):
    header = ["id", "start", "resolved", "resolved at"]
    columns = {
        "external_id": "id",
        "started_at": "start",
        "resolved": "resolved",
        "resolved_at": "resolved at",
    }
    result = run_import(
        make_csv(header, [["C1", "2024-03-05 10:00", "no", "2024-03-05 11:00"]]), columns=columns
    )
    assert result.refused == 1
    assert "not resolved" in result.errors[0].message


def test_text_limits_and_urls(jdoe):
    header = ["id", "start", "queue", "recording"]
    columns = {"external_id": "id", "started_at": "start", "queue": "queue", "recording_url": "recording"}
    rows = [
        ["C1", "2024-03-05 10:00", "General", "https://pbx.example.com/rec/1.mp3"],
        ["X" * 101, "2024-03-05 10:00", "", ""],
        ["C3", "2024-03-05 10:00", "Q" * 101, ""],
        ["C4", "2024-03-05 10:00", "", "ftp://pbx.example.com/1.mp3"],
    ]
    result = run_import(make_csv(header, rows), columns=columns)
    assert result.created == 1
    assert call("C1").recording_url == "https://pbx.example.com/rec/1.mp3"
    assert [e.line_number for e in result.errors] == [3, 4, 5]
    assert "longer than 100 characters" in result.errors[0].message
    assert "not an http(s) URL" in result.errors[2].message


def test_a_job_stores_refused_rows_and_counts_per_batch(jdoe, manager):
    job = ImportJob.objects.create(original_name="calls.csv", file="imports/calls.csv", created_by=manager)
    rows = [basic_row(f"C{n}") for n in range(1, 8)]
    rows[1] = basic_row("C2", agent="ghost")
    rows[5] = basic_row("C6", started_at="soon")
    result = run_import(make_csv(BASIC_HEADER, rows), job=job, batch_size=3)
    assert result.errors == []  # stored on the job instead
    job.refresh_from_db()
    assert (job.processed_rows, job.created_count, job.error_count, job.total_rows) == (7, 5, 2, 7)
    errors = list(ImportRowError.objects.filter(job=job).values_list("line_number", flat=True))
    assert errors == [3, 7]


def test_the_number_of_queries_does_not_grow_with_the_rows(jdoe):
    def queries_for(count: int) -> int:
        Call.objects.all().delete()
        data = make_csv(BASIC_HEADER, [basic_row(f"C{n}") for n in range(count)])
        with CaptureQueriesContext(connection) as context:
            run_import(data, batch_size=1000)
        return len(context.captured_queries)

    assert queries_for(5) == queries_for(500)


def test_new_teams_and_agents_are_not_created_by_an_import(jdoe):
    TeamFactory(name="Other")
    run_import(make_csv(BASIC_HEADER, [basic_row(agent="newbie")]))
    assert not Call.objects.exists()
    assert not AgentFactory._meta.model.objects.filter(username="newbie").exists()
