"""Excel (.xlsx) exports: typed cells are read like their CSV text; line numbers are the sheet's rows."""

from datetime import datetime, time, timedelta

import pytest

from calls.imports.reading import FileRefused, preview_table
from calls.models import Call
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, call, run_import, utc, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_xlsx_with_typed_cells(jdoe, call_type):
    rows = [
        ["C1", datetime(2024, 3, 5, 14, 30), "A100", "inbound-support", 300, True],
        [1002, "2024-03-05T15:00:00Z", "jdoe", "Inbound support", time(0, 5, 30), "N"],
        [None, None, None, None, None, None],  # an empty row is skipped
        ["C3", "05/03/2024 16:00", "A100", "inbound-support", timedelta(minutes=2), 1],
        ["C4", "not a date", "A100", "inbound-support", 12.0, "Y"],
        ["C5", datetime(2024, 3, 5, 17, 0), "A100", "inbound-support", None, False],
    ]
    result = run_import(xlsx_bytes(BASIC_HEADER, rows), file_name="calls.xlsx")
    assert (result.total_rows, result.created, result.refused) == (5, 4, 1)
    assert result.errors[0].line_number == 6  # header is row 1, the empty row 4 still counts
    first = call("C1")
    assert (first.started_at, first.talk_seconds, first.answered) == (utc(2024, 3, 5, 14, 30), 300, True)
    second = call("1002")  # a numeric id is read as 1002, not 1002.0
    assert (second.started_at, second.talk_seconds, second.answered) == (utc(2024, 3, 5, 15), 330, False)
    assert second.call_type == call_type
    assert call("C3").talk_seconds == 120
    assert (call("C5").talk_seconds, call("C5").answered) == (None, False)


def test_xlsx_reimport_updates(jdoe):
    data = xlsx_bytes(
        BASIC_HEADER, [["C1", datetime(2024, 3, 5, 14, 30), "A100", "inbound-support", 300, "Y"]]
    )
    run_import(data, file_name="calls.xlsx")
    again = run_import(data, file_name="calls.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Call.objects.count() == 1


def test_xlsx_is_recognised_by_its_content_whatever_the_name(jdoe):
    data = xlsx_bytes(
        BASIC_HEADER, [["C1", datetime(2024, 3, 5, 14, 30), "A100", "inbound-support", 300, "Y"]]
    )
    assert run_import(data, file_name="export.dat").created == 1


def test_xlsx_preview_and_refusals():
    preview = preview_table(
        data=xlsx_bytes(["Call ID", "Start"], [["C1", "2024-03-05 10:00"]]), file_name="a.xlsx"
    )
    assert preview.headers == ["Call ID", "Start"]
    assert preview.rows == [["C1", "2024-03-05 10:00"]]
    assert "Calls" in preview.description  # the sheet's name
    with pytest.raises(FileRefused, match="header row but no data rows"):
        run_import(xlsx_bytes(BASIC_HEADER, []), file_name="calls.xlsx")
    with pytest.raises(FileRefused, match="The file is empty"):
        run_import(xlsx_bytes([], []), file_name="calls.xlsx")
    with pytest.raises(FileRefused, match="single column"):
        run_import(xlsx_bytes(["Notes"], [["hello"]]), file_name="calls.xlsx")


def test_xlsx_missing_required_column(jdoe):
    with pytest.raises(FileRefused, match="no column “started_at”"):
        run_import(
            xlsx_bytes(["external_id", "agent"], [["C1", "A100"]]),
            file_name="calls.xlsx",
            columns=BASIC_COLUMNS,
        )
    assert not Call.objects.exists()
