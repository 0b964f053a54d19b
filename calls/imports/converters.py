"""Value converters: one small function per mapped column, turning a cell's text into a database value.

The rules for messy values (decisions, so that a reader can find the rule here):

- Empty cells and the literal `null` (any case) mean "unknown": NULL in the database, never 0, and an
  empty string for text fields.
- Booleans: Y/N, yes/no, true/false, t/f, 1/0, any case.
- Durations: whole or decimal seconds (rounded), M:SS or H:MM:SS (hours may exceed 24).
- Percentages such as `94.01%` (service level, occupancy) are common in exports but no call field is a
  percentage. A percentage in a mapped numeric field (a duration, NPS, CSAT) refuses the row with a reason
  saying so, rather than rescaling it into a number nobody typed.
- Dates: ISO 8601 with or without `T`, seconds, fraction and zone (`Z`, `+01:00`); `DD/MM/YYYY HH:MM[:SS]`
  and `DD.MM.YYYY HH:MM[:SS]` (day first, as in Europe); a date alone means midnight (the mapping page
  warns before such an import runs). A start split in a date column and a time-of-day column is joined
  into one value before it is read (`join_date_and_time`): the time may be `14:30[:05]` or `2:30 PM`; an
  Excel date cell's midnight and an Excel time cell's 1899-12-30 are dropped. US dates (MM/DD/YYYY)
  only when the mapping's date format says so (e.g. `%m/%d/%Y %H:%M:%S`); with a date format, ISO 8601 is
  still accepted, day-first dates are not. Times without a zone are in settings.TIME_ZONE.
- Agent: by agent code, then username, then a name saved for the agent in an import's agent step
  (calls.fields.AGENT_KEYS, agents_by_key), exact, then case-insensitive. Team: by name,
  case-insensitive. Call type: by code (slug) or name, case-insensitive. An unknown agent, team or call
  type refuses the row (unknown agents and teams are offered to set up first: calls.imports.agents).

Speed: references (agents, teams, call types) are loaded once per file; converters of columns whose values
repeat (agents, booleans, durations…) remember their results; values come out ready for the database
driver, with no model instances and no full_clean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection
from django.db.models import DateTimeField, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy

from calls.fields import AGENT_KEYS, INTEGER_MAX, TimeRange, agent_candidates, agents_by_key
from calls.models import Call, CallType
from calls.reasons import Reason, as_reason, declare
from qa_center.people.models import Team

if TYPE_CHECKING:
    from calls.imports.mapping import ImportField

PG_INT_MAX = INTEGER_MAX  # PositiveIntegerField's ceiling on PostgreSQL (calls.fields, shared with the API)


class InvalidValue(ValueError):
    """A cell's value is refused; the message (a calls.reasons.Reason) says why, for the user."""

    @property
    def reason(self) -> Reason:
        return as_reason(self.args[0] if self.args else "")


# The reasons a value is refused (calls.reasons: stored as codes, shown in the reader's language).
TOO_LONG = declare("import.too_long", gettext_lazy("longer than %(max)s characters"))
SLASH_IN_ID = declare("import.slash_in_id", gettext_lazy("an external id cannot contain “/”"))
NOT_YES_NO = declare(
    "import.not_yes_no", gettext_lazy("“%s” is not yes or no (Y/N, yes/no, true/false, 1/0)")
)
PERCENTAGE = declare(
    "import.percentage", gettext_lazy("“%s” is a percentage, not a value this field can hold")
)
NOT_A_DURATION = declare(
    "import.not_a_duration", gettext_lazy("“%s” is not a duration (seconds, M:SS or H:MM:SS)")
)
DURATION_TOO_LONG = declare("import.duration_too_long", gettext_lazy("“%s” is too long for a duration"))
NOT_WHOLE = declare("import.not_whole", gettext_lazy("“%(value)s” is not a whole number"))
SCORE_RANGE = declare(
    "import.score_range", gettext_lazy("%(name)s must be between %(low)s and %(high)s, not %(value)s")
)
DATE_FORMAT = declare(
    "import.date_format", gettext_lazy("“%(value)s” does not match the date format %(format)s")
)
NOT_A_DATE = declare(
    "import.not_a_date",
    gettext_lazy(
        "“%s” is not a date and time we understand (e.g. 2024-03-05 14:30 or "
        "05/03/2024 14:30; US dates need the mapping's date format %%m/%%d/%%Y)"
    ),
)
UNKNOWN_CHOICE = declare("import.unknown_choice", gettext_lazy("unknown %(what)s “%(value)s”"))
DIRECTION = declare("import.word.direction", gettext_lazy("direction"))
CHANNEL = declare("import.word.channel", gettext_lazy("channel"))
UNKNOWN_AGENT = declare(
    "import.unknown_agent", gettext_lazy("unknown agent “%(value)s”: no user has this agent code or username")
)
UNKNOWN_TEAM = declare("import.unknown_team", gettext_lazy("unknown team “%(value)s”"))
UNKNOWN_CALL_TYPE = declare("import.unknown_call_type", gettext_lazy("unknown call type “%(value)s”"))
NOT_A_URL = declare("import.not_a_url", gettext_lazy("“%s” is not an http(s) URL"))


