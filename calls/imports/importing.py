"""Import calls from a phone system's CSV or Excel export (DESIGN.md capability 1; issue 2, part 6).

The flow: a QA manager uploads a file (`create_import_job`), maps its columns to call fields
(`preview_table`, `suggest_columns`, `configure_import_job`), then a Celery task runs `run_import_job`,
which calls `import_calls_from_file`, the one import routine also used by `manage.py import_calls` and the
benchmark.

How messy files are read (decisions, so that a reader can find the rule here):

- Files: CSV (any extension) or Excel .xlsx (first sheet, read-only). Text must be UTF-8, with or without BOM;
  anything else is refused with a hint to save as "CSV UTF-8" rather than guessed (a wrong guess corrupts
  names silently). The delimiter is sniffed from the header line: comma, semicolon or tab. CRLF, LF and CR
  line ends are all accepted; quoted cells may span lines.
- Line numbers are physical lines of the file, the header being line 1 (a quoted cell spanning two lines
  makes the next row start two lines later). In .xlsx files they are the sheet's row numbers.
- Blank lines (and rows of empty cells) are skipped. A row with more non-empty cells than the header, or
  fewer cells, is refused: its values would land in the wrong fields.
- Empty cells and the literal `null` (any case) mean "unknown": NULL in the database, never 0, and an
  empty string for text fields.
- Booleans: Y/N, yes/no, true/false, t/f, 1/0, any case. "abandoned" may be mapped instead of "answered"
  (it is stored as its opposite); mapping both is refused.
- Durations: whole or decimal seconds (rounded), M:SS or H:MM:SS (hours may exceed 24).
- Percentages such as `94.01%` (service level, occupancy) are common in exports but no call field is a
  percentage. Unmapped percentage columns are ignored like any other unmapped column; a percentage in a
  mapped numeric field (a duration, NPS, CSAT) refuses the row with a reason saying so, rather than
  rescaling it into a number nobody typed.
- Dates: ISO 8601 with or without `T`, seconds, fraction and zone (`Z`, `+01:00`); `DD/MM/YYYY HH:MM[:SS]`
  and `DD.MM.YYYY HH:MM[:SS]` (day first, as in Europe); a date alone means midnight. US dates (MM/DD/YYYY)
  only when the mapping's date format says so (e.g. `%m/%d/%Y %H:%M:%S`); with a date format, ISO 8601 is
  still accepted, day-first dates are not. Times without a zone are in settings.TIME_ZONE.
- Agent: by agent code, then username (exact, then case-insensitive). Team: by name, case-insensitive;
  an empty or unmapped team is the agent's team. Call type: by code (slug) or name, case-insensitive.
  An unknown agent, team or call type refuses the row.
- external_id and started_at must be mapped (else the whole file is refused) and filled (else the row is
  refused). A mapped optional column that the file lacks is skipped and noted on the job.
- Survey columns (nps 0–10, csat 1–5, survey_comment) create or update the call's SurveyResponse when the
  row has a score; its `responded_at` is the call's start. A comment without a score refuses the row
  (a survey response needs a score).
- Re-importing updates calls by external id and never duplicates. Only mapped fields are written on
  update, so a file without a queue column keeps the queues already stored. When an external id appears
  twice in one file, the later row wins: the earlier one is imported, then updated (counted as updated).
- Whole-file refusals (status "refused", nothing written): not a table (binary, PDF, old .xls, one column,
  rows that do not line up with the header), empty, header only, required column missing. They are all
  detected before the first write. Rows are then written in batches of settings.QA_IMPORT_BATCH_SIZE, each
  in its own transaction, so that the progress bar moves; an unexpected error mid-file leaves the batches
  before it imported (re-importing is safe) and marks the job failed.

Speed (`make bench`: 100,000 messy rows, SQLite, this 2-core machine: about 23,000 rows/s): references
(agents, teams, call types) are loaded once; each mapped column gets a small converter function, which
remembers its results for columns whose values repeat (agents, booleans, durations…); no model instances,
no full_clean. Per batch, one query tells which external ids exist (created vs updated); new calls are
inserted and existing ones upserted with a portable `INSERT ... ON CONFLICT (external_id) DO UPDATE ...
WHERE <something changed>` (SQLite ≥ 3.24 and PostgreSQL), both through `executemany`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain, islice
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.imports.presets import HEADER_ALIASES, find_preset, get_preset
from calls.models import Call, CallType, ImportJob, ImportMapping, ImportRowError, SurveyResponse
from qa_center.people.models import Team, User

logger = logging.getLogger(__name__)

PG_INT_MAX = 2_147_483_647  # PositiveIntegerField's ceiling on PostgreSQL
SNIFF_BYTES = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
STRUCTURE_SAMPLE = 20  # rows checked against the header before anything is written
SQLITE_CACHE_KIB = 128 * 1024
IN_LIST_CHUNK = 5000
SQLITE_CHECKPOINT_PAGES = 25_000  # 100 MB of WAL between checkpoints while importing


class FileRefused(Exception):
    """The whole file is refused; the message says why, for the user."""


class FileUnreadable(Exception):
    """The file stops being readable part-way (after the rows checked up front): the job fails there."""


class _Invalid(ValueError):
    """A cell's value is refused; the message says why, for the user."""


# --- Call fields that a column can be mapped to -------------------------------------------------------


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str | Promise
    kind: str
    required: bool = False
    max_length: int | None = None
    help_text: str | Promise = ""


