"""The survey import's own pieces: the fields a column can feed, the row converter and the batch writer.

A survey tool's export has one row per answer. The file is read (calls.imports.reading) and the job run
(calls.imports.jobs) as for calls; what differs is here:

- Fields: response id, responded at (a date-time column, or a date column and a time-of-day column),
  NPS, CSAT, comment, segment (market, segment or queue), call external id, case id. Nothing is required
  on its own: a mapping needs a score column, and a time or a call (or case) column (validate_survey_columns);
  each row needs a score, and a response id or a call to be updated by when imported again.
- Values are converted by the call import's converters (the same rules for dates, scores, text and
  `null`); a date column with a time of day in it keeps only the date when a time column is mapped.
- A row shorter than the header has empty trailing cells (some exports drop them); a row with more
  non-empty cells than the header is refused.
- A response id, or a call, that appears twice in one file refuses the later row ("same response id as
  line N"), across batches too. The rest (linking, the time from the call, one answer per call) is
  calls.surveys.services.record_survey_answers, shared with the API.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.imports.converters import InvalidValue, OutOfRange, References, converter_for
from calls.imports.mapping import FieldSet, ImportField, normalise_header
from calls.imports.reading import FileRefused
from calls.imports.writer import CELL_COUNT, DUPLICATE_HEADER, NOT_VALID, RowRefused
from calls.reasons import Reason, declare, joined
from calls.surveys.services import (
    TEXT_LIMIT,
    FileAnswers,
    SurveyAnswer,
    record_survey_answers,
)

SURVEY_IMPORT_FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "external_id",
        gettext_lazy("response id"),
        "external_id",
        max_length=TEXT_LIMIT,
        help_text=gettext_lazy("Importing the file again updates the answers by it."),
    ),
    ImportField("responded_at", gettext_lazy("responded at"), "datetime"),
    ImportField(
        "responded_on",
        gettext_lazy("response date"),
        "datetime",
        help_text=gettext_lazy("Instead of “responded at”, with the time of day in its own column."),
    ),
    ImportField("responded_time", gettext_lazy("response time of day"), "text"),
    ImportField("nps", gettext_lazy("NPS (0–10)"), "score"),
    ImportField("csat", gettext_lazy("CSAT (1–5)"), "score"),
    ImportField("comment", gettext_lazy("comment"), "text"),
    ImportField(
        "segment",
        gettext_lazy("segment"),
        "text",
        max_length=TEXT_LIMIT,
        help_text=gettext_lazy("Market, segment or queue."),
    ),
    ImportField(
        "call_external_id",
        gettext_lazy("call external id"),
        "text",
        max_length=TEXT_LIMIT,
        help_text=gettext_lazy("Optional: links the answer to the call, its agent and team."),
    ),
    ImportField(
        "case_id",
        gettext_lazy("case / ticket id"),
        "text",
        max_length=TEXT_LIMIT,
        help_text=gettext_lazy("Optional: links the answer to the case's call."),
    ),
)
SURVEY_FIELDS_BY_NAME = {f.name: f for f in SURVEY_IMPORT_FIELDS}

# Headers seen in survey tools' exports, per field: for pre-filling the mapping form by header name.
SURVEY_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ("response id", "respondent id", "survey id", "responseid", "submission id", "id"),
    "responded_at": (
        "responded at",
        "submitted at",
        "completed at",
        "end date",
        "date submitted",
        "timestamp",
    ),
    "responded_on": ("date", "response date", "survey date"),
    "responded_time": ("time", "response time"),
    "nps": ("nps", "nps score", "recommend", "likelihood to recommend", "how likely"),
    "csat": ("csat", "csat score", "satisfaction", "satisfaction rating", "rating"),
    "comment": ("comment", "comments", "verbatim", "feedback", "open answer"),
    "segment": ("segment", "market", "country", "region", "queue", "brand"),
    "call_external_id": ("call id", "call external id", "interaction id", "conversation id", "contact id"),
    "case_id": ("case", "case id", "ticket", "ticket id", "case number", "ticket number"),
}


SURVEY_FIELD_SET = FieldSet(
    fields=SURVEY_IMPORT_FIELDS,
    aliases=SURVEY_HEADER_ALIASES,
    either=(("responded_at", "responded_on"),),
    day="responded_on",
    time_of_day="responded_time",
)


def survey_file_problem(*, suggested: dict[str, str]) -> str:
    """Why the file does not look like a survey tool's export, from what the pre-fill found; "" when it does."""
    if suggested.keys() & {"nps", "csat"}:
        return ""
    return _(
        "None of this file's columns looks like an NPS or a CSAT score; this import takes one row per survey "
        "answer, each with its score. Pick the score column below if the file has it."
    )


