"""Mapping a file's columns to call fields: the fields a column can feed, suggestions, and the rules a
mapping must follow (presets and saved mappings are in calls.imports.presets).

- external_id and started_at must be mapped (else the whole file is refused) and filled (else the row is
  refused). A mapped optional column that the file lacks is skipped and noted on the job.
- "abandoned" may be mapped instead of "answered" (it is stored as its opposite); mapping both is refused.
- The start may be one date-time column, or a date column ("started at") and a time-of-day column
  ("start time of day"), joined into one value before the start's converter reads it. A mapping whose
  start has no time of day (a date column alone, or values without a time) is flagged on the mapping page
  before the import runs: every call would start at midnight.
- Unmapped columns are ignored.
- Pre-fill: headers are read by `header_words` (case, spacing, CamelCase, units and flags such as
  "(sec)" or "(Y/N)", abbreviations) and matched with the field names and the one synonym table,
  HEADER_ALIASES (the survey import reads its own fields and synonyms with the same functions: a
  FieldSet). A file where nothing looks like a call's external id or start is not a call list
  (`call_list_problem`): the mapping page says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.fields import CALL_FIELDS, CallField
from calls.imports.converters import join_date_and_time
from calls.imports.reading import FileRefused, Table
from calls.reasons import declare


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str | Promise
    kind: str
    required: bool = False
    max_length: int | None = None
    help_text: str | Promise = ""
    call_field: str | None = None  # the Call field it writes; None for a survey field


_HELP_TEXTS = {
    "agent": gettext_lazy("Agent code or username."),
    "team": gettext_lazy("Empty: the agent's team."),
    "call_type": gettext_lazy("Code or name."),
    "topic": gettext_lazy("What the call was about, e.g. “billing dispute”."),
}


def _from_call_field(call_field: CallField) -> ImportField:
    return ImportField(
        call_field.name,
        call_field.label,
        call_field.kind,
        required=call_field.required,
        max_length=call_field.max_length,
        help_text=_HELP_TEXTS.get(call_field.name, ""),
        call_field=call_field.name,
    )


ABANDONED = ImportField(
    "abandoned",
    gettext_lazy("abandoned"),
    "bool",
    help_text=gettext_lazy("Instead of “answered”: stored as its opposite."),
    call_field="answered",
)
# A start split in two columns: "started at" holds the date, this the time of day; the two are joined
# (converters.join_date_and_time) before the start's converter reads them, by `join_start_columns`.
START_TIME_OF_DAY = ImportField(
    "started_at_time",
    gettext_lazy("start time of day"),
    "time",
    help_text=gettext_lazy(
        "Only when the date and the time are in two columns: the time column (“started at” takes the date)."
    ),
)
SURVEY_IMPORT_FIELDS = (
    ImportField("nps", gettext_lazy("survey NPS (0–10)"), "score"),
    ImportField("csat", gettext_lazy("survey CSAT (1–5)"), "score"),
    ImportField("survey_comment", gettext_lazy("survey comment"), "text"),
)


def _import_fields() -> tuple[ImportField, ...]:
    # Required fields first (the form's order, and the first two values of a converted row), then the
    # call fields in their order, "abandoned" beside "answered", then the survey.
    fields: list[ImportField] = []
    for call_field in sorted(CALL_FIELDS, key=lambda f: not f.required):
        fields.append(_from_call_field(call_field))
        if call_field.name == "answered":
            fields.append(ABANDONED)
        if call_field.name == "started_at":
            fields.append(START_TIME_OF_DAY)
    return (*fields, *SURVEY_IMPORT_FIELDS)


IMPORT_FIELDS: tuple[ImportField, ...] = _import_fields()
FIELDS_BY_NAME = {f.name: f for f in IMPORT_FIELDS}
REQUIRED_FIELDS = tuple(f.name for f in IMPORT_FIELDS if f.required)
# Each field's label as a reason (calls.reasons), for the messages that name a field: shown in the reader's
# language.
FIELD_LABELS = {f.name: declare(f"import.field.{f.name}", f.label) for f in IMPORT_FIELDS}

UNKNOWN_FIELDS = declare("import.unknown_fields", gettext_lazy("Unknown call fields in the mapping: %s."))
REQUIRED_UNMAPPED = declare(
    "import.required_unmapped", gettext_lazy("No column is mapped to the required field “%s”.")
)
ANSWERED_AND_ABANDONED = declare(
    "import.answered_and_abandoned", gettext_lazy("Map either “answered” or “abandoned”, not both.")
)
SAME_START_COLUMNS = declare(
    "import.same_start_columns",
    gettext_lazy("The start's date and its time of day must be two different columns."),
)
NO_SUCH_COLUMN = declare(
    "import.no_such_column",
    gettext_lazy("The file has no column “%(header)s”, mapped to the field “%(field)s”."),
)
SURVEY_FIELDS = tuple(f.name for f in SURVEY_IMPORT_FIELDS)

# The one synonym table: other headers seen in exports, per field, written as `header_words` reads them
# (lower case, words apart; units, flags and qualifiers such as "total" or "average" are dropped before
# matching, and abbreviations spelled out). Used to pre-fill the mapping form by header name.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "call id",
        "id",
        "interaction id",
        "conversation id",
        "contact id",
        "call reference",
        "uuid",
        "call uuid",
        "call sid",
        "session id",
        "unique id",
        "record id",
    ),
    "started_at": (
        "start",
        "start time",
        "started",
        "timestamp",
        "call start",
        "call start time",
        "call started at",
        "conversation start",
        "initiation timestamp",
        "start date time",
        "call date time",
        "date time",
        "datetime",
        "created at",
        # A date alone comes last: a column with the time of day beside it is then mapped too.
        "date",
        "call date",
        "start date",
    ),
    "started_at_time": ("time", "start time", "call time", "time of day", "start hour", "hour"),
    "agent": (
        "agent",
        "agent id",
        "agent code",
        "agent login",
        "agent username",
        "user",
        "users",
        "username",
        "login",
        "extension",
        "employee id",
        "rep",
        "representative",
        "agent name",
    ),
    "team": ("team", "team name", "group", "agent group", "department"),
    "call_type": ("call type", "type", "campaign", "wrap up code", "interaction type"),
    "direction": ("direction", "call direction", "inbound outbound", "in out"),
    "channel": ("channel", "media type", "media", "contact channel"),
    "queue": ("queue", "skill", "queue name", "acd queue", "split", "skill group", "hunt group", "acd group"),
    "ivr_wait_seconds": ("ivr", "ivr time", "ivr wait", "ivr duration", "time in ivr", "ivr time spent"),
    "queue_wait_seconds": (
        "queue wait",
        "queue time",
        "queue wait time",
        "queue duration",
        "time in queue",
        "wait",
        "wait time",
        "waiting time",
        "speed of answer",
        "asa",
        "time to answer",
    ),
    "talk_seconds": ("talk", "talk time", "talk duration", "agent interaction duration", "conversation time"),
    "hold_seconds": ("hold", "hold time", "hold duration", "customer hold duration", "on hold"),
    "wrap_up_seconds": (
        "wrap up",
        "wrap up time",
        "wrap up duration",
        "wrap time",
        "acw",
        "acw time",
        "after call work",
        "after call work time",
        "after contact work",
        "after contact work duration",
    ),
    "answered": ("answered", "is answered", "connected", "handled"),
    "abandoned": ("abandoned", "is abandoned", "abandon", "abandoned call"),
    "resolved": ("resolved", "is resolved", "fcr", "case resolved", "first call resolution"),
    "resolved_at": ("resolved at", "resolution time", "resolved time", "closed at", "solved at"),
    "case_id": (
        "case",
        "case id",
        "case number",
        "ticket",
        "ticket id",
        "ticket number",
        "incident id",
        "incident number",
    ),
    "customer_id": (
        "customer",
        "customer id",
        "customer number",
        "account",
        "account id",
        "client id",
        "ani",
        "caller id",
        "caller number",
        "calling number",
    ),
    "topic": (
        "topic",
        "call topic",
        "contact topic",
        "category",
        "call category",
        "subject",
        "reason for call",
        "call reason",
        "contact reason",
        "reason",
    ),
    "recording_url": ("recording", "recording url", "recording link", "audio url"),
    "transcript": ("transcript", "transcription"),
    "nps": (
        "nps",
        "nps score",
        "net promoter score",
        "recommend",
        "likelihood to recommend",
        "likely to recommend",
    ),
    "csat": (
        "csat",
        "csat score",
        "csat rating",
        "satisfaction",
        "satisfaction rating",
        "satisfaction score",
        "customer satisfaction",
    ),
    "survey_comment": ("comment", "survey comment", "verbatim", "feedback", "customer comment"),
}

# Abbreviations spelled out, and words that qualify a column without naming its field.
_ABBREVIATIONS = {
    "avg": "average",
    "dur": "duration",
    "num": "number",
    "nbr": "number",
    "nr": "number",
    "no": "number",
    "qty": "quantity",
    "tm": "time",
    "cust": "customer",
    "wrapup": "wrap up",
}
_QUALIFIERS = {"total", "average", "sum", "overall", "the"}
_SECONDS = {"s", "sec", "secs", "second", "seconds"}
# A duration in these units would be stored as that many seconds: such a column is never suggested for one.
_OTHER_UNITS = {"ms", "msec", "millisecond", "milliseconds", "min", "mins", "minute", "minutes", "h", "hr"}
_OTHER_UNITS |= {"hrs", "hour", "hours"}
_BRACKETED = re.compile(r"[(\[{]([^)\]}]*)[)\]}]")
_FLAGS = re.compile(r"\b(?:y/n|yes/no|1/0|t/f|true/false)\b")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[^\W_]+")


def normalise_header(header: str) -> str:
    """Headers match whatever their case and spacing."""
    return " ".join(header.casefold().split())


@dataclass(frozen=True)
class HeaderWords:
    words: str  # the words naming the field, e.g. "talk time" for "TalkTime (sec)"
    other_unit: bool  # minutes, hours or milliseconds: not a duration in seconds
    last_part: str = ""  # the words after the last dot of a flattened name ("Agent.CustomerHoldDuration")


def header_words(header: str) -> HeaderWords:
    """What a header says, for matching it with the synonym table: "Avg. TalkTime (in seconds)",
    "avg_talk_time_sec" and "Talk time" all read "talk time"; "AgentID" reads "agent id"."""
    text = _CAMEL.sub(" ", header.replace("#", " number "))
    units = " ".join(_BRACKETED.findall(text.casefold()))
    text = _FLAGS.sub(" ", _BRACKETED.sub(" ", text.casefold()))
    words: list[str] = []
    for word in _WORD.findall(text):
        word = _ABBREVIATIONS.get(word, word)
        words.extend(word.split())
    other_unit = any(word in _OTHER_UNITS for word in [*words, *_WORD.findall(units)])
    kept = [w for w in words if w not in _QUALIFIERS and w not in _SECONDS and w not in _OTHER_UNITS]
    if kept[-1:] == ["in"]:  # "… in seconds"
        kept.pop()
    dotted = header.rsplit(".", 1)
    last_part = header_words(dotted[1]).words if len(dotted) == 2 and dotted[1].strip() else ""
    return HeaderWords(" ".join(kept), other_unit, last_part)


def _squashed(words: str) -> str:
    return words.replace(" ", "")


@dataclass(frozen=True)
class FieldSet:
    """The fields one kind of import fills (calls, survey answers) and how its headers are pre-filled:
    `suggest_columns` reads a file's headers with any of them (one matching, whatever the kind)."""

    fields: tuple[ImportField, ...]
    aliases: dict[str, tuple[str, ...]]
    # Pairs of fields a mapping takes one of, never both: the pre-fill keeps the first.
    either: tuple[tuple[str, str], ...] = ()
    # The date field and the time-of-day field of a start split in two columns (the time alone is none).
    day: str = ""
    time_of_day: str = ""
    # Whether the `day` field may hold a date-time (then a time column beside it is kept only when the
    # day's header reads as a date, and a column of bare times is moved to the time field).
    day_may_hold_time: bool = False

    @property
    def by_name(self) -> dict[str, ImportField]:
        return {f.name: f for f in self.fields}


