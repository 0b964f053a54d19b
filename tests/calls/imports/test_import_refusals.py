"""Whole-file refusals: a file that is not a usable table is refused with a clear message, nothing written."""

import re

import pytest

from calls.imports.reading import FileRefused, preview_table
from calls.models import Call, SurveyResponse
from tests.calls.imports.helpers import BASIC_COLUMNS, BASIC_HEADER, basic_row, make_csv, run_import

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256))
PROSE = b"Dear QA team\nPlease find the calls of last week below\nWe had a busy Monday\nRegards\n"
PROSE_WITH_COMMAS = (
    b"Hello team, here is the report\n"
    b"Monday was busy, very busy, and Tuesday too\n"
    b"Nothing else to add\n"
    b"Thanks, see you, bye, for now, really\n"
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty"),
        (b"\n\r\n  \n", "The file is empty"),
        (b"\xef\xbb\xbf", "The file is empty"),
        (bytes(range(256)) * 8, "binary file"),
        (b"id,start\nC1,2024-03-05\n" + bytes(range(256)), "binary file"),
        (PDF, "PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel (.xls)"),
        (b"PK\x03\x04 this is not really a zip", "not a readable Excel"),
        (PROSE, "single column"),
        (PROSE_WITH_COMMAS, "most rows have more columns than the 2 of the header line"),
        (",".join(BASIC_HEADER).encode() + b"\r\n", "header row but no data rows"),
        (",".join(BASIC_HEADER).encode() + b"\n\n,,,,,\n", "header row but no data rows"),
        (
            "id;start\nC1;\u00e9t\u00e9\n".encode("latin-1"),
            "not UTF-8 text (first unreadable byte on line 2)",
        ),
    ],
)
def test_unusable_files_are_refused_as_a_whole(jdoe, data, reason):
    with pytest.raises(FileRefused, match=re.escape(reason)):
        run_import(data)
    assert not Call.objects.exists()


def test_preview_refuses_the_same_files():
    with pytest.raises(FileRefused, match="PDF"):
        preview_table(data=PDF, file_name="calls.csv")


def test_a_missing_required_column_refuses_the_file_and_writes_nothing(jdoe):
    header = [h for h in BASIC_HEADER if h != "started_at"]
    rows = [[c for h, c in zip(BASIC_HEADER, basic_row(), strict=True) if h != "started_at"]]
    with pytest.raises(
        FileRefused, match="no column “started_at”, mapped to the required field “started at”"
    ):
        run_import(make_csv(header, rows))
    assert not Call.objects.exists()


@pytest.mark.parametrize("missing", ["external_id", "started_at"])
def test_a_mapping_without_a_required_field_is_refused(jdoe, missing):
    columns = {k: v for k, v in BASIC_COLUMNS.items() if k != missing}
    with pytest.raises(FileRefused, match="No column is mapped to the required field"):
        run_import(make_csv(BASIC_HEADER, [basic_row()]), columns=columns)
    assert not Call.objects.exists()


def test_a_missing_optional_column_is_skipped_and_noted(jdoe):
    columns = {**BASIC_COLUMNS, "queue": "Queue name", "nps": "NPS"}
    result = run_import(make_csv(BASIC_HEADER, [basic_row()]), columns=columns)
    assert result.created == 1
    assert "Queue name" in result.notes[0] and "NPS" in result.notes[0]
    assert not SurveyResponse.objects.exists()


def test_answered_and_abandoned_together_are_refused(jdoe):
    columns = {**BASIC_COLUMNS, "abandoned": "answered"}
    with pytest.raises(FileRefused, match="either “answered” or “abandoned”"):
        run_import(make_csv(BASIC_HEADER, [basic_row()]), columns=columns)


def test_a_duplicated_mapped_header_is_refused(jdoe):
    header = [*BASIC_HEADER, "talk_seconds"]
    with pytest.raises(FileRefused, match="appears more than once"):
        run_import(make_csv(header, [basic_row() + ["5"]]))


def test_an_unknown_field_in_a_saved_mapping_is_refused(jdoe):
    with pytest.raises(FileRefused, match="Unknown call fields in the mapping: mood"):
        run_import(make_csv(BASIC_HEADER, [basic_row()]), columns={**BASIC_COLUMNS, "mood": "answered"})
