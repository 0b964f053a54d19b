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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.imports.converters import InvalidValue, OutOfRange, References, converter_for
from calls.imports.mapping import FieldSet, ImportField, normalise_header
from calls.imports.reading import FileRefused
from calls.imports.writer import CELL_COUNT, DUPLICATE_HEADER, NOT_VALID, RowRefused
from calls.reasons import Reason, declare, joined
from calls.surveys.services import (
    LINE,
    TEXT_LIMIT,
    SurveyAnswer,
    record_survey_answers,
    same_call,
    same_response_id,
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


def _aware(value: Any) -> datetime | None:
    """The datetime converter gives values ready for the database driver; the service wants datetimes.
    Its one text form (SQLite, naive times in UTC) is a naive UTC time."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?\Z")


def _date_part(text: str) -> str:
    """A date column's date: an export (or Excel) may write a date as a date-time at midnight."""
    return _MIDNIGHT.sub("", text.strip())


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

        def identity(value: datetime) -> datetime:
            return value

        # A date column read with a time column beside it: the date format (if any) gains the time of day.
        date_only = "responded_time" in self._at and date_format and "%H" not in date_format
        self._converters: dict[str, Callable[[str], Any]] = {
            name: converter_for(
                SURVEY_FIELDS_BY_NAME[name],
                refs,
                f"{date_format} %H:%M" if name == "responded_on" and date_only else date_format,
                identity,
            )
            for name in self._at
            if name != "responded_time"
        }
        # Where the file's answers say which row an answer repeats: response id or call → first line.
        self.first_lines: dict[tuple[str, str], int] = {}

    def _cell(self, cells: list[str], name: str) -> str:
        return cells[self._at[name]] if name in self._at else ""

    def convert(self, cells: list[str]) -> SurveyAnswer:
        """The row's answer, or RowRefused with every reason (prefixed by the column's header)."""
        if len(cells) > self.width and any(cells[self.width :]):
            raise RowRefused([CELL_COUNT(cells=len(cells), width=self.width)])
        if len(cells) < self.width:  # exports drop trailing empty cells (issue 7, item 1)
            cells = cells + [""] * (self.width - len(cells))
        values: dict[str, Any] = {}
        messages: list[str] = []
        for name, convert in self._converters.items():
            raw = self._cell(cells, name)
            if name == "responded_on":
                time_of_day = self._cell(cells, "responded_time").strip()
                if time_of_day and not raw.strip():
                    messages.append(TIME_NEEDS_DATE(self.headers[name]).about(self.headers["responded_time"]))
                    continue
                if "responded_time" in self._at and raw.strip():
                    combined = f"{_date_part(raw)} {time_of_day or '00:00'}"  # a date alone: midnight
                    both = f"{self.headers[name]}, {self.headers['responded_time']}"
                    try:
                        values[name] = convert(combined)
                    except OutOfRange as exc:  # read, but not a sane time: say so, not "not a date"
                        messages.append(exc.reason.about(both))
                    except ValueError:
                        messages.append(NOT_DATE_AND_TIME(date=raw.strip(), time=time_of_day).about(both))
                    continue
            try:
                values[name] = convert(raw)
            except InvalidValue as exc:
                messages.append(exc.reason.about(self.headers[name]))
            except ValueError:
                messages.append(NOT_VALID(raw.strip()).about(self.headers[name]))
        if messages:
            raise RowRefused(messages)
        responded_at = values.pop("responded_at", None) or values.pop("responded_on", None)
        values.pop("responded_on", None)
        answer = SurveyAnswer(
            **{
                name: value if value is not None else ""
                for name, value in values.items()
                if name not in {"nps", "csat"}
            },
            nps=values.get("nps"),
            csat=values.get("csat"),
            responded_at=_aware(responded_at),
        )
        if answer.nps is None and answer.csat is None:
            raise RowRefused([NO_SCORE()])
        return answer


@dataclass
class SurveyBatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (position in the batch, reason: a calls.reasons.Reason, about the file's columns)
    refused: list[tuple[int, Reason]] = field(default_factory=list)


def _keys(row: SurveyAnswer) -> list[tuple[str, str]]:
    """What makes two rows of a file the same answer: the response id, the call."""
    keys = [("id", row.external_id)] if row.external_id else []
    if row.call_external_id:
        keys.append(("call", row.call_external_id))
    return keys


def write_survey_batch(plan: SurveyPlan, rows: list[SurveyAnswer], lines: list[int]) -> SurveyBatchOutcome:
    """Record one batch of converted rows (`lines`: their line numbers); refused rows come back by their
    position in the batch, with the reason for the report. Batches of one file go through one plan, which
    remembers the answers of earlier batches: a later row repeating one is refused, not merged."""
    outcome = SurveyBatchOutcome()
    kept: list[int] = []
    for position, row in enumerate(rows):
        repeated = next(
            (
                (what, plan.first_lines[(what, value)])
                for what, value in _keys(row)
                if (what, value) in plan.first_lines
            ),
            None,
        )
        if repeated is None:
            kept.append(position)
            continue
        what, first = repeated
        other = LINE(line=first)
        outcome.refused.append((position, same_response_id(other) if what == "id" else same_call(other)))
    result = record_survey_answers(rows=[rows[p] for p in kept], lines=[lines[p] for p in kept])
    outcome.created, outcome.updated, outcome.unchanged = result.created, result.updated, result.unchanged
    for refused in result.refused:
        outcome.refused.append((kept[refused.index], _field_message(plan, refused.errors)))
    for index in result.saved:
        for key in _keys(rows[kept[index]]):
            plan.first_lines.setdefault(key, lines[kept[index]])
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
