"""The week the sampling tests draw from, ISO 2024-W10, and calls in it that every default rule accepts."""

from datetime import UTC, date, datetime, time, timedelta

from calls.models import Call
from tests.factories import CallFactory

RECORDING_URL = "https://pbx.example.com/rec/call.mp3"

# ISO week 2024-W10: Monday 4 March to Sunday 10 March 2024 (inside March, so week ⊂ month).
WEEK_START = date(2024, 3, 4)
WEEK_DAY = date(2024, 3, 6)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def qualifying_call(*, agent, call_type, day: date = WEEK_DAY, **values) -> Call:
    """A call any default rule accepts: answered, recorded, 300 s of talk, on `day` (UTC)."""
    values.setdefault("started_at", at(day))
    values.setdefault("recording_url", RECORDING_URL)
    return CallFactory(agent=agent, call_type=call_type, **values)


def qualifying_calls(count: int, *, agent, call_type, day: date = WEEK_DAY) -> list[Call]:
    return [
        qualifying_call(agent=agent, call_type=call_type, started_at=at(day) + timedelta(minutes=i))
        for i in range(count)
    ]
