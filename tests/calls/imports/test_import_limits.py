"""Files that would take the server down are refused at upload, quickly and without big memory."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls.imports import reading
from calls.imports.reading import LimitExceeded, check_upload, read_table
from calls.models import Call, ImportJob
from tests.calls.imports.helpers import (
    BASIC_COLUMNS,
    BASIC_HEADER,
    basic_row,
    make_csv,
    run_import,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def _with_member(xlsx: bytes, name: str, chunk: bytes, size: int) -> bytes:
    """The workbook with `name` replaced by `size` bytes of `chunk` repeated, streamed into the archive."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member, source.read(member))
        with target.open(name, "w", force_zip64=True) as handle:
            for _ in range(size // len(chunk)):
                handle.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def shared_strings_bomb() -> bytes:
    """A real workbook whose shared strings expand from a few hundred KB to 128 MB."""
    workbook = xlsx_bytes(BASIC_HEADER, [basic_row()])
    strings = b"<sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
    bomb = _with_member(workbook, "xl/sharedStrings.xml", strings + b"<si><t>x</t></si>" * 65536, 128 * 2**20)
    assert len(bomb) < 2 * 2**20
    return bomb


def test_an_xlsx_zip_bomb_is_refused_before_anything_is_decompressed(shared_strings_bomb):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(LimitExceeded, match="xl/sharedStrings.xml") as refused:
            check_upload(data=shared_strings_bomb, file_name="calls.xlsx")
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "would expand from" in str(refused.value)
    assert elapsed < 1
    assert peak < 10 * 2**20  # the file itself is already in memory; nothing is decompressed
    # The job and the command read files through the same check.
    with pytest.raises(LimitExceeded):
        run_import(shared_strings_bomb, file_name="calls.xlsx")


def test_an_xlsx_zip_bomb_is_refused_next_to_the_upload_field(client, manager, shared_strings_bomb):
    client.force_login(manager)
    upload = SimpleUploadedFile("calls.xlsx", shared_strings_bomb)
    response = client.post(reverse("imports:new"), {"file": upload})
    assert response.status_code == 200
    assert "would expand from" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_an_xlsx_expanding_beyond_the_total_cap_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_XLSX_UNCOMPRESSED", 2 * 2**20)
    workbook = xlsx_bytes(BASIC_HEADER, [basic_row()])
    # Below the ratio that gives a bomb away, but more than the archive may hold decompressed.
    big = _with_member(workbook, "xl/media/filler.bin", bytes(range(256)) * 64, 3 * 2**20)
    with pytest.raises(LimitExceeded, match="would expand to"):
        check_upload(data=big, file_name="calls.xlsx")
    check_upload(data=workbook, file_name="calls.xlsx")  # the same workbook without it is fine


def test_a_sheet_declaring_more_cells_than_the_cap_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_XLSX_CELLS", 1000)
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(BASIC_HEADER)
    sheet.append(basic_row())
    sheet.cell(row=500, column=6, value="x")  # 500 rows × 6 columns
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(LimitExceeded, match="more than 1,000 cells"):
        read_table(data=out.getvalue(), file_name="calls.xlsx")


def test_rows_are_counted_while_reading_when_the_sheet_declares_no_size(monkeypatch):
    monkeypatch.setattr(reading, "MAX_XLSX_CELLS", 50)
    workbook = xlsx_bytes(BASIC_HEADER, [basic_row(f"C{n}") for n in range(20)])
    # Without the <dimension> element, the only way to know the size is to read the rows.
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension")
    sheet = sheet[:start] + sheet[sheet.index(b"/>", start) + 2 :]
    undeclared = _with_member(workbook, "xl/worksheets/sheet1.xml", sheet, len(sheet))
    with pytest.raises(LimitExceeded, match="more than 50 cells"):
        read_table(data=undeclared, file_name="calls.xlsx")


def test_a_stray_cell_far_to_the_right_does_not_widen_every_row(jdoe):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(BASIC_HEADER)
    for n in range(50):
        sheet.append(basic_row(f"C{n}"))
    sheet.cell(row=30, column=16384, value="stray")  # column XFD: the sheet is 16,384 columns wide
    out = io.BytesIO()
    workbook.save(out)
    started = time.perf_counter()
    result = run_import(out.getvalue(), file_name="calls.xlsx")
    assert time.perf_counter() - started < 5
    assert (result.created, result.refused) == (50, 0)


def test_a_csv_with_thousands_of_columns_is_refused_at_upload_naming_the_number(client, manager):
    header = [f"metric {n}" for n in range(5000)]
    data = make_csv(header, [["1"] * 5000])
    with pytest.raises(LimitExceeded, match="This file has 5,000 columns"):
        check_upload(data=data, file_name="wide.csv")
    client.force_login(manager)
    response = client.post(reverse("imports:new"), {"file": SimpleUploadedFile("wide.csv", data)})
    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert "5,000 columns" in error and "at most 200" in error
    assert not ImportJob.objects.exists()


def test_columns_up_to_the_cap_are_fine_and_trailing_empty_headers_do_not_count():
    header = [*BASIC_HEADER, *(f"extra {n}" for n in range(reading.MAX_COLUMNS - len(BASIC_HEADER)))]
    data = make_csv([*header, "", "", ""], [basic_row()])
    check_upload(data=data, file_name="calls.csv")
    assert len(read_table(data=data).headers) == reading.MAX_COLUMNS + 3
    with pytest.raises(LimitExceeded, match="201 columns"):
        check_upload(data=make_csv([*header, "one more"], [basic_row()]), file_name="calls.csv")


def test_a_wide_xlsx_is_refused_too():
    header = [f"metric {n}" for n in range(300)]
    with pytest.raises(LimitExceeded, match="more than 200 columns"):
        check_upload(data=xlsx_bytes(header, [["1"] * 300]), file_name="wide.xlsx")


def test_other_unusable_files_are_left_to_the_job_page(jdoe):
    check_upload(data=b"%PDF-1.5 binary", file_name="report.csv")  # refused on the job page, not here
    check_upload(data=make_csv(BASIC_HEADER, [basic_row()]), file_name="calls.csv")
    assert run_import(make_csv(BASIC_HEADER, [basic_row()]), BASIC_COLUMNS).created == 1
    assert Call.objects.count() == 1