class OutOfRange(InvalidValue):
    """A date that was read, but is before 2000 or more than a day ahead (calls.fields.TimeRange)."""


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
        text = raw.strip()  # as `convert`, inlined: a call less per cell
        if len(text) == 4 and text.lower() == "null":
            return ""
        if len(text) > max_length:
            raise InvalidValue(TOO_LONG(max=max_length))
        return text

    return convert_limited


def _external_id_converter(max_length: int) -> Callable[[str], str]:
    text = _text_converter(max_length)

    def convert(raw: str) -> str:
        value = text(raw)
        if "/" in value:
            # The ingest API addresses calls by external id in its paths (models.validate_external_id).
            raise InvalidValue(SLASH_IN_ID())
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
        raise InvalidValue(NOT_YES_NO(raw.strip())) from None


def _percent_refused(text: str) -> InvalidValue:
    return InvalidValue(PERCENTAGE(text))


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
            raise InvalidValue(NOT_A_DURATION(text))
        seconds = round(value)
    if seconds > PG_INT_MAX:
        raise InvalidValue(DURATION_TOO_LONG(text))
    return seconds


_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d{1,2})(?:[.,]\d+)?\Z")


def _clock_seconds(text: str) -> int:
    match = _CLOCK.match(text)
    if not match:
        raise InvalidValue(NOT_A_DURATION(text))
    hours, minutes, seconds = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        raise InvalidValue(NOT_A_DURATION(text))
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
                raise InvalidValue(NOT_WHOLE(value=text)) from None
            value = int(number)
        if not low <= value <= high:
            raise InvalidValue(SCORE_RANGE(name=name, low=low, high=high, value=value))
        return value

    return convert


_DAY_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\Z")


def _common_day_first(text: str) -> str | None:
    """05/03/2024 14:30[:05], the common day-first form, as the same ISO 8601 text; None for another form
    (read then by _DAY_FIRST, which reads every form this does, and more)."""
    if (
        len(text) in (16, 19)
        and text[2] in "/."
        and text[5] in "/."
        and text[10] in " T"
        and text[13] == ":"
        and text[16:17] in ("", ":")
    ):
        return f"{text[6:10]}-{text[3:5]}-{text[:2]} {text[11:]}"
    return None


_EXCEL_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?\Z")
_EXCEL_TIME_EPOCH = re.compile(r"\A1899-12-3[01][ T]")
_TWELVE_HOUR = re.compile(r"(\d{1,2})(:\d{2}(?::\d{2})?)\s*([ap])\.?m\.?\Z", re.IGNORECASE)


def join_date_and_time(date_text: str, time_text: str) -> str:
    """The text of a start whose date and time of day are in two cells, for the date-time converter.

    An empty time leaves the date alone (midnight); an empty date leaves nothing (the start is empty)."""
    day, time_of_day = date_text.strip(), time_text.strip()
    if _is_null(day):
        return ""
    if _is_null(time_of_day):
        return day
    day = _EXCEL_MIDNIGHT.sub("", day)  # an Excel date cell, read as a date-time at midnight
    time_of_day = _EXCEL_TIME_EPOCH.sub("", time_of_day)  # an Excel time cell, read as a date-time
    twelve = _TWELVE_HOUR.match(time_of_day)
    if twelve:
        hour, rest, half = int(twelve[1]), twelve[2], twelve[3].lower()
        if 1 <= hour <= 12:
            time_of_day = f"{hour % 12 + (12 if half == 'p' else 0):02d}{rest}"
    return f"{day} {time_of_day}"