# Why a survey mapping, file or row is refused (calls.reasons: codes shown in the reader's language).
UNKNOWN_FIELDS = declare("surveys.unknown_fields", gettext_lazy("Unknown survey fields in the mapping: %s."))
NO_SCORE_COLUMN = declare(
    "surveys.no_score_column", gettext_lazy("Map an NPS or a CSAT column: a survey answer needs a score.")
)
TIME_TWICE = declare(
    "surveys.time_twice", gettext_lazy("Map either “responded at” or a date and a time of day, not both.")
)
TIME_WITHOUT_DATE_COLUMN = declare(
    "surveys.time_without_date_column", gettext_lazy("A time-of-day column needs the date column beside it.")
)
NO_TIME_NOR_CALL = declare(
    "surveys.no_time_nor_call",
    gettext_lazy(
        "Map when the answer was given, or the call or case it is about (whose time it then takes)."
    ),
)
NO_SCORE_IN_FILE = declare(
    "surveys.no_score_in_file", gettext_lazy("None of the score columns of the mapping is in the file.")
)
TIME_NEEDS_DATE = declare("surveys.time_needs_date", gettext_lazy("a time of day needs a date in “%s”"))
NOT_DATE_AND_TIME = declare(
    "surveys.not_date_and_time",
    gettext_lazy(
        "“%(date)s” and “%(time)s” are not a date and a time of day we understand "
        "(e.g. 2024-03-05 or 05/03/2024, and 14:30)"
    ),
)
NO_SCORE = declare("surveys.no_score", gettext_lazy("the row has no NPS or CSAT score"))


def validate_survey_columns(*, columns: dict[str, str]) -> None:
    """Whole-mapping rules, checked before the file is read: FileRefused says what is missing."""
    unknown = sorted(set(columns) - set(SURVEY_FIELDS_BY_NAME))
    if unknown:
        raise FileRefused(UNKNOWN_FIELDS(", ".join(unknown)))
    mapped = {name for name, header in columns.items() if header}
    if not mapped & {"nps", "csat"}:
        raise FileRefused(NO_SCORE_COLUMN())
    if {"responded_at", "responded_on"} <= mapped:
        raise FileRefused(TIME_TWICE())
    if "responded_time" in mapped and "responded_on" not in mapped:
        raise FileRefused(TIME_WITHOUT_DATE_COLUMN())
    if not mapped & {"responded_at", "responded_on", "call_external_id", "case_id"}:
        raise FileRefused(NO_TIME_NOR_CALL())


_new = object.__new__

_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?\Z")


def _date_part(text: str) -> str:
    """A date column's (stripped) date: an export (or Excel) may write a date as a date-time at midnight."""
    return _MIDNIGHT.sub("", text) if ":" in text else text


def _empty_is(convert: Callable[[str], Any], default: Any) -> bool:
    """Whether `convert` turns an empty cell into `default` (then the cell need not be converted)."""
    try:
        return convert("") == default
    except ValueError:
        return False


