"""Reading a CSV or Excel export into a table, or refusing it (DESIGN.md capability 1; issue 2, part 6).

How messy files are read (decisions, so that a reader can find the rule here):

- Files: CSV (any extension) or Excel .xlsx (first sheet, read-only). Text must be UTF-8, with or without BOM;
  anything else is refused with a hint to save as "CSV UTF-8" rather than guessed (a wrong guess corrupts
  names silently). The delimiter is sniffed from the header line: comma, semicolon or tab. CRLF, LF and CR
  line ends are all accepted; quoted cells may span lines.
- Line numbers are physical lines of the file, the header being line 1 (a quoted cell spanning two lines
  makes the next row start two lines later). In .xlsx files they are the sheet's row numbers.
- Blank lines (and rows of empty cells) are skipped. A row with fewer cells than the header is padded
  with empty cells, in CSV as in Excel: some exports drop a row's trailing empty cells (an abandoned
  call's row ends after its last value). A row with more non-empty cells than the header is refused
  with its line number (calls.imports.writer): its values would land in the wrong fields.
- Whole-file refusals (status "refused", nothing written): not a table (binary, PDF, old .xls, one column,
  rows longer than the header), empty, header only. They are all found here, before the first write.
- Limits, so that a file cannot take the server down (refused at upload, next to the file field, by
  `check_upload`): at most MAX_COLUMNS columns; an .xlsx is a zip archive, and its members are checked
  before anything is decompressed (MAX_XLSX_UNCOMPRESSED in all, and no big member compressed more than
  MAX_XLSX_RATIO times: a few hundred KB that expand to gigabytes of shared strings or rows are a zip
  bomb, not an export); a sheet is read up to MAX_COLUMNS + 1 columns and MAX_XLSX_CELLS cells.
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

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.reasons import Reason, as_reason, declare

SNIFF_BYTES = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
STRUCTURE_SAMPLE = 20  # rows checked against the header before anything is written
# A call has about 25 fields; an export with more columns than this is not a call list, and each column
# costs a select of every header on the mapping page.
MAX_COLUMNS = 200
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # every member of the archive, decompressed
MAX_XLSX_RATIO = 100  # real sheets compress 5 to 20 times; zip bombs thousands of times
XLSX_RATIO_FROM = 10 * 1024 * 1024  # small members may compress well (styles, empty sheets)
MAX_XLSX_CELLS = 25_000_000  # about what a 50 MB CSV export holds
XLSX_COUNT_CHUNK = 1024 * 1024  # bytes of sheet XML decompressed at a time to count its rows


class FileRefused(Exception):
    """The whole file is refused; the message (a calls.reasons.Reason) says why, for the user."""

    @property
    def reason(self) -> Reason:
        return as_reason(self.args[0] if self.args else "")


# Why a file is refused (calls.reasons: stored on the job as codes, shown in the reader's language).
EMPTY = declare("file.empty", gettext_lazy("The file is empty."))
PDF = declare(
    "file.pdf", gettext_lazy("This is a PDF document, not a table. Export the calls as CSV or Excel (.xlsx).")
)
OLD_EXCEL = declare(
    "file.xls",
    gettext_lazy("This is an old Excel (.xls) file. Save it as .xlsx or as CSV UTF-8 and upload again."),
)
BINARY = declare(
    "file.binary",
    gettext_lazy("This is a binary file, not a table. Export the calls as CSV or Excel (.xlsx)."),
)
NOT_UTF8 = declare(
    "file.not_utf8",
    gettext_lazy(
        "The file is not UTF-8 text (first unreadable byte on line %(line)s). "
        "Save it as “CSV UTF-8” and upload again."
    ),
)
SINGLE_COLUMN_LINE = declare(
    "file.single_column_line",
    gettext_lazy(
        "This is not a table: the first line has a single column. A CSV export separates its "
        "columns with commas or semicolons."
    ),
)
CSV_ERROR = declare("file.csv_error", gettext_lazy("Line %(line)s cannot be read as CSV: %(error)s"))
NOT_XLSX = declare("file.not_xlsx", gettext_lazy("This file is not a readable Excel (.xlsx) workbook."))
TOO_MANY_CELLS = declare(
    "file.too_many_cells",
    lambda params: (
        _("The sheet holds more than %(max)s cells, more than this import reads. Split the export by period.")
        % {"max": number_format(params["max"], force_grouping=True)}
    ),
)
SINGLE_COLUMN_ROW = declare(
    "file.single_column_row",
    gettext_lazy(
        "This is not a table: the first row has a single column. Calls need at least an id and a start time."
    ),
)
NO_DATA_ROWS = declare("file.no_data_rows", gettext_lazy("The file has a header row but no data rows."))
ROWS_TOO_WIDE = declare(
    "file.rows_too_wide",
    gettext_lazy(
        "This is not a table: most rows have more columns than the %(count)s of the header line. "
        "Check that the file is a CSV export."
    ),
)
MORE_COLUMNS_THAN = declare(
    "file.more_columns_than",
    lambda params: (
        _(
            "This file has more than %(max)s columns; a call list has one column per call field. "
            "Export only the columns you need (at most %(max)s)."
        )
        % {"max": params["max"]}
    ),
)
COLUMNS = declare(
    "file.columns",
    lambda params: (
        _(
            "This file has %(count)s columns; a call list has one column per call field. "
            "Export only the columns you need (at most %(max)s)."
        )
        % {"count": number_format(params["count"], force_grouping=True), "max": params["max"]}
    ),
)
PART_EXPANDS = declare(
    "file.xlsx_part_expands",
    lambda params: (
        _(
            "This workbook is refused: its part “%(name)s” would expand from %(compressed)s to "
            "%(size)s, which an export never does. Save the sheet as CSV UTF-8 and upload that."
        )
        % {
            "name": params["name"],
            "compressed": filesizeformat(params["compressed"]),
            "size": filesizeformat(params["size"]),
        }
    ),
)
WORKBOOK_EXPANDS = declare(
    "file.xlsx_expands",
    lambda params: (
        _(
            "This workbook is refused: it would expand to %(size)s when opened, more than the "
            "%(max)s this import reads. Split the export by period, or save it as CSV UTF-8."
        )
        % {"size": filesizeformat(params["size"]), "max": filesizeformat(params["max"])}
    ),
)


class LimitExceeded(FileRefused):
    """The file is beyond what can be read safely: refused at upload, before a job exists."""


class FileUnreadable(Exception):
    """The file stops being readable part-way (after the rows checked up front): the job fails there."""


class _TooManyCells(FileUnreadable):
    """A sheet goes past MAX_XLSX_CELLS: a limit when found among the rows checked up front."""


@dataclass
class Table:
    headers: list[str]
    records: Iterator[tuple[int, list[str]]]  # (physical line number, cells), header excluded
    estimated_rows: int
    description: str
    delimiter: str = ","

    def format_row(self, cells: list[str]) -> str:
        """A refused row as it stood in the file, for the report and the CSV download."""
        cells = getattr(cells, "original", cells)  # a row whose start was joined (mapping.join_start_columns)
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator="").writerow(cells)
        return out.getvalue()


_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_DELIMITERS = {",": gettext_lazy("comma"), ";": gettext_lazy("semicolon"), "\t": gettext_lazy("tab")}


def read_table(*, data: bytes, file_name: str = "") -> Table:
    """The file as a header and a lazy iterator of rows, or FileRefused when it is not a usable table."""
    if not data.removeprefix(UTF8_BOM).strip():
        raise FileRefused(EMPTY())
    head = data[:SNIFF_BYTES]
    if head.startswith(b"%PDF"):
        raise FileRefused(PDF())
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(OLD_EXCEL())
    if head.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        check_xlsx_archive(data)
        return _read_xlsx(data)
    if _BINARY.search(data):
        raise FileRefused(BINARY())
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    with_bom = data.startswith(UTF8_BOM)
    # Physical lines; a quoted cell spanning lines makes this an overestimate, corrected at the end.
    estimated = (data.count(b"\n") or data.count(b"\r")) + (not data.endswith((b"\n", b"\r")))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileRefused(NOT_UTF8(line=line)) from exc
    first_line = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    delimiter = _sniff_delimiter(first_line)
    if delimiter is None:
        raise FileRefused(SINGLE_COLUMN_LINE())
    # Long transcripts exceed csv's default 128 KiB cell limit.
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # The header's width, once read: a shorter row gets empty trailing cells (some exports drop them), here
    # rather than in a generator of its own around this one (a hundred thousand rows a file).
    width = 0

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        try:
            for row in reader:
                start = last + 1
                last = reader.line_num
                if any(row) and (len(row) > 1 or row[0].strip()):
                    if len(row) < width:
                        row += [""] * (width - len(row))
                    yield start, row
        except csv.Error as exc:
            raise FileUnreadable(CSV_ERROR(line=last + 1, error=str(exc))) from exc

    records = rows()
    header = next(records, None)
    if header is None:
        raise FileRefused(EMPTY())
    headers = [cell.strip() for cell in header[1]]
    check_column_count(headers)
    width = len(headers)
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
        raise FileRefused(NOT_XLSX()) from exc
    sheet = workbook.worksheets[0]

    # Rows are as wide as the sheet's declared dimension: a stray cell in column XFD would make every row
    # 16,384 cells wide, so they are read up to MAX_COLUMNS + 1 columns at most.
    width = min(sheet.max_column, MAX_COLUMNS + 1) if sheet.max_column else None
    if sheet.max_row and width and sheet.max_row * width > MAX_XLSX_CELLS:
        workbook.close()
        raise LimitExceeded(_too_many_cells())

    header_width = 0  # the header's, once read: shorter rows padded, as in _read_csv

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            cells_read = 0
            for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=width), start=1):
                cells = [_xlsx_text(value) for value in values]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    cells_read += len(cells)
                    if cells_read > MAX_XLSX_CELLS:
                        raise _TooManyCells(_too_many_cells())
                    if len(cells) < header_width:
                        cells += [""] * (header_width - len(cells))
                    yield number, cells
        finally:
            workbook.close()

    records = rows()
    try:
        header = next(records, None)
        if header is None:
            raise FileRefused(EMPTY())
        headers = [cell.strip() for cell in header[1]]
        check_column_count(headers, read_up_to=width)
        header_width = len(headers)
    except _TooManyCells as exc:
        records.close()
        raise LimitExceeded(exc.args[0]) from exc
    except FileRefused:
        records.close()
        raise
    estimated = max(_xlsx_last_row(sheet) - header[0], 1)
    return _checked_table(headers, records, estimated, _("Excel workbook, sheet “%s”") % sheet.title, ",")


def _too_many_cells() -> str:
    return TOO_MANY_CELLS(max=MAX_XLSX_CELLS)


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
        raise FileRefused(SINGLE_COLUMN_ROW())
    try:
        sample = list(islice(records, STRUCTURE_SAMPLE))
    except _TooManyCells as exc:
        raise LimitExceeded(exc.args[0]) from exc
    except FileUnreadable as exc:
        raise FileRefused(exc.args[0]) from exc
    if not sample:
        raise FileRefused(NO_DATA_ROWS())
    width = len(headers)
    # Short rows are fine (their trailing cells are empty); rows longer than the header are not.
    lined_up = sum(1 for _line, cells in sample if not any(cells[width:]))
    if lined_up * 2 < len(sample):
        raise FileRefused(ROWS_TOO_WIDE(count=width))
    return Table(headers, chain(sample, records), estimated, description, delimiter)


def check_column_count(headers: list[str], *, read_up_to: int | None = None) -> None:
    """LimitExceeded when the header has more than MAX_COLUMNS columns (up to its last named one)."""
    count = len(headers)
    while count and not headers[count - 1]:
        count -= 1
    if count <= MAX_COLUMNS:
        return
    if read_up_to is not None and count >= read_up_to:
        raise LimitExceeded(MORE_COLUMNS_THAN(max=MAX_COLUMNS))
    raise LimitExceeded(COLUMNS(count=count, max=MAX_COLUMNS))


def check_xlsx_archive(data: bytes) -> None:
    """LimitExceeded when the workbook's members would decompress into too much, before any is read.

    The sizes come from the archive's directory; Python's zipfile, which openpyxl reads through, never
    decompresses a member beyond its declared size, so a member cannot lie its way past this check.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip archive: _read_xlsx refuses it as unreadable
    total = 0
    for member in members:
        total += member.file_size
        compressed = max(member.compress_size, 1)
        if member.file_size > XLSX_RATIO_FROM and member.file_size / compressed > MAX_XLSX_RATIO:
            raise LimitExceeded(
                PART_EXPANDS(name=member.filename, compressed=member.compress_size, size=member.file_size)
            )
    if total > MAX_XLSX_UNCOMPRESSED:
        raise LimitExceeded(WORKBOOK_EXPANDS(size=total, max=MAX_XLSX_UNCOMPRESSED))


def check_upload(*, data: bytes, file_name: str = "") -> None:
    """LimitExceeded when the file is beyond the limits above, for the upload form to refuse it at once.

    Other reasons to refuse a file are not raised here: they are reported on the job page, like every
    file that is not a usable table.
    """
    try:
        read_table(data=data, file_name=file_name)
    except LimitExceeded:
        raise
    except FileRefused:
        pass


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