def datetime_adapter() -> Callable[[datetime], Any]:
    """Aware datetime → the value the database driver expects (what Django's own adapter gives, faster)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    if connection.vendor == "sqlite" and settings.USE_TZ:
        database_zone = connection.timezone

        def adapt(value: datetime) -> str:
            return str(value.astimezone(database_zone).replace(tzinfo=None))

        if not _is_utc(database_zone):
            return adapt

        def adapt_to_utc(value: datetime) -> str:
            text = value.isoformat(" ")  # str(value): a time already in UTC, its text less the offset
            return text[:-6] if text.endswith("+00:00") else adapt(value)

        return adapt_to_utc
    return connection.ops.adapt_datetimefield_value


def datetime_selected(column: str) -> str:
    """The SQL selecting the datetime column `column` (quoted) for `datetime_reader`: on SQLite its stored
    text, which the reader reads with its offset written after it. The column itself would come back parsed
    by the driver, through Django's converter for a declared datetime (a Python function a value), naive:
    the reader would then attach the zone, several times the cost of reading the text."""
    if connection.vendor == "sqlite":
        return f"CAST({column} AS TEXT)"
    return column


def datetime_reader() -> Callable[[Any], datetime]:
    """A datetime column's value as the database driver gives it → an aware datetime (what the ORM's own
    converters give, faster), for rows read with plain SQL (a column selected by `datetime_selected`)."""
    if connection.vendor == "sqlite" and settings.USE_TZ:
        database_zone = connection.timezone
        from_iso = datetime.fromisoformat

        def read(value: Any) -> datetime:
            if not isinstance(value, datetime):
                value = from_iso(value)
            return value if value.tzinfo is not None else value.replace(tzinfo=database_zone)

        if not _is_utc(database_zone):
            return read

        def read_utc(value: Any) -> datetime:
            # The stored text read with its offset written after it: attaching the zone (`replace`) costs
            # several times the parsing.
            if isinstance(value, str):
                try:
                    return from_iso(f"{value}+00:00")
                except ValueError:
                    pass
            return read(value)

        return read_utc
    expression = Value(None, output_field=DateTimeField())
    converters = [
        *connection.ops.get_db_converters(expression),
        *expression.output_field.get_db_converters(connection),
    ]

    def convert(value: Any) -> datetime:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def _is_utc(zone) -> bool:
    return zone is UTC or getattr(zone, "key", None) in {"UTC", "Etc/UTC"}


def _stored_utc_text(iso: str) -> str | None:
    """The text SQLite stores (Django's form: str() of the naive UTC time) for `iso`, a UTC time that
    `datetime.fromisoformat` read, when it is in the common form YYYY-MM-DD[ T]HH:MM[:SS]; None otherwise.
    Cutting the text costs a tenth of formatting the time (an aware `isoformat` is several times the
    parsing)."""
    size = len(iso)
    if (
        (size == 16 or (size == 19 and iso[16] == ":"))
        and iso[4] == "-"
        and iso[7] == "-"
        and iso[10] in " T"
        and iso[13] == ":"
    ):
        return f"{iso[:10]} {iso[11:]}:00" if size == 16 else f"{iso[:10]} {iso[11:]}"
    return None


def _datetime_converter(date_format: str, adapt: Callable[[datetime], Any] | None) -> Callable[[str], Any]:
    """`adapt` None: a cell comes out as (aware datetime, its database value or None), or None when empty
    (the survey import's, for the survey service). The database value is there when it could be read off
    the cell's text (SQLite in a UTC center, the common forms); None: the writer adapts the datetime."""
    zone = timezone.get_default_timezone()
    if _is_utc(zone):
        # The same instants, but datetime's own UTC: ZoneInfo("UTC") makes attaching the zone and each
        # comparison (the range check) some ten times slower, a few seconds over a million rows.
        zone = UTC
    stores_utc_text = (
        connection.vendor == "sqlite" and settings.USE_TZ and _is_utc(zone) and _is_utc(connection.timezone)
    )
    if stores_utc_text:
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
        if (iso := _common_day_first(text)) is not None:
            try:
                return from_iso(iso)
            except ValueError:
                pass
        return parse_rest(text)

    def parse_rest(text: str) -> datetime:
        match = _DAY_FIRST.match(text)
        if match is None:
            return from_iso(text)  # the other ISO 8601 forms, e.g. 20240305T1430
        day, month, year, hour, minute, second = match.groups()
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))

    def read_in_utc(text: str) -> tuple[datetime, str | None]:
        """parse_default's time as an aware one in UTC, and the text SQLite stores for it when the cell's
        text gives it. The common forms are read with the offset written after them: attaching a zone to a
        datetime (`replace`) costs ten times the parsing."""
        iso = text if text[4:5] == "-" else _common_day_first(text)
        if iso is not None:
            try:
                value = from_iso(f"{iso}+00:00")
            except ValueError:
                pass  # an offset of its own, or not a date we read this way: as parse_default reads it
            else:
                return value, _stored_utc_text(iso) if stores_utc_text else None
        value = parse_default(text)
        return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)), None

    parse = parse_with_format if date_format else parse_default
    in_range = TimeRange.now()  # calls.fields: the API's rule too
    earliest, latest = in_range.earliest, in_range.latest

    if adapt is None and zone is UTC and not date_format:
        read = read_in_utc  # convert_timed below finds the zone already there
    else:

        def read(text: str) -> tuple[datetime, None]:
            return parse(text), None

    def convert_timed(raw: str) -> tuple[datetime, Any] | None:
        text = raw.strip()
        try:
            value, stored = read(text)
        except ValueError:
            if _is_null(text):
                return None
            raise InvalidValue(
                DATE_FORMAT(value=text, format=date_format) if date_format else NOT_A_DATE(text)
            ) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        # in_range.refusal's test first, inlined (the years before the instants: see TimeRange.refusal)
        if earliest.year <= value.year <= latest.year and earliest <= value <= latest:
            return value, stored
        raise OutOfRange(in_range.refusal(value))

    if adapt is None:
        return convert_timed

    def convert(raw: str) -> Any:
        text = raw.strip()
        try:
            value = parse(text)
        except ValueError:
            if _is_null(text):
                return None
            raise InvalidValue(
                DATE_FORMAT(value=text, format=date_format) if date_format else NOT_A_DATE(text)
            ) from None
        if (refused := in_range.refusal(value, zone)) is not None:
            raise OutOfRange(refused)
        if value.tzinfo is None:
            return adapt_naive(value)
        return adapt(value)

    return convert