def _label(name: str) -> Promise:
    return Call._meta.get_field(name).verbose_name


IMPORT_FIELDS: tuple[ImportField, ...] = (
    ImportField("external_id", _label("external_id"), "external_id", required=True, max_length=100),
    ImportField("started_at", _label("started_at"), "datetime", required=True),
    ImportField("agent", _label("agent"), "agent", help_text=gettext_lazy("Agent code or username.")),
    ImportField("team", _label("team"), "team", help_text=gettext_lazy("Empty: the agent's team.")),
    ImportField("call_type", _label("call_type"), "call_type", help_text=gettext_lazy("Code or name.")),
    ImportField("direction", _label("direction"), "direction"),
    ImportField("channel", _label("channel"), "channel"),
    ImportField("queue", _label("queue"), "text", max_length=100),
    ImportField("ivr_wait_seconds", _label("ivr_wait_seconds"), "duration"),
    ImportField("queue_wait_seconds", _label("queue_wait_seconds"), "duration"),
    ImportField("talk_seconds", _label("talk_seconds"), "duration"),
    ImportField("hold_seconds", _label("hold_seconds"), "duration"),
    ImportField("wrap_up_seconds", _label("wrap_up_seconds"), "duration"),
    ImportField("answered", _label("answered"), "bool"),
    ImportField(
        "abandoned",
        gettext_lazy("abandoned"),
        "bool",
        help_text=gettext_lazy("Instead of “answered”: stored as its opposite."),
    ),
    ImportField("resolved", _label("resolved"), "bool"),
    ImportField("resolved_at", _label("resolved_at"), "datetime"),
    ImportField("case_id", _label("case_id"), "text", max_length=100),
    ImportField("customer_id", _label("customer_id"), "text", max_length=100),
    ImportField("recording_url", _label("recording_url"), "url", max_length=500),
    ImportField("transcript", _label("transcript"), "text"),
    ImportField("nps", gettext_lazy("survey NPS (0–10)"), "score"),
    ImportField("csat", gettext_lazy("survey CSAT (1–5)"), "score"),
    ImportField("survey_comment", gettext_lazy("survey comment"), "text"),
)
FIELDS_BY_NAME = {f.name: f for f in IMPORT_FIELDS}
REQUIRED_FIELDS = tuple(f.name for f in IMPORT_FIELDS if f.required)
SURVEY_FIELDS = ("nps", "csat", "survey_comment")
# Import field → Call column, where the two differ.
_CALL_COLUMNS = {"agent": "agent_id", "team": "team_id", "call_type": "call_type_id", "abandoned": "answered"}


# --- Reading a file into a table ------------------------------------------------------------------------


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
    estimated = max((sheet.max_row or 0) - header[0], 1)
    padded = ((number, cells + [""] * (len(headers) - len(cells))) for number, cells in records)
    return _checked_table(headers, padded, estimated, _("Excel workbook, sheet “%s”") % sheet.title, ",")


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


def _normalise(header: str) -> str:
    return " ".join(header.casefold().split())


def _squash(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def suggest_columns(*, headers: Iterable[str], columns: dict[str, str] | None = None) -> dict[str, str]:
    """A mapping {call field → header of this file}: from `columns` (a preset or saved mapping) where its
    headers exist in the file, else by matching header names with field names and known aliases."""
    headers = [h for h in headers if h]
    by_normal = {}
    for header in headers:
        by_normal.setdefault(_normalise(header), header)
    if columns is not None:
        return {
            name: by_normal[_normalise(header)]
            for name, header in columns.items()
            if name in FIELDS_BY_NAME and _normalise(header) in by_normal
        }
    by_squashed = {}
    for header in headers:
        by_squashed.setdefault(_squash(header), header)
    suggested: dict[str, str] = {}
    taken: set[str] = set()
    # Exact field names first, so that a "Generic CSV" file maps completely.
    for import_field in IMPORT_FIELDS:
        header = by_squashed.get(_squash(import_field.name))
        if header and header not in taken:
            suggested[import_field.name] = header
            taken.add(header)
    for import_field in IMPORT_FIELDS:
        if import_field.name in suggested:
            continue
        names = (str(import_field.label), *HEADER_ALIASES.get(import_field.name, ()))
        for alias in names:
            header = by_squashed.get(_squash(alias))
            if header and header not in taken:
                suggested[import_field.name] = header
                taken.add(header)
                break
    if "answered" in suggested and "abandoned" in suggested:
        del suggested["abandoned"]
    return suggested


def validate_columns(*, columns: dict[str, str]) -> None:
    """Whole-mapping rules, checked before any file is read."""
    unknown = sorted(set(columns) - set(FIELDS_BY_NAME))
    if unknown:
        raise FileRefused(_("Unknown call fields in the mapping: %s.") % ", ".join(unknown))
    for name in REQUIRED_FIELDS:
        if not columns.get(name):
            raise FileRefused(
                _("No column is mapped to the required field “%s”.") % FIELDS_BY_NAME[name].label
            )
    if columns.get("answered") and columns.get("abandoned"):
        raise FileRefused(_("Map either “answered” or “abandoned”, not both."))


# --- Converters: one small function per mapped column ---------------------------------------------------


# Converters test the common case first and look for an empty cell or `null` only when it fails: a few
# million calls per file make every comparison count.


def _is_null(text: str) -> bool:
    return not text or (len(text) == 4 and text.lower() == "null")


def _text_converter(max_length: int | None) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        text = raw.strip()
        if len(text) == 4 and text.lower() == "null":
            return ""
        return text

    if max_length is None:
        return convert

    def convert_limited(raw: str) -> str:
        text = convert(raw)
        if len(text) > max_length:
            raise _Invalid(_("longer than %(max)s characters") % {"max": max_length})
        return text

    return convert_limited


def _external_id_converter(max_length: int) -> Callable[[str], str]:
    text = _text_converter(max_length)

    def convert(raw: str) -> str:
        value = text(raw)
        if "/" in value:
            # The ingest API addresses calls by external id in its paths (models.validate_external_id).
            raise _Invalid(_("an external id cannot contain “/”"))
        return value

    return convert


_BOOLEANS = {
    "y": True,
    "yes": True,
    "true": True,
    "t": True,
    "1": True,
    "n": False,
    "no": False,
    "false": False,
    "f": False,
    "0": False,
    "": None,
    "null": None,
}


def _to_bool(raw: str) -> bool | None:
    try:
        return _BOOLEANS[raw.strip().lower()]
    except KeyError:
        raise _Invalid(_("“%s” is not yes or no (Y/N, yes/no, true/false, 1/0)") % raw.strip()) from None


def _percent_refused(text: str) -> _Invalid:
    return _Invalid(_("“%s” is a percentage, not a value this field can hold") % text)


def _to_duration(raw: str) -> int | None:
    text = raw.strip()
    if text.isdigit() and text.isascii():
        if len(text) < 10:
            return int(text)
        seconds = int(text)
    elif _is_null(text):
        return None
    elif ":" in text:
        seconds = _clock_seconds(text)
    elif text.endswith("%"):
        raise _percent_refused(text)
    else:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            value = -1.0
        if not 0 <= value < float("inf"):
            raise _Invalid(_("“%s” is not a duration (seconds, M:SS or H:MM:SS)") % text)
        seconds = round(value)
    if seconds > PG_INT_MAX:
        raise _Invalid(_("“%s” is too long for a duration") % text)
    return seconds


_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d{1,2})(?:[.,]\d+)?\Z")


