"""The dashboard's figures on hand-made snapshot rows: sums over the period, the change against the previous
period and the same period a year earlier, "no data", targets met and missed (lower is better too)."""

from datetime import date

import pytest

from qa_center.kpis.dashboards import selectors
from qa_center.kpis.dashboards.periods import MONTH, PeriodForm, Span, spans
from qa_center.kpis.models import CENTER_ID, KpiBenchmark, KpiTarget
from qa_center.kpis.targets.selectors import MET, MISSED
from tests.kpis.dashboards.helpers import calls, day_row, escalation_row

pytestmark = pytest.mark.django_db


def choice(**params):
    form = PeriodForm({"period": "month", "day": "2026-03-15", **params})
    assert form.is_valid(), form.errors
    return form.cleaned_data["choice"]


def board(scope_kind="center", scope_id=CENTER_ID, **params):
    return selectors.dashboard(scope_kind, scope_id, choice(**params))


def test_a_month_is_the_sum_of_its_days_with_the_counts_behind_the_rate():
    day_row(date(2026, 3, 1), **calls(60, 40))
    day_row(date(2026, 3, 31), **calls(30, 0))
    day_row(date(2026, 4, 1), **calls(0, 100))  # the next month: not counted
    tile = board().tiles["answer_rate"]
    assert tile.value == pytest.approx(90 * 100 / 130)
    assert (tile.part, tile.whole) == (90, 130)


def test_change_against_the_previous_period_and_a_year_earlier():
    day_row(date(2026, 3, 2), **calls(80, 20))
    day_row(date(2026, 2, 27), **calls(50, 50))  # February: the previous month
    day_row(date(2025, 3, 20), **calls(70, 30))  # March 2025: a year earlier
    tile = board().tiles["answer_rate"]
    assert tile.value == 80
    assert tile.previous == 50 and tile.change == 30
    assert tile.year_earlier == 70 and tile.year_change == pytest.approx(10)
    assert tile.change_is_better is True
    abandon = board().tiles["abandon_rate"]  # lower is better: a fall is the good direction
    assert abandon.change == -30 and abandon.change_is_better is True


def test_no_data_is_none_never_zero_and_has_no_change():
    day_row(date(2026, 3, 2), **calls(80, 20))  # calls, but no survey answer nor evaluation
    tiles = board().tiles
    assert tiles["nps"].value is None and tiles["qa_score"].value is None
    assert tiles["answer_rate"].previous is None  # no February row
    assert tiles["answer_rate"].change is None and tiles["answer_rate"].year_change is None


def test_an_empty_period_has_no_data_anywhere():
    result = board()
    assert all(tile.value is None for tile in result.tiles.values())
    assert all(point.counts is None for point in result.points)
    assert result.escalations == []


def test_target_met_and_missed_and_lower_is_better():
    day_row(date(2026, 3, 2), **calls(80, 20, within=60, wait_total=1600))  # service level 75 %, wait 20 s
    KpiTarget.objects.create(kpi="service_level", value=80)
    KpiTarget.objects.create(kpi="answer_rate", value=80)
    KpiTarget.objects.create(kpi="average_wait", value=25)
    KpiTarget.objects.create(kpi="abandon_rate", value=10)
    tiles = board().tiles
    assert tiles["service_level"].status == MISSED
    assert tiles["answer_rate"].status == MET  # at the target is meeting it
    assert tiles["average_wait"].status == MET  # 20 s ≤ 25 s
    assert tiles["abandon_rate"].status == MISSED  # 20 % > 10 %
    assert tiles["nps"].status is None  # no target


def test_a_teams_own_target_overrides_the_center():
    day_row(date(2026, 3, 2), "team", 7, **calls(80, 20))
    KpiTarget.objects.create(kpi="answer_rate", value=90)
    KpiTarget.objects.create(kpi="answer_rate", scope_kind="team", scope_id=7, value=75)
    assert board("team", 7).tiles["answer_rate"].status == MET
    assert board().tiles["answer_rate"].target == 90


def test_the_trend_sums_days_into_weeks_and_keeps_empty_weeks_as_no_data():
    day_row(date(2026, 3, 2), **calls(10, 0))  # Monday
    day_row(date(2026, 3, 8), **calls(0, 10))  # Sunday, the same week
    day_row(date(2026, 3, 23), **calls(5, 5))
    points = board(by="week").points
    kpi = selectors.definitions.by_key("answer_rate")
    assert [point.start for point in points] == [
        date(2026, 2, 23),
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 3, 30),
    ]
    assert [point.value(kpi) for point in points] == [None, 50, None, None, 50, None]