def _alias_keys(field_set: FieldSet) -> dict[str, dict[str, int]]:
    """{field name → {squashed alias → rank}}: field names and labels first, then the synonyms in order."""
    keys: dict[str, dict[str, int]] = {}
    for import_field in field_set.fields:
        names = (import_field.name, str(import_field.label), *field_set.aliases.get(import_field.name, ()))
        ranked: dict[str, int] = {}
        for rank, name in enumerate(names):
            ranked.setdefault(_squashed(header_words(name).words), rank)
        keys[import_field.name] = ranked
    return keys


def suggest_columns(
    *,
    headers: Iterable[str],
    columns: dict[str, str] | None = None,
    rows: Iterable[list[str]] = (),
    field_set: FieldSet | None = None,
) -> dict[str, str]:
    """A mapping {field → header of this file}: from `columns` (a preset or saved mapping) where its
    headers exist in the file, else by matching header names with field names and the synonym table of
    `field_set` (default: the call import's, CALL_FIELD_SET).

    `rows` (the first rows of the file, optional) tell a column of bare times of day from a date-time."""
    field_set = field_set or CALL_FIELD_SET
    fields = field_set.fields
    headers = [h for h in headers if h]
    by_normal = {}
    for header in headers:
        by_normal.setdefault(normalise_header(header), header)
    if columns is not None:
        known = field_set.by_name
        return {
            name: by_normal[normalise_header(header)]
            for name, header in columns.items()
            if name in known and normalise_header(header) in by_normal
        }
    read = {header: header_words(header) for header in headers}
    aliases = _alias_keys(field_set)
    suggested: dict[str, str] = {}
    taken: set[str] = set()

    def claim(name: str, header: str) -> None:
        suggested[name] = header
        taken.add(header)

    # Exact field names first, so that a "Generic CSV" file maps completely.
    for import_field in fields:
        own_name = _squashed(header_words(import_field.name).words)
        header = next((h for h in headers if _squashed(read[h].words) == own_name and h not in taken), None)
        if header:
            claim(import_field.name, header)
    for import_field in fields:
        if import_field.name in suggested:
            continue
        ranked = aliases[import_field.name]
        candidates = []
        for index, header in enumerate(headers):
            words = read[header]
            if header in taken or (import_field.kind == "duration" and words.other_unit):
                continue
            # The whole header first; the last part of a dotted name ("Queue.Duration") after any whole one.
            for penalty, key in ((0, words.words), (len(ranked), words.last_part)):
                if key and _squashed(key) in ranked:
                    candidates.append((penalty + ranked[_squashed(key)], index, header))
                    break
        if candidates:
            claim(import_field.name, min(candidates)[2])
    for kept, dropped in field_set.either:
        if kept in suggested and dropped in suggested:
            del suggested[dropped]
    if field_set.day:
        _split_start(suggested, headers, list(rows), field_set)
    return suggested