def _clock_seconds(text: str) -> int:
    match = _CLOCK.match(text)
    if not match:
        raise _Invalid(_("“%s” is not a duration (seconds, M:SS or H:MM:SS)") % text)
    hours, minutes, seconds = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        raise _Invalid(_("“%s” is not a duration (seconds, M:SS or H:MM:SS)") % text)
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def _score_converter(low: int, high: int, name: str) -> Callable[[str], int | None]:
    def convert(raw: str) -> int | None:
        text = raw.strip()
        if _is_null(text):
            return None
        if text.endswith("%"):
            raise _percent_refused(text)
        try:
            value = int(text)
        except ValueError:
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                number = 0.5
            if not number.is_integer():
                raise _Invalid(_("“%(value)s” is not a whole number") % {"value": text}) from None
            value = int(number)
        if not low <= value <= high:
            raise _Invalid(
                _("%(name)s must be between %(low)s and %(high)s, not %(value)s")
                % {"name": name, "low": low, "high": high, "value": value}
            )
        return value

    return convert


_DAY_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\Z")


def _datetime_adapter() -> Callable[[datetime], Any]:
    """Aware datetime → the value the database driver expects (what Django's own adapter gives, faster)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    if connection.vendor == "sqlite" and settings.USE_TZ:
        database_zone = connection.timezone

        def adapt(value: datetime) -> str:
            return str(value.astimezone(database_zone).replace(tzinfo=None))

        return adapt
    return connection.ops.adapt_datetimefield_value


def _is_utc(zone) -> bool:
    return zone is UTC or getattr(zone, "key", None) in {"UTC", "Etc/UTC"}


def _datetime_converter(date_format: str, adapt: Callable[[datetime], Any]) -> Callable[[str], Any]:
    zone = timezone.get_default_timezone()
    if connection.vendor == "sqlite" and settings.USE_TZ and _is_utc(zone) and _is_utc(connection.timezone):
        adapt_naive = str  # naive UTC times are already what SQLite stores
    else:

        def adapt_naive(value: datetime) -> Any:
            return adapt(value.replace(tzinfo=zone))

    from_iso = datetime.fromisoformat
    formats = [date_format]
    if date_format.endswith("%M"):
        formats.append(date_format + ":%S")
    elif date_format.endswith(":%S"):
        formats.append(date_format[:-3])

    def parse_with_format(text: str) -> datetime:
        for fmt in formats:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                continue
        return from_iso(text)  # ISO 8601 is unambiguous whatever the format says

    def parse_default(text: str) -> datetime:
        if text[4:5] == "-":  # 2024-03-05…: no exception raised and caught on the common path
            return from_iso(text)
        match = _DAY_FIRST.match(text)
        if match is None:
            return from_iso(text)  # the other ISO 8601 forms, e.g. 20240305T1430
        day, month, year, hour, minute, second = match.groups()
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))

    parse = parse_with_format if date_format else parse_default

    def convert(raw: str) -> Any:
        text = raw.strip()
        try:
            value = parse(text)
        except ValueError:
            if _is_null(text):
                return None
            if date_format:
                message = _("“%(value)s” does not match the date format %(format)s") % {
                    "value": text,
                    "format": date_format,
                }
            else:
                message = (
                    _(
                        "“%s” is not a date and time we understand (e.g. 2024-03-05 14:30 or "
                        "05/03/2024 14:30; US dates need the mapping's date format %%m/%%d/%%Y)"
                    )
                    % text
                )
            raise _Invalid(message) from None
        if value.tzinfo is None:
            return adapt_naive(value)
        return adapt(value)

    return convert


def _choice_converter(choices: dict[str, str], what: str) -> Callable[[str], str | None]:
    choices = {**choices, "": None, "null": None}

    def convert(raw: str) -> str | None:
        try:
            return choices[raw.strip().lower()]
        except KeyError:
            raise _Invalid(_("unknown %(what)s “%(value)s”") % {"what": what, "value": raw.strip()}) from None

    return convert


_DIRECTIONS = {
    **dict.fromkeys(("inbound", "in", "i", "incoming", "inbound call"), Call.Direction.INBOUND.value),
    **dict.fromkeys(
        ("outbound", "out", "o", "outgoing", "manual", "preview", "autodial", "predictive", "progressive"),
        Call.Direction.OUTBOUND.value,
    ),
}
_CHANNELS = {
    **dict.fromkeys(("voice", "phone", "call", "telephone", "audio"), Call.Channel.VOICE.value),
    **dict.fromkeys(("callback", "call back", "queue callback"), Call.Channel.CALLBACK.value),
    **dict.fromkeys(("video", "video call"), Call.Channel.VIDEO.value),
    **dict.fromkeys(("chat", "webchat", "web chat", "message"), Call.Channel.CHAT.value),
}


def _lookup_converter(table: dict[str, Any], folded: dict[str, Any], message: str) -> Callable[[str], Any]:
    def convert(raw: str) -> Any:
        text = raw.strip()
        found = table.get(text)
        if found is None:
            found = folded.get(text.casefold())
            if found is None:
                if _is_null(text):
                    return None
                raise _Invalid(message % {"value": text})
        return found

    return convert


def _url_converter() -> Callable[[str], str]:
    validate = URLValidator(schemes=["http", "https"])

    def convert(raw: str) -> str:
        text = raw.strip()
        if _is_null(text):
            return ""
        if len(text) > 500:
            raise _Invalid(_("longer than %(max)s characters") % {"max": 500})
        try:
            validate(text)
        except ValidationError:
            raise _Invalid(_("“%s” is not an http(s) URL") % text) from None
        return text

    return convert


@dataclass
class _References:
    """Agents, teams and call types, loaded once per import."""

    agents: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    agents_folded: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    teams_folded: dict[str, int] = field(default_factory=dict)
    call_types: dict[str, int] = field(default_factory=dict)
    call_types_folded: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, fields: Iterable[str]) -> _References:
        refs = cls()
        fields = set(fields)
        if "agent" in fields:
            users = list(User.objects.values_list("pk", "username", "agent_code", "team_id"))
            # Agent codes win over usernames when one person's code is another's username.
            for pk, username, _code, team_id in users:
                refs.agents[username] = (pk, team_id)
                refs.agents_folded.setdefault(username.casefold(), (pk, team_id))
            for pk, _username, code, team_id in users:
                if code:
                    refs.agents[code] = (pk, team_id)
                    refs.agents_folded[code.casefold()] = (pk, team_id)
        if "team" in fields:
            for pk, name in Team.objects.values_list("pk", "name"):
                refs.teams[name] = pk
                refs.teams_folded[name.casefold()] = pk
        if "call_type" in fields:
            call_types = list(CallType.objects.values_list("pk", "slug", "name"))
            # Codes win over names when one type's code is another's name.
            for pk, _slug, name in call_types:
                refs.call_types[name] = pk
                refs.call_types_folded[name.casefold()] = pk
            for pk, slug, _name in call_types:
                refs.call_types[slug] = pk
                refs.call_types_folded[slug.casefold()] = pk
        return refs


# Columns whose few distinct values repeat on every row: their conversions are remembered.
_REPEATING = {"agent", "team", "call_type", "direction", "channel", "queue", "duration", "bool", "score"}
_MEMO_LIMIT = 10_000  # distinct values remembered per column
_MISSING = object()


def _memoised(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    """`convert` with its successful results remembered (a refused value is converted, and refused, each time)."""
    memo: dict[str, Any] = {}

    def remembered(raw: str) -> Any:
        value = memo.get(raw, _MISSING)
        if value is _MISSING:
            value = convert(raw)
            if len(memo) < _MEMO_LIMIT:
                memo[raw] = value
        return value

    return remembered


def _converter_for(
    import_field: ImportField, refs: _References, date_format: str, adapt: Callable[[datetime], Any]
) -> Callable[[str], Any]:
    convert = _plain_converter_for(import_field, refs, date_format, adapt)
    if import_field.kind in _REPEATING or import_field.name in _REPEATING:
        return _memoised(convert)
    return convert


def _plain_converter_for(
    import_field: ImportField, refs: _References, date_format: str, adapt: Callable[[datetime], Any]
) -> Callable[[str], Any]:
    kind = import_field.name if import_field.kind in {"agent", "team", "call_type"} else import_field.kind
    if kind == "text":
        return _text_converter(import_field.max_length)
    if kind == "external_id":
        return _external_id_converter(import_field.max_length)
    if kind == "datetime":
        return _datetime_converter(date_format, adapt)
    if kind == "duration":
        return _to_duration
    if kind == "bool":
        return _to_bool
    if kind == "score":
        low, high = (0, 10) if import_field.name == "nps" else (1, 5)
        return _score_converter(low, high, import_field.name.upper())
    if kind == "direction":
        return _choice_converter(_DIRECTIONS, _("direction"))
    if kind == "channel":
        return _choice_converter(_CHANNELS, _("channel"))
    if kind == "url":
        return _url_converter()
    if kind == "agent":
        return _lookup_converter(
            refs.agents,
            refs.agents_folded,
            _("unknown agent “%(value)s”: no user has this agent code or username"),
        )
    if kind == "team":
        return _lookup_converter(refs.teams, refs.teams_folded, _("unknown team “%(value)s”"))
    if kind == "call_type":
        return _lookup_converter(refs.call_types, refs.call_types_folded, _("unknown call type “%(value)s”"))
    raise AssertionError(kind)


# --- The row plan: which columns feed which fields, and the SQL that writes them ------------------------


class _RowRefused(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def _unknown(_raw: str) -> None:
    """The converter of a derived field (the agent's team, resolved from a resolution time)."""
    return None


class _Plan:
    """Built once per file: a converter per mapped column, and the upsert statements.

    A converted row is a list: the mapped call fields, then the derived call fields, then the survey
    fields; external_id and started_at always come first. Call values are ready for the database driver.
    """

    def __init__(self, *, headers: list[str], columns: dict[str, str], date_format: str):
        validate_columns(columns=columns)
        positions: dict[str, int] = {}
        duplicated: set[str] = set()
        for index, header in enumerate(headers):
            key = _normalise(header)
            if key in positions:
                duplicated.add(key)
            positions.setdefault(key, index)
        self.missing: list[str] = []
        mapped: dict[str, tuple[int, str]] = {}
        for name in FIELDS_BY_NAME:  # field order, so that the same mapping gives the same SQL
            header = columns.get(name)
            if not header:
                continue
            key = _normalise(header)
            if key not in positions:
                if name in REQUIRED_FIELDS:
                    raise FileRefused(
                        _("The file has no column “%(header)s”, mapped to the required field “%(field)s”.")
                        % {"header": header, "field": FIELDS_BY_NAME[name].label}
                    )
                self.missing.append(header)
                continue
            if key in duplicated:
                raise FileRefused(
                    _("The column “%s” appears more than once in the header; rename one of them.") % header
                )
            mapped[name] = (positions[key], header)
        self.width = len(headers)
        self.headers = {name: header for name, (_index, header) in mapped.items()}
        derived = []
        if "agent" in mapped and "team" not in mapped:
            derived.append("team")  # the agent's team
        if "resolved_at" in mapped and "resolved" not in mapped:
            derived.append("resolved")  # a resolution time means resolved
        call_names = [name for name in mapped if name not in SURVEY_FIELDS] + derived
        self.names = call_names + [name for name in mapped if name in SURVEY_FIELDS]
        self.call_count = len(call_names)
        self.index = {name: i for i, name in enumerate(self.names)}
        refs = _References.load(mapped)
        adapt = _datetime_adapter()
        self.converters = [
            (mapped[name][0], _converter_for(FIELDS_BY_NAME[name], refs, date_format, adapt))
            if name in mapped
            else (0, _unknown)
            for name in self.names
        ]
        # Positions in a converted row of the values that other values complete or check (None: unmapped).
        self.agent_at = self.index.get("agent")
        self.team_at = self.index.get("team")
        self.abandoned_at = self.index.get("abandoned")
        self.resolved_at_at = self.index.get("resolved_at")
        self.resolved_flag_at = self.index.get("resolved")
        self.nps_at = self.index.get("nps")
        self.csat_at = self.index.get("csat")
        self.has_comment = "survey_comment" in mapped  # the last value of a row when mapped
        self.has_scores = "nps" in mapped or "csat" in mapped
        self._build_sql(call_names, mapped)

    def _build_sql(self, call_names: list[str], mapped: dict) -> None:
        quote = connection.ops.quote_name
        table = quote(Call._meta.db_table)
        columns = [_CALL_COLUMNS.get(name, name) for name in call_names]
        updates, changed = [], []
        for name, column in zip(call_names, columns, strict=True):
            if name == "external_id":
                continue
            new, old = f"EXCLUDED.{quote(column)}", f"{table}.{quote(column)}"
            if name == "resolved" and "resolved" not in mapped:
                new = f"COALESCE({new}, {old})"  # keep the stored flag when this row has no resolution time
            updates.append(f"{quote(column)} = {new}")
            changed.append(f"({old} <> {new} OR ({old} IS NULL) <> ({new} IS NULL))")
        if "resolved" in mapped and "resolved_at" not in mapped:
            # A call no longer resolved loses its resolution time (the model's check constraint).
            updates.append(
                f"{quote('resolved_at')} = "
                f"CASE WHEN EXCLUDED.{quote('resolved')} THEN {table}.{quote('resolved_at')} END"
            )
        updates.append(f"{quote('updated_at')} = EXCLUDED.{quote('updated_at')}")
        # NOT NULL columns without a value in this file get the model's defaults, on insert only.
        self.defaults = [
            (f.column, getattr(f.get_default(), "value", f.get_default()))  # a TextChoices member → its value
            for f in Call._meta.concrete_fields
            if not f.null
            and not f.primary_key
            and f.column not in columns
            and f.name not in {"created_at", "updated_at"}
        ]
        insert_columns = [
            *columns,
            *(column for column, _default in self.defaults),
            "created_at",
            "updated_at",
        ]
        placeholders = ", ".join(["%s"] * len(insert_columns))
        insert = (
            f"INSERT INTO {table} ({', '.join(quote(c) for c in insert_columns)}) VALUES ({placeholders})"  # noqa: S608 - identifiers from model metadata
        )
        # Rows that change nothing are left alone: re-importing a file rewrites no index.
        self.upsert_sql = (
            f"{insert} ON CONFLICT ({quote('external_id')}) DO UPDATE SET {', '.join(updates)}"
            + (f" WHERE {' OR '.join(changed)}" if changed else "")
        )
        # Calls that did not exist when the batch began. SQLite runs an upsert three times slower than an
        # insert when foreign keys are enforced, and its writers are serialised, so a plain insert is safe
        # there; elsewhere a concurrent writer may add the same call meanwhile, so the upsert stays.
        self.insert_sql = insert if connection.vendor == "sqlite" else self.upsert_sql
        if self.has_scores:
            survey_table = quote(SurveyResponse._meta.db_table)
            survey_columns = ["call_id", "nps", "csat", "comment", "responded_at"]
            survey_updates = [
                f"{quote(column)} = EXCLUDED.{quote(column)}"
                for name, column in (("nps", "nps"), ("csat", "csat"), ("survey_comment", "comment"))
                if name in mapped
            ]
            self.survey_sql = (
                f"INSERT INTO {survey_table} ({', '.join(quote(c) for c in survey_columns)}) "  # noqa: S608 - identifiers from model metadata
                f"VALUES (%s, %s, %s, %s, %s) "
                f"ON CONFLICT ({quote('call_id')}) DO UPDATE SET {', '.join(survey_updates)}"
            )

    def convert(self, cells: list[str]) -> list[Any]:
        """The row's values in the plan's order, or _RowRefused with every reason."""
        if len(cells) != self.width and (len(cells) < self.width or any(cells[self.width :])):
            raise _RowRefused(
                [
                    _("this row has %(cells)s cells but the header has %(width)s")
                    % {"cells": len(cells), "width": self.width}
                ]
            )
        try:
            values = [convert(cells[index]) for index, convert in self.converters]
        except ValueError:
            raise _RowRefused(self._cell_messages(cells)) from None
        if not values[0] or values[1] is None:
            raise _RowRefused(self._required_messages(values))
        if self.agent_at is not None:
            agent = values[self.agent_at]
            if agent is not None:
                values[self.agent_at], agent_team = agent
                if values[self.team_at] is None:
                    values[self.team_at] = agent_team
        if self.abandoned_at is not None:
            abandoned = values[self.abandoned_at]
            if abandoned is not None:
                values[self.abandoned_at] = not abandoned
        if self.resolved_at_at is not None and values[self.resolved_at_at] is not None:
            if values[self.resolved_flag_at] is False:
                raise _RowRefused(
                    [
                        _("%(at)s is set but %(resolved)s says the call was not resolved")
                        % {"at": self.headers["resolved_at"], "resolved": self.headers["resolved"]}
                    ]
                )
            values[self.resolved_flag_at] = True
        if self.has_comment and values[-1] and self.survey_scores(values) is None:
            raise _RowRefused([_("a survey comment needs an NPS or CSAT score in the same row")])
        return values

    def _required_messages(self, values: list[Any]) -> list[str]:
        messages = []
        if not values[0]:
            messages.append(_("%s: the external id is empty") % self.headers["external_id"])
        if values[1] is None:
            messages.append(_("%s: the start time is empty") % self.headers["started_at"])
        return messages

    def _cell_messages(self, cells: list[str]) -> list[str]:
        messages = []
        for name, (index, convert) in zip(self.names, self.converters, strict=True):
            try:
                convert(cells[index])
            except _Invalid as exc:
                messages.append(f"{self.headers[name]}: {exc}")
            except ValueError:
                messages.append(f"{self.headers[name]}: " + _("“%s” is not valid") % cells[index].strip())
        return messages

    def survey_scores(self, values: list[Any]) -> tuple[int | None, int | None] | None:
        """(NPS, CSAT) of a converted row, or None when it has no survey score."""
        nps = None if self.nps_at is None else values[self.nps_at]
        csat = None if self.csat_at is None else values[self.csat_at]
        return None if nps is None and csat is None else (nps, csat)


# --- The import -----------------------------------------------------------------------------------------


@dataclass
class RowError:
    line_number: int
    message: str
    raw: str


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    refused: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def import_calls_from_file(
    *,
    data: bytes,
    file_name: str,
    columns: dict[str, str],
    date_format: str = "",
    job: ImportJob | None = None,
    batch_size: int | None = None,
) -> ImportResult:
    """Import every row of the file; FileRefused (nothing written) when the file as a whole is unusable.

    With a `job`, refused rows are stored as its ImportRowError rows and its counters move once per batch;
    without one (the management command), refused rows are returned in the result.
    """
    table = read_table(data=data, file_name=file_name)
    plan = _Plan(headers=table.headers, columns=columns, date_format=date_format)
    result = ImportResult()
    if plan.missing:
        result.notes.append(
            _("Columns of the mapping not found in the file, not imported: %s.") % ", ".join(plan.missing)
        )
    if job is not None:
        ImportJob.objects.filter(pk=job.pk).update(total_rows=table.estimated_rows)
    batch_size = batch_size or settings.QA_IMPORT_BATCH_SIZE
    convert = plan.convert
    rows: list[list[Any]] = []
    errors: list[RowError] = []
    with _bulk_write_settings():
        for line_number, cells in table.records:
            try:
                rows.append(convert(cells))
            except _RowRefused as exc:
                errors.append(RowError(line_number, str(exc), table.format_row(cells)))
            if len(rows) + len(errors) >= batch_size:
                result.total_rows += len(rows) + len(errors)
                _write_batch(plan, rows, errors, result, job)
                rows, errors = [], []
        result.total_rows += len(rows) + len(errors)
        _write_batch(plan, rows, errors, result, job)
    return result


@contextmanager
def _bulk_write_settings() -> Iterator[None]:
    """SQLite only: a page cache that holds the calls table's ten indexes, and fewer WAL checkpoints (each
    one waits for the disk), for this connection while it imports: on the benchmark each saves about a
    quarter of the write time."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")


def _write_batch(
    plan: _Plan,
    rows: list[list[Any]],
    errors: list[RowError],
    result: ImportResult,
    job: ImportJob | None,
) -> None:
    with transaction.atomic():
        if rows:
            created, updated = _upsert_calls(plan, rows)
            result.created += created
            result.updated += updated
        result.refused += len(errors)
        if job is None:
            result.errors.extend(errors)
        else:
            if errors:
                ImportRowError.objects.bulk_create(
                    [
                        ImportRowError(job=job, line_number=e.line_number, message=e.message, raw=e.raw)
                        for e in errors
                    ]
                )
            ImportJob.objects.filter(pk=job.pk).update(
                heartbeat_at=timezone.now(),
                processed_rows=result.total_rows,
                created_count=result.created,
                updated_count=result.updated,
                error_count=result.refused,
            )


def _upsert_calls(plan: _Plan, rows: list[list[Any]]) -> tuple[int, int]:
    existing = {external_id for external_id, _pk in _call_ids({row[0] for row in rows})}
    now = _datetime_adapter()(timezone.now())
    tail = [*(default for _column, default in plan.defaults), now, now]
    count = plan.call_count
    inserts, updates = [], []
    for row in rows:
        if row[0] in existing:
            updates.append(row[:count] + tail)
        else:
            inserts.append(row[:count] + tail)
            existing.add(row[0])  # a later row with this id in the batch updates this one
    with connection.cursor() as cursor:
        # Inserts first: updates of a call inserted by this batch then apply in the file's order.
        if inserts:
            cursor.executemany(plan.insert_sql, inserts)
        if updates:
            cursor.executemany(plan.upsert_sql, updates)
        if plan.has_scores:
            _upsert_surveys(plan, rows, cursor)
    return len(inserts), len(updates)


def _call_ids(external_ids: set[str]) -> list[tuple[str, int]]:
    """(external id, pk) of the calls that exist among `external_ids`.

    Raw SQL because the ORM prepares each of the thousands of values of the IN list one by one; in chunks
    that stay under SQLite's limit of bound parameters whatever the batch size.
    """
    quote = connection.ops.quote_name
    wanted = list(external_ids)
    found: list[tuple[str, int]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), IN_LIST_CHUNK):
            chunk = wanted[start : start + IN_LIST_CHUNK]
            cursor.execute(
                f"SELECT {quote('external_id')}, {quote('id')} FROM {quote(Call._meta.db_table)} "  # noqa: S608 - identifiers from model metadata
                f"WHERE {quote('external_id')} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.extend(cursor.fetchall())
    return found


def _upsert_surveys(plan: _Plan, rows: list[list[Any]], cursor) -> None:
    surveyed = [(row, scores) for row in rows if (scores := plan.survey_scores(row))]
    if not surveyed:
        return
    ids = dict(_call_ids({row[0] for row, _scores in surveyed}))
    comment = plan.has_comment
    cursor.executemany(
        plan.survey_sql,
        [(ids[row[0]], nps, csat, row[-1] if comment else "", row[1]) for row, (nps, csat) in surveyed],
    )


# --- Jobs: upload, mapping, run, purge ------------------------------------------------------------------


def create_import_job(*, uploaded_file, user) -> ImportJob:
    """Store the upload as a pending job; the file is refused at once when it is not a usable table."""
    job = ImportJob.objects.create(
        file=uploaded_file,
        original_name=uploaded_file.name[:255],
        created_by=user,
        language=translation.get_language() or "",
    )
    try:
        preview_job(job=job)
    except FileRefused as exc:
        refuse_import_job(job=job, message=str(exc))
    return job


def _job_data(job: ImportJob) -> bytes:
    if not job.file:
        raise FileRefused(_("The uploaded file is no longer available; upload it again."))
    try:
        with job.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise FileRefused(_("The uploaded file is no longer available; upload it again.")) from exc


def preview_job(*, job: ImportJob, rows: int = 5) -> Preview:
    return preview_table(data=_job_data(job), file_name=job.original_name, rows=rows)


def resolve_mapping_reference(reference: str) -> tuple[dict[str, str], str, ImportMapping | None] | None:
    """(columns, date format, saved mapping or None) for a "preset:<key>" / "mapping:<pk>" reference."""
    kind, _sep, key = reference.partition(":")
    if kind == "preset" and (preset := get_preset(key)):
        return dict(preset.columns), preset.date_format, None
    if kind == "mapping" and key.isdigit():
        mapping = ImportMapping.objects.filter(pk=int(key)).first()
        if mapping:
            return dict(mapping.columns), mapping.date_format, mapping
    return None


def find_mapping(*, name: str) -> tuple[dict[str, str], str, ImportMapping | None] | None:
    """A saved mapping by name (case-insensitive), else a preset by key or name."""
    mapping = ImportMapping.objects.filter(name__iexact=name.strip()).first()
    if mapping:
        return dict(mapping.columns), mapping.date_format, mapping
    preset = find_preset(name)
    if preset:
        return dict(preset.columns), preset.date_format, None
    return None


def save_mapping(*, name: str, columns: dict[str, str], date_format: str, user) -> ImportMapping:
    """Save (or overwrite, by name) a mapping for reuse; presets shipped as data are not overwritten."""
    mapping = ImportMapping.objects.filter(name__iexact=name).first()
    if mapping is None:
        return ImportMapping.objects.create(
            name=name, columns=columns, date_format=date_format, created_by=user
        )
    if mapping.is_preset:
        raise ValueError(_("“%s” is a preset and cannot be changed.") % mapping.name)
    mapping.columns = columns
    mapping.date_format = date_format
    mapping.save(update_fields=["columns", "date_format"])
    return mapping


def configure_import_job(
    *, job: ImportJob, columns: dict[str, str], date_format: str, mapping: ImportMapping | None
) -> bool:
    """Record the mapping on a pending job. False when the job was already configured (a double submit)."""
    validate_columns(columns=columns)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING, columns={}).update(
        columns=columns, date_format=date_format, mapping=mapping
    )
    if updated:
        job.columns, job.date_format, job.mapping = columns, date_format, mapping
    return bool(updated)


def run_import_job(*, job_id: int) -> ImportJob | None:
    """Run a configured pending job. None when another worker already took it (a task delivered twice)."""
    claimed = (
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING)
        .exclude(columns={})
        .update(status=ImportJob.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    )
    if not claimed:
        return None
    job = ImportJob.objects.get(pk=job_id)
    # The reasons stored for refused rows are read by the uploader: write them in their language.
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _run_claimed_job(job)


def _run_claimed_job(job: ImportJob) -> ImportJob:
    job_id = job.pk
    try:
        result = import_calls_from_file(
            data=_job_data(job),
            file_name=job.original_name,
            columns=job.columns,
            date_format=job.date_format,
            job=job,
        )
    except FileRefused as exc:
        return refuse_import_job(job=job, message=str(exc))
    except Exception as exc:
        logger.exception("Import job %s failed", job_id)
        job.refresh_from_db(fields=["processed_rows"])
        return _finish(
            job,
            status=ImportJob.Status.FAILED,
            message=_(
                "The import stopped on an unexpected error after %(rows)s rows: %(error)s. "
                "Rows imported before it are kept; importing the file again is safe."
            )
            % {"rows": job.processed_rows, "error": exc},
        )
    return _finish(
        job,
        status=ImportJob.Status.DONE,
        message=" ".join(result.notes),
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        created_count=result.created,
        updated_count=result.updated,
        error_count=result.refused,
    )


def refuse_import_job(*, job: ImportJob, message: str) -> ImportJob:
    """The whole file is refused (found before anything was written): the job page shows `message`."""
    return _finish(job, status=ImportJob.Status.REFUSED, message=message)


def _finish(job: ImportJob, *, status: str, message: str, **counts: int) -> ImportJob:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    for name, value in counts.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "message", "finished_at", *counts])
    return job


def fail_stalled_import_jobs(*, silent_for: timedelta) -> int:
    """Running jobs whose worker died (no batch written for `silent_for`) become failed, so the page stops
    waiting and says what to do. Conditional UPDATE: a job that wakes up in between is left alone."""
    cutoff = timezone.now() - silent_for
    stalled = ImportJob.objects.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=cutoff)
    failed = 0
    for language in stalled.values_list("language", flat=True).distinct().order_by():
        with translation.override(language or settings.LANGUAGE_CODE):
            failed += stalled.filter(language=language).update(
                status=ImportJob.Status.FAILED,
                finished_at=timezone.now(),
                message=_(
                    "The import stopped: its worker ended before finishing. Rows imported before it are kept; "
                    "importing the file again is safe (rows are updated by external id, never duplicated)."
                ),
            )
    return failed


def purge_old_import_files(*, older_than: timedelta) -> int:
    """Delete uploaded files of jobs created before `older_than` ago; the jobs and their reports stay."""
    cutoff = timezone.now() - older_than
    jobs = ImportJob.objects.filter(created_at__lt=cutoff).exclude(
        Q(file="") | Q(status=ImportJob.Status.RUNNING)
    )
    purged = []
    for pk, name in jobs.values_list("pk", "file").iterator(chunk_size=500):
        ImportJob._meta.get_field("file").storage.delete(name)
        purged.append(pk)
    ImportJob.objects.filter(pk__in=purged).update(file="")
    return len(purged)
