"""Reading a CSV or Excel export into a table, or refusing it (DESIGN.md capability 1; issue 2, part 6).

How messy files are read (decisions, so that a reader can find the rule here):

- Files: CSV (any extension) or Excel .xlsx (first sheet, read-only). Text must be UTF-8, with or without BOM;
  anything else is refused with a hint to save as "CSV UTF-8" rather than guessed (a wrong guess corrupts
  names silently). The delimiter is sniffed from the header line: comma, semicolon or tab. CRLF, LF and CR
  line ends are all accepted; quoted cells may span lines.
- Line numbers are physical lines of the file, the header being line 1 (a quoted cell spanning two lines
  makes the next row start two lines later). In .xlsx files they are the sheet's row numbers.
- Blank lines (and rows of empty cells) are skipped. A row with more non-empty cells than the header, or
  fewer cells, is refused (calls.imports.writer): its values would land in the wrong fields.
- Whole-file refusals (status "refused", nothing written): not a table (binary, PDF, old .xls, one column,
  rows that do not line up with the header), empty, header only. They are all found here, before the
  first write.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain, islice
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SNIFF_BYTES = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
STRUCTURE_SAMPLE = 20  # rows checked against the header before anything is written
XLSX_COUNT_CHUNK = 1024 * 1024  # bytes of sheet XML decompressed at a time to count its rows


class FileRefused(Exception):
    """The whole file is refused; the message says why, for the user."""


class FileUnreadable(Exception):
    """The file stops being readable part-way (after the rows checked up front): the job fails there."""


@dataclass
class Table:
    headers: list[str]
    records: Iterator[tuple[int, list[str]]]  # (physical line number, cells), header excluded
    estimated_rows: int
    description: str
    delimiter: str = ","

    def format_row(self, cells: list[str]) -> str:
        """A refused row as it stood in the file, for the report and the CSV download."""
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator="").writerow(cells)
        return out.getvalue()


_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_DELIMITERS = {",": gettext_lazy("comma"), ";": gettext_lazy("semicolon"), "\t": gettext_lazy("tab")}


def read_table(*, data: bytes, file_name: str = "") -> Table:
    """The file as a header and a lazy iterator of rows, or FileRefused when it is not a usable table."""
    if not data.removeprefix(UTF8_BOM).strip():
        raise FileRefused(_("The file is empty."))
    head = data[:SNIFF_BYTES]
    if head.startswith(b"%PDF"):
        raise FileRefused(_("This is a PDF document, not a table. Export the calls as CSV or Excel (.xlsx)."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _("This is an old Excel (.xls) file. Save it as .xlsx or as CSV UTF-8 and upload again.")
        )
    if head.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    if _BINARY.search(data):
        raise FileRefused(_("This is a binary file, not a table. Export the calls as CSV or Excel (.xlsx)."))
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    with_bom = data.startswith(UTF8_BOM)
    # Physical lines; a quoted cell spanning lines makes this an overestimate, corrected at the end.
    estimated = (data.count(b"\n") or data.count(b"\r")) + (not data.endswith((b"\n", b"\r")))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileRefused(
            _(
                "The file is not UTF-8 text (first unreadable byte on line %(line)s). "
                "Save it as “CSV UTF-8” and upload again."
            )
            % {"line": line}
        ) from exc
    first_line = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    delimiter = _sniff_delimiter(first_line)
    if delimiter is None:
        raise FileRefused(
            _(
                "This is not a table: the first line has a single column. A CSV export separates its "
                "columns with commas or semicolons."
            )
        )
    # Long transcripts exceed csv's default 128 KiB cell limit.
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        try:
            for row in reader:
                start = last + 1
                last = reader.line_num
                if any(row) and (len(row) > 1 or row[0].strip()):
                    yield start, row
        except csv.Error as exc:
            raise FileUnreadable(
                _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": last + 1, "error": exc}
            ) from exc

    records = rows()
    header = next(records, None)
    if header is None:
        raise FileRefused(_("The file is empty."))
    headers = [cell.strip() for cell in header[1]]
    description = _("CSV, %(delimiter)s-separated, UTF-8%(bom)s") % {
        "delimiter": _DELIMITERS[delimiter],
        "bom": _(" with BOM") if with_bom else "",
    }
    return _checked_table(headers, records, max(estimated - header[0], 1), description, delimiter)


def _sniff_delimiter(line: str) -> str | None:
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else None


def _read_xlsx(data: bytes) -> Table:
    import openpyxl  # only the Excel path pays for importing it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(_("This file is not a readable Excel (.xlsx) workbook.")) from exc
    sheet = workbook.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_xlsx_text(value) for value in values]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    yield number, cells
        finally:
            workbook.close()

    records = rows()
    header = next(records, None)
    if header is None:
        workbook.close()
        raise FileRefused(_("The file is empty."))
    headers = [cell.strip() for cell in header[1]]
    estimated = max(_xlsx_last_row(sheet) - header[0], 1)
    padded = ((number, cells + [""] * (len(headers) - len(cells))) for number, cells in records)
    return _checked_table(headers, padded, estimated, _("Excel workbook, sheet “%s”") % sheet.title, ",")


def _xlsx_last_row(sheet) -> int:
    """The sheet's last row number, for the estimate: from its <dimension> when that covers more than one
    row, else (many exporters write none, or "A1") by counting its <row> elements while decompressing the
    sheet's XML in chunks, which is cheap beside parsing it."""
    if sheet.max_row and sheet.max_row > 1:
        return sheet.max_row
    count, tail = 0, b""
    with sheet._get_source() as source:  # openpyxl's own reader of the sheet's XML member
        while chunk := source.read(XLSX_COUNT_CHUNK):
            text = tail + chunk
            count += text.count(b"<row ") + text.count(b"<row>") + text.count(b":row ") + text.count(b":row>")
            tail = text[-4:]  # shorter than a tag: a tag cut by the chunk's end is counted next time, once
    return count


def _xlsx_text(value: Any) -> str:
    """Excel cells are typed; the converters read text, as from a CSV file."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value.hour}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, timedelta):
        return str(round(value.total_seconds()))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _checked_table(headers, records, estimated, description, delimiter) -> Table:
    if sum(1 for h in headers if h) < 2:
        raise FileRefused(
            _(
                "This is not a table: the first row has a single column. "
                "Calls need at least an id and a start time."
            )
        )
    try:
        sample = list(islice(records, STRUCTURE_SAMPLE))
    except FileUnreadable as exc:
        raise FileRefused(str(exc)) from exc
    if not sample:
        raise FileRefused(_("The file has a header row but no data rows."))
    width = len(headers)
    lined_up = sum(1 for _line, cells in sample if len(cells) >= width and not any(cells[width:]))
    if lined_up * 2 < len(sample):
        raise FileRefused(
            _(
                "This is not a table: most rows do not have the %(count)s columns of the header line. "
                "Check that the file is a CSV export."
            )
            % {"count": width}
        )
    return Table(headers, chain(sample, records), estimated, description, delimiter)


@dataclass
class Preview:
    headers: list[str]
    rows: list[list[str]]
    description: str
    estimated_rows: int


def preview_table(*, data: bytes, file_name: str = "", rows: int = 5) -> Preview:
    table = read_table(data=data, file_name=file_name)
    sample = [cells for _line, cells in islice(table.records, rows)]
    return Preview(table.headers, sample, table.description, table.estimated_rows)