def _split_start(
    suggested: dict[str, str], headers: list[str], rows: list[list[str]], field_set: FieldSet
) -> None:
    """A start split in a date column and a time column maps both; a time column alone is no start."""
    day, time_name = field_set.day, field_set.time_of_day
    start, time_of_day = suggested.get(day), suggested.get(time_name)
    if not field_set.day_may_hold_time:
        if time_of_day and not start:
            del suggested[time_name]
        return
    if start and rows and time_of_day is None:
        position = headers.index(start)
        values = [row[position] for row in rows if position < len(row) and row[position].strip()]
        if values and all(_BARE_TIME.match(value.strip()) for value in values):
            # "Start Time" holds times of day: the date is in another column, if the file has one.
            dates = [h for h in headers if h != start and _squashed(header_words(h).words) in _DATE_ONLY]
            if dates:
                suggested[day], suggested[time_name] = dates[0], start
            return
    if time_of_day and not start:
        del suggested[time_name]
    elif time_of_day and _squashed(header_words(start).words) not in _DATE_ONLY:
        del suggested[time_name]  # the start is a date-time already


CALL_FIELD_SET = FieldSet(
    fields=IMPORT_FIELDS,
    aliases=HEADER_ALIASES,
    either=(("answered", "abandoned"),),
    day="started_at",
    time_of_day=START_TIME_OF_DAY.name,
    day_may_hold_time=True,
)