def test_the_trend_by_day_has_the_year_earlier_point_beside_each():
    day_row(date(2026, 3, 1), **calls(10, 0))
    day_row(date(2025, 3, 1), **calls(5, 5))
    point = board(by="day").points[0]
    kpi = selectors.definitions.by_key("answer_rate")
    assert (point.value(kpi), point.year_earlier_value(kpi)) == (100, 50)


def test_share_of_periods_meeting_the_service_level_target():
    day_row(date(2026, 3, 2), **calls(10, 0, within=9))  # 90 %
    day_row(date(2026, 3, 3), **calls(10, 0, within=7))  # 70 %
    day_row(date(2026, 3, 4), **calls(10, 0, within=8))  # 80 %: at the target
    KpiTarget.objects.create(kpi="service_level", value=80)
    periods = board(by="day").service_level_periods
    assert (periods.met, periods.with_data) == (2, 3)
    assert periods.share == pytest.approx(200 / 3)


def test_share_of_periods_without_a_target_is_no_data():
    day_row(date(2026, 3, 2), **calls(10, 0, within=9))
    assert board().service_level_periods.share is None


def test_escalations_by_type_and_reason_over_answered_calls():
    day_row(date(2026, 3, 2), **calls(200, 0))
    day_row(date(2026, 2, 2), **calls(100, 0))
    escalation_row(date(2026, 3, 2), "type", "Supervisor", 10)
    escalation_row(date(2026, 3, 3), "type", "Supervisor", 5)
    escalation_row(date(2026, 3, 2), "reason", "Billing", 4)
    escalation_row(date(2026, 2, 2), "type", "Supervisor", 3)
    rows = board().escalations
    assert [(row.dimension, row.value, row.escalated, row.rate) for row in rows] == [
        ("type", "Supervisor", 15, 7.5),
        ("reason", "Billing", 4, 2.0),
    ]
    assert (rows[0].previous_escalated, rows[0].previous_rate) == (3, 3.0)
    assert rows[1].previous_rate == 0.0  # answered calls but none escalated for this reason: 0 %, not no data


def test_benchmarks_reach_the_tiles():
    KpiBenchmark.objects.create(kpi="service_level", value=80, source="COPC")
    assert board().tiles["service_level"].benchmark == 80


@pytest.mark.parametrize(
    ("period", "day", "current", "previous", "year_earlier"),
    [
        (
            "week",
            date(2026, 3, 11),
            (date(2026, 3, 9), date(2026, 3, 15)),
            (date(2026, 3, 2), date(2026, 3, 8)),
            (date(2025, 3, 10), date(2025, 3, 16)),
        ),
        (
            "month",
            date(2026, 3, 11),
            (date(2026, 3, 1), date(2026, 3, 31)),
            (date(2026, 2, 1), date(2026, 2, 28)),
            (date(2025, 3, 1), date(2025, 3, 31)),
        ),
        (
            "quarter",
            date(2026, 2, 11),
            (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2025, 10, 1), date(2025, 12, 31)),
            (date(2025, 1, 1), date(2025, 3, 31)),
        ),
        (
            "year",
            date(2026, 2, 11),
            (date(2026, 1, 1), date(2026, 12, 31)),
            (date(2025, 1, 1), date(2025, 12, 31)),
            (date(2025, 1, 1), date(2025, 12, 31)),
        ),
    ],
)
def test_calendar_periods(period, day, current, previous, year_earlier):
    result = choice(period=period, day=day.isoformat())
    assert (result.current.first, result.current.last) == current
    assert (result.previous.first, result.previous.last) == previous
    assert (result.year_earlier.first, result.year_earlier.last) == year_earlier


def test_a_custom_range_compares_with_as_many_days_before():
    previous, year_earlier = spans("custom", Span(date(2024, 2, 20), date(2024, 2, 29)))
    assert (previous.first, previous.last) == (date(2024, 2, 10), date(2024, 2, 19))
    assert (year_earlier.first, year_earlier.last) == (date(2023, 2, 20), date(2023, 2, 28))
    assert spans(MONTH, Span(date(2026, 1, 1), date(2026, 1, 31)))[0] == Span(
        date(2025, 12, 1), date(2025, 12, 31)
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "custom"}, "first"),
        ({"period": "custom", "first": "2026-03-10", "last": "2026-03-01"}, "last"),
        ({"period": "custom", "first": "2020-01-01", "last": "2026-03-01"}, "last"),
        ({"period": "custom", "by": "day", "first": "2024-01-01", "last": "2025-12-31"}, "by"),
        ({"period": "decade"}, "period"),
        ({"day": "not-a-date"}, "day"),
        ({"by": "hour"}, "by"),
    ],
)
def test_bad_parameters_are_errors_on_their_field(params, field):
    form = PeriodForm(params)
    assert not form.is_valid()
    assert field in form.errors
