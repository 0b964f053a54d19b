"""Date arithmetic in SQL that SQLite and PostgreSQL both run natively, for the KPI queries.

Django's own versions (TruncDate with a time zone, datetime ± timedelta, datetime − datetime) run a Python
function per row on SQLite; over a million calls that is seconds. These compile to each database's built-ins.
Outside the layered apps (imports nothing of theirs): calls.kpis and qa_center.kpis both use them.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateField, DateTimeField, Expression, FloatField, Func

__all__ = ["LocalDate", "SecondsBetween", "ShiftedByDays", "utc_offsets"]


def _sqlite_text(moment: datetime) -> str:
    """How Django stores an aware datetime in SQLite (UTC, no offset): comparable as text with the column."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def utc_offsets(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets (seconds) over [start, end): [(from, offset)…], the first from `start`.

    Found day by day, then to the minute inside a day whose offset changes (DST changes happen on the minute)."""

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    # In UTC: arithmetic on datetimes of the zone itself is wall-clock arithmetic, blind to the repeated hour.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    changes = [(start, offset(start))]
    day = start
    while day < end:
        following = min(day + timedelta(days=1), end)
        if offset(following) != changes[-1][1]:
            low, high = day, following  # offset(low) is the current one, offset(high) the next
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == changes[-1][1] else (low, middle)
            high = high.replace(second=0, microsecond=0)
            changes.append((high, offset(high)))
        day = following
    return changes


class LocalDate(Func):
    """The calendar date of a timestamp in `zone`, for timestamps in [start, end), DST changes included.

    PostgreSQL converts with AT TIME ZONE. SQLite knows no time zones: the range is cut where the zone's offset
    changes, and each piece shifts by its fixed offset with the built-in date()."""

    output_field = DateField()

    def __init__(self, expression, *, zone: ZoneInfo, start: datetime, end: datetime):
        super().__init__(expression)
        self.zone, self.start, self.end = zone, start, end

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", (*params, self.zone.key)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        pieces = utc_offsets(self.zone, self.start, self.end)
        if len(pieces) == 1:
            return f"date({sql}, %s)", (*params, f"{pieces[0][1]:+d} seconds")
        whens, when_params = [], []
        for (_begins, offset), (next_begins, _next) in zip(pieces, pieces[1:], strict=False):
            whens.append(f"WHEN {sql} < %s THEN date({sql}, %s)")
            when_params += [*params, _sqlite_text(next_begins), *params, f"{offset:+d} seconds"]
        return (
            f"CASE {' '.join(whens)} ELSE date({sql}, %s) END",
            (*when_params, *params, f"{pieces[-1][1]:+d} seconds"),
        )


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[midnight, next midnight) of `day` in `zone`, as aware datetimes (23 or 25 hours on a DST change)."""
    return (
        datetime.combine(day, time.min, tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
    )


class ShiftedByDays(Func):
    """A timestamp `days` later (a whole number of 24-hour days)."""

    output_field = DateTimeField()

    def __init__(self, expression, *, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + make_interval(days => %s))", (*params, self.days)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # The column's own text format (microseconds), so that comparing the texts compares the instants.
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f000', {sql}, %s)", (*params, f"{self.days:+d} days")


class SecondsBetween(Func):
    """later − earlier in seconds (a float)."""

    output_field = FloatField()

    def __init__(self, later: Expression | str, earlier: Expression | str):
        super().__init__(later, earlier)

    def as_postgresql(self, compiler, connection, **extra_context):
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))::float", (*later_params, *earlier_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)", (*later_params, *earlier_params)