_DATE_ONLY = {_squashed(words) for words in ("date", "call date", "start date", "day")}
_BARE_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:\s*[ap]\.?m\.?)?\Z", re.IGNORECASE)


def validate_columns(*, columns: dict[str, str]) -> None:
    """Whole-mapping rules, checked before any file is read."""
    unknown = sorted(set(columns) - set(FIELDS_BY_NAME))
    if unknown:
        raise FileRefused(UNKNOWN_FIELDS(", ".join(unknown)))
    for name in REQUIRED_FIELDS:
        if not columns.get(name):
            raise FileRefused(REQUIRED_UNMAPPED(FIELD_LABELS[name]()))
    if columns.get("answered") and columns.get("abandoned"):
        raise FileRefused(ANSWERED_AND_ABANDONED())
    if columns.get(START_TIME_OF_DAY.name) and normalise_header(columns[START_TIME_OF_DAY.name]) == (
        normalise_header(columns["started_at"])
    ):
        raise FileRefused(SAME_START_COLUMNS())


class _JoinedRow(list):
    """A row whose start cell holds the joined date and time; `original` is the row as in the file."""

    __slots__ = ("original",)


def join_start_columns(*, table: Table, columns: dict[str, str]) -> tuple[Table, dict[str, str]]:
    """The table and mapping the writer reads: with a time-of-day column mapped, the date column's cells
    hold the joined date and time, under the header "<date> + <time>" (named so in refusal reasons)."""
    time_header = columns.get(START_TIME_OF_DAY.name)
    columns = {name: header for name, header in columns.items() if name != START_TIME_OF_DAY.name}
    if not time_header:
        return table, columns
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        positions.setdefault(normalise_header(header), index)
    date_at = positions.get(normalise_header(columns.get("started_at", "")))
    time_at = positions.get(normalise_header(time_header))
    if time_at is None:
        raise FileRefused(NO_SUCH_COLUMN(header=time_header, field=FIELD_LABELS[START_TIME_OF_DAY.name]()))
    if date_at is None:
        return table, columns  # the writer refuses the file for its missing start column
    joined_header = f"{table.headers[date_at]} + {table.headers[time_at]}"
    headers = list(table.headers)
    headers[date_at] = joined_header

    def records():
        for line, cells in table.records:
            row = _JoinedRow(cells)
            row.original = cells
            row[date_at] = join_date_and_time(cells[date_at], cells[time_at])
            yield line, row

    joined = Table(headers, records(), table.estimated_rows, table.description, table.delimiter)
    return joined, {**columns, "started_at": joined_header}


