"""Sampling periods: ISO weeks and calendar months, their seeds, and which calls fall inside them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from scorecards.models import Assignment
from scorecards.sampling.services import MONTH, WEEK, period_containing, previous_period, run_sampling
from tests.factories import NO_CRITERIA, SamplingRuleFactory, make_published_version
from tests.scorecards.sampling.sampled_week import qualifying_call


@pytest.mark.parametrize(
    ("day", "start", "end", "seed"),
    [
        (date(2026, 11, 11), date(2026, 11, 9), date(2026, 11, 15), "2026-W46"),
        (date(2026, 11, 9), date(2026, 11, 9), date(2026, 11, 15), "2026-W46"),  # Monday
        (date(2026, 11, 15), date(2026, 11, 9), date(2026, 11, 15), "2026-W46"),  # Sunday
        # ISO weeks cross year ends: 1 January 2027 is a Friday of 2026-W53.
        (date(2027, 1, 1), date(2026, 12, 28), date(2027, 1, 3), "2026-W53"),
        (date(2024, 12, 31), date(2024, 12, 30), date(2025, 1, 5), "2025-W01"),
    ],
)
def test_week_is_monday_to_sunday_with_an_iso_seed(day, start, end, seed):
    period = period_containing(kind=WEEK, day=day)
    assert (period.start, period.end, period.seed) == (start, end, seed)


@pytest.mark.parametrize(
    ("day", "start", "end", "seed"),
    [
        (date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29), "2024-02"),  # leap year
        (date(2023, 2, 28), date(2023, 2, 1), date(2023, 2, 28), "2023-02"),
        (date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
    ],
)
def test_month_is_the_calendar_month(day, start, end, seed):
    period = period_containing(kind=MONTH, day=day)
    assert (period.start, period.end, period.seed) == (start, end, seed)


def test_previous_period_is_the_last_complete_one():
    assert previous_period(kind=WEEK, today=date(2026, 11, 16)).seed == "2026-W46"  # run on Monday
    assert previous_period(kind=WEEK, today=date(2026, 11, 15)).seed == "2026-W45"
    assert previous_period(kind=MONTH, today=date(2026, 1, 1)).seed == "2025-12"
    assert previous_period(kind=MONTH, today=date(2026, 3, 31)).seed == "2026-02"


def test_unknown_period_kind_is_refused():
    with pytest.raises(ValueError, match="unknown sampling period"):
        period_containing(kind="day", day=date(2026, 1, 1))


def test_period_boundaries_follow_the_centers_time_zone(settings):
    settings.TIME_ZONE = "Europe/Riga"  # UTC+2 in March
    start, end = period_containing(kind=WEEK, day=date(2024, 3, 6)).datetime_range()
    riga = ZoneInfo("Europe/Riga")
    assert start == datetime(2024, 3, 4, 0, 0, tzinfo=riga)
    assert end == datetime(2024, 3, 11, 0, 0, tzinfo=riga)


@pytest.mark.django_db
def test_weekly_and_monthly_runs_take_the_calls_inside_their_own_boundaries(
    settings, agent, reviewer, call_type
):
    settings.TIME_ZONE = "Europe/Riga"
    riga = ZoneInfo("Europe/Riga")
    make_published_version(call_type, NO_CRITERIA)
    rule = SamplingRuleFactory(call_type=call_type, calls_per_agent=10)

    def call_at(external_id, *moment):
        return qualifying_call(
            agent=agent,
            call_type=call_type,
            external_id=external_id,
            started_at=datetime(*moment, tzinfo=riga),
        )

    call_at("SUN-BEFORE", 2024, 3, 3, 23, 59)  # the Sunday before week 10
    call_at("MON-FIRST", 2024, 3, 4, 0, 0)
    call_at("SUN-LAST", 2024, 3, 10, 23, 59)
    call_at("MON-AFTER", 2024, 3, 11, 0, 0)
    call_at("FEB-LAST", 2024, 2, 29, 23, 59)
    call_at("MAR-FIRST", 2024, 3, 1, 0, 0)
    call_at("MAR-LAST", 2024, 3, 31, 23, 59)
    call_at("APR-FIRST", 2024, 4, 1, 0, 0)

    run_sampling(period=period_containing(kind=WEEK, day=date(2024, 3, 6)))
    assert set(Assignment.objects.values_list("call__external_id", flat=True)) == {"MON-FIRST", "SUN-LAST"}

    Assignment.objects.all().delete()
    rule.period = MONTH
    rule.save(update_fields=["period"])
    monthly = run_sampling(period=period_containing(kind=MONTH, day=date(2024, 3, 6)))
    assert set(Assignment.objects.values_list("call__external_id", flat=True)) == {
        "MAR-FIRST",
        "SUN-BEFORE",
        "MON-FIRST",
        "SUN-LAST",
        "MON-AFTER",
        "MAR-LAST",
    }
    assert (monthly.period_start, monthly.period_end, monthly.seed) == (
        date(2024, 3, 1),
        date(2024, 3, 31),
        "2024-03",
    )


@pytest.mark.django_db
def test_a_weekly_run_ignores_monthly_rules(agent, reviewer, call_type):
    make_published_version(call_type, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, period=MONTH)
    qualifying_call(agent=agent, call_type=call_type)
    run = run_sampling(period=period_containing(kind=WEEK, day=date(2024, 3, 6)))
    assert run.assignments_created == 0
    assert run.report["rules"] == []
    assert not Assignment.objects.exists()
