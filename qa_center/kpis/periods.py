"""Periods of the KPI snapshots in the center's time zone (settings.TIME_ZONE), DST changes included.

A day runs from local midnight to the next (23 or 25 hours on a DST change); a week starts on Monday, a month
on the 1st, a year on 1 January. Periods are named by their first day (a local date).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from qa_center.kpis.models import PeriodKind
from qa_center.sql_time import day_bounds

__all__ = ["center_zone", "days_between", "local_bounds", "period_end", "period_start", "periods_touching"]


def center_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def period_start(kind: str, day: date) -> date:
    if kind == PeriodKind.DAY:
        return day
    if kind == PeriodKind.WEEK:
        return day - timedelta(days=day.weekday())
    if kind == PeriodKind.MONTH:
        return day.replace(day=1)
    if kind == PeriodKind.YEAR:
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown period kind {kind!r}")


def period_end(kind: str, start: date) -> date:
    """The first day after the period that starts on `start`."""
    if kind == PeriodKind.DAY:
        return start + timedelta(days=1)
    if kind == PeriodKind.WEEK:
        return start + timedelta(days=7)
    if kind == PeriodKind.MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if kind == PeriodKind.YEAR:
        return start.replace(year=start.year + 1)
    raise ValueError(f"unknown period kind {kind!r}")


def periods_touching(kind: str, first_day: date, last_day: date) -> list[date]:
    """The starts of the periods of `kind` that hold any day of [first_day, last_day]."""
    starts = []
    start = period_start(kind, first_day)
    while start <= last_day:
        starts.append(start)
        start = period_end(kind, start)
    return starts


def days_between(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def local_bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """[local midnight starting first_day, local midnight after last_day), as aware datetimes."""
    zone = center_zone()
    return day_bounds(first_day, zone)[0], day_bounds(last_day, zone)[1]