_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _has_time_of_day(start: str) -> bool:
    """Whether a start's text carries a time of day other than midnight (which a date cell of Excel has)."""
    clock = _CLOCK.search(start)
    return bool(clock) and any(int(part or 0) for part in clock.groups())


def start_without_time_of_day(
    *, headers: list[str], rows: Iterable[list[str]], columns: dict[str, str]
) -> bool:
    """Whether the mapped start of these (first) rows has no time of day: every call would start at
    midnight. False when the start is not mapped or the rows have no start to judge by."""
    position = {normalise_header(header): index for index, header in reversed(list(enumerate(headers)))}
    date_at = position.get(normalise_header(columns.get("started_at") or ""))
    if date_at is None:
        return False
    time_at = position.get(normalise_header(columns.get(START_TIME_OF_DAY.name) or ""))
    starts = []
    for row in rows:
        cells = row + [""] * (len(headers) - len(row))
        start = cells[date_at] if time_at is None else join_date_and_time(cells[date_at], cells[time_at])
        if start.strip():
            starts.append(start)
    return bool(starts) and not any(_has_time_of_day(start) for start in starts)


def call_list_problem(*, suggested: dict[str, str]) -> str:
    """Why the file does not look like a call list, from what the pre-fill found; "" when it does.

    A date column alone is no start time here: a report of totals per day has one."""
    no_id = "external_id" not in suggested
    start = suggested.get("started_at")
    no_start = not start or (
        _squashed(header_words(start).words) in _DATE_ONLY and START_TIME_OF_DAY.name not in suggested
    )
    if no_id and no_start:
        return _(
            "None of this file's columns looks like a call's external id or start time; this import takes "
            "one row per call. A report of totals per day or per queue cannot be imported as calls: export "
            "the call list (call detail records) instead, or pick the columns below if they are there."
        )
    if no_id:
        return _(
            "No column of this file looks like a call's external id; this import takes one row per call, "
            "each with its own id. Pick the column below if the file has it."
        )
    if not start:
        return _(
            "No column of this file looks like a call's start time; this import takes one row per call, "
            "each with the date and time it started. Pick the column below if the file has it."
        )
    return ""