class SurveyPlan:
    """Built once per file: a converter per mapped column; `convert` turns a row into a SurveyAnswer."""

    def __init__(self, *, headers: list[str], columns: dict[str, str], date_format: str):
        validate_survey_columns(columns=columns)
        positions: dict[str, int] = {}
        duplicated: set[str] = set()
        for index, header in enumerate(headers):
            key = normalise_header(header)
            if key in positions:
                duplicated.add(key)
            positions.setdefault(key, index)
        self.width = len(headers)
        self.missing: list[str] = []
        self.headers: dict[str, str] = {}
        self._at: dict[str, int] = {}
        for name in SURVEY_FIELDS_BY_NAME:
            header = columns.get(name)
            if not header:
                continue
            key = normalise_header(header)
            if key not in positions:
                self.missing.append(header)
                continue
            if key in duplicated:
                raise FileRefused(DUPLICATE_HEADER(header))
            self._at[name] = positions[key]
            self.headers[name] = header
        if not self._at.keys() & {"nps", "csat"}:
            raise FileRefused(NO_SCORE_IN_FILE())
        refs = References()
        # A date column read with a time column beside it: the date format (if any) gains the time of day.
        date_only = "responded_time" in self._at and date_format and "%H" not in date_format
        converters: dict[str, Callable[[str], Any]] = {
            name: converter_for(
                SURVEY_FIELDS_BY_NAME[name],
                refs,
                f"{date_format} %H:%M" if name == "responded_on" and date_only else date_format,
                None,  # times as aware datetimes, as the survey service takes them
            )
            for name in self._at
            if name != "responded_time"
        }
        # What `convert` reads, worked out once, in the fields' order (the order of a row's reasons): the
        # columns converted one cell each, as (key in the answer, position, converter, header, whether an
        # empty cell is the key's default as it is), those before the answer's time (`_time`: the position
        # of its date-time or date column, of its time-of-day column if any, and the converter, which gives
        # the time and its database value) and those after it.
        defaults = {f.name: f.default for f in dataclasses.fields(SurveyAnswer)}
        self._time: tuple[int, int | None, Callable[[str], Any], str] | None = None
        self._before: list[tuple[str, int, Callable[[str], Any], str, bool]] = []
        self._after: list[tuple[str, int, Callable[[str], Any], str, bool]] = []
        cells = self._before
        for name, convert in converters.items():
            if name in {"responded_at", "responded_on"}:  # a date column's time is the answer's
                self._time = (self._at[name], self._at.get("responded_time"), convert, self.headers[name])
                cells = self._after
                continue
            cells.append(
                (name, self._at[name], convert, self.headers[name], _empty_is(convert, defaults[name]))
            )
        # A row's values start as a SurveyAnswer's defaults.
        self._empty = defaults
        # The file's answers written so far, which a later row may not repeat (by response id or call).
        self.written = FileAnswers()

    def convert(self, cells: list[str]) -> SurveyAnswer:
        """The row's answer, or RowRefused with every reason (prefixed by the column's header).

        A hundred thousand rows a file: one pass over the mapped cells, an empty cell skipped where it is
        the field's default anyway (most of an export's comment, call and second score cells)."""
        if len(cells) != self.width:
            if len(cells) > self.width and any(cells[self.width :]):
                raise RowRefused([CELL_COUNT(cells=len(cells), width=self.width)])
            if len(cells) < self.width:  # exports drop trailing empty cells (issue 7, item 1)
                cells = cells + [""] * (self.width - len(cells))
        # The answer is built without a frozen dataclass's __init__ (which sets each field through
        # object.__setattr__): its attributes are written into its __dict__, starting from the defaults.
        answer = _new(SurveyAnswer)
        values = answer.__dict__
        values.update(self._empty)
        messages: list[Reason] = []
        for key, at, convert, header, empty_is_default in self._before:
            cell = cells[at]
            if cell or not empty_is_default:
                try:
                    values[key] = convert(cell)
                except InvalidValue as exc:
                    messages.append(exc.reason.about(header))
                except ValueError:
                    messages.append(NOT_VALID(cell.strip()).about(header))
        if self._time is not None:
            day_at, time_at, convert, header = self._time
            if time_at is None:  # one column: a date-time (or a date: midnight)
                if cell := cells[day_at]:
                    try:
                        timed = convert(cell)
                    except InvalidValue as exc:
                        messages.append(exc.reason.about(header))
                    except ValueError:
                        messages.append(NOT_VALID(cell.strip()).about(header))
                    else:
                        if timed is not None:  # None: `null`, no time (the call's, if any)
                            values["responded_at"], values["responded_at_stored"] = timed
            elif day := cells[day_at].strip():  # the time from a date and a time of day (alone: midnight)
                time_of_day = cells[time_at].strip()
                if ":" in day:
                    day = _date_part(day)
                try:
                    timed = convert(f"{day} {time_of_day or '00:00'}")
                except OutOfRange as exc:  # read, but not a sane time: say so, not "not a date"
                    messages.append(exc.reason.about(self._both))
                except ValueError:
                    date = cells[day_at].strip()
                    messages.append(NOT_DATE_AND_TIME(date=date, time=time_of_day).about(self._both))
                else:
                    if timed is not None:
                        values["responded_at"], values["responded_at_stored"] = timed
            elif time_of_day := cells[time_at].strip():
                messages.append(TIME_NEEDS_DATE(header).about(self.headers["responded_time"]))
            # neither: no time (the call's, if any)
        for key, at, convert, header, empty_is_default in self._after:
            cell = cells[at]
            if cell or not empty_is_default:
                try:
                    values[key] = convert(cell)
                except InvalidValue as exc:
                    messages.append(exc.reason.about(header))
                except ValueError:
                    messages.append(NOT_VALID(cell.strip()).about(header))
        if messages:
            raise RowRefused(messages)
        if values["nps"] is None and values["csat"] is None:
            raise RowRefused([NO_SCORE()])
        return answer

    @property
    def _both(self) -> str:
        return f"{self.headers['responded_on']}, {self.headers['responded_time']}"


@dataclass
class SurveyBatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (position in the batch, reason: a calls.reasons.Reason, about the file's columns)
    refused: list[tuple[int, Reason]] = field(default_factory=list)


def write_survey_batch(plan: SurveyPlan, rows: list[SurveyAnswer], lines: list[int]) -> SurveyBatchOutcome:
    """Record one batch of converted rows (`lines`: their line numbers); refused rows come back by their
    position in the batch, with the reason for the report. Batches of one file go through one plan, which
    remembers the answers of earlier batches: a later row repeating one is refused, not merged.

    What makes two rows of a file the same answer: the response id, else the call."""
    outcome = SurveyBatchOutcome()
    result = record_survey_answers(rows=rows, lines=lines, earlier=plan.written, checked=True)
    outcome.created, outcome.updated, outcome.unchanged = result.created, result.updated, result.unchanged
    for refused in result.refused:
        outcome.refused.append((refused.index, _field_message(plan, refused.errors)))
    outcome.refused.sort()
    return outcome


def _field_message(plan: SurveyPlan, errors: dict[str, list[str]]) -> Reason:
    """The service's reasons, each named by the file's column where there is one."""
    parts = []
    for name, messages in errors.items():
        header = plan.headers.get(name) or plan.headers.get("responded_on" if name == "responded_at" else "")
        reason = joined(messages, " ")
        parts.append(reason.about(header) if header else reason)
    return joined(parts)