def _choice_converter(choices: dict[str, str], what: Callable[[], Reason]) -> Callable[[str], str | None]:
    choices = {**choices, "": None, "null": None}

    def convert(raw: str) -> str | None:
        try:
            return choices[raw.strip().lower()]
        except KeyError:
            raise InvalidValue(UNKNOWN_CHOICE(what=what(), value=raw.strip())) from None

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


def _lookup_converter(
    table: dict[str, Any], folded: dict[str, Any], message: Callable[..., Reason]
) -> Callable[[str], Any]:
    def convert(raw: str) -> Any:
        text = raw.strip()
        found = table.get(text)
        if found is None:
            found = folded.get(text.casefold())
            if found is None:
                if _is_null(text):
                    return None
                raise InvalidValue(message(value=text))
        return found

    return convert


def _url_converter() -> Callable[[str], str]:
    validate = URLValidator(schemes=["http", "https"])

    def convert(raw: str) -> str:
        text = raw.strip()
        if _is_null(text):
            return ""
        if len(text) > 500:
            raise InvalidValue(TOO_LONG(max=500))
        try:
            validate(text)
        except ValidationError:
            raise InvalidValue(NOT_A_URL(text)) from None
        return text

    return convert


@dataclass
class References:
    """Agents, teams and call types, loaded once per import."""

    agents: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    agents_folded: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    teams_folded: dict[str, int] = field(default_factory=dict)
    call_types: dict[str, int] = field(default_factory=dict)
    call_types_folded: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, fields: Iterable[str]) -> References:
        refs = cls()
        fields = set(fields)
        if "agent" in fields:
            agents = [
                (*keys, (pk, team_id))
                for *keys, pk, team_id in agent_candidates().values_list(*AGENT_KEYS, "pk", "team_id")
            ]
            refs.agents = agents_by_key(agents)
            refs.agents_folded = agents_by_key(agents, fold=True)
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
_REPEATING = {
    "agent",
    "team",
    "call_type",
    "direction",
    "channel",
    "queue",
    "topic",
    "duration",
    "bool",
    "score",
}
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


def converter_for(
    import_field: ImportField, refs: References, date_format: str, adapt: Callable[[datetime], Any] | None
) -> Callable[[str], Any]:
    """The converter of a mapped column; `adapt` turns datetimes into database values (None: a datetime
    column gives (aware datetime, its database value or None): see _datetime_converter)."""
    convert = _plain_converter_for(import_field, refs, date_format, adapt)
    if import_field.kind in _REPEATING or import_field.name in _REPEATING:
        return _memoised(convert)
    return convert


def _plain_converter_for(
    import_field: ImportField, refs: References, date_format: str, adapt: Callable[[datetime], Any] | None
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
        return _choice_converter(_DIRECTIONS, DIRECTION)
    if kind == "channel":
        return _choice_converter(_CHANNELS, CHANNEL)
    if kind == "url":
        return _url_converter()
    if kind == "agent":
        return _lookup_converter(refs.agents, refs.agents_folded, UNKNOWN_AGENT)
    if kind == "team":
        return _lookup_converter(refs.teams, refs.teams_folded, UNKNOWN_TEAM)
    if kind == "call_type":
        return _lookup_converter(refs.call_types, refs.call_types_folded, UNKNOWN_CALL_TYPE)
    raise AssertionError(kind)
