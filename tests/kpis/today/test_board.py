"""The "today" board: today's day snapshots beside yesterday's calls up to the same local time, with the
targets that apply to each row."""

from datetime import date, timedelta

import pytest

from qa_center.kpis.models import CENTER_ID, KpiSnapshot, ScopeKind
from qa_center.kpis.targets.selectors import MET, MISSED
from qa_center.kpis.targets.services import set_target
from qa_center.kpis.today.selectors import today_board
from tests.factories import CallFactory
from tests.kpis.helpers import DAY, at, compute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _riga(settings):
    settings.TIME_ZONE = "Europe/Riga"
    settings.QA_SERVICE_LEVEL_SECONDS = 20


def day_snapshot(scope_kind="center", scope_id=CENTER_ID, *, day=DAY, computed_at=None, **counts):
    return KpiSnapshot.objects.create(
        period_kind="day",
        period_start=day,
        scope_kind=scope_kind,
        scope_id=scope_id,
        computed_at=computed_at or at(day, 14, 5),
        **counts,
    )


# 10 inbound: 8 answered (6 of them within 20 s), 2 abandoned; waits of the 8 answered total 160 s.
COUNTS = {
    "calls": 12,
    "inbound": 10,
    "inbound_with_outcome": 10,
    "inbound_answered": 8,
    "inbound_abandoned": 2,
    "waits": 8,
    "wait_total": 160,
    "within_service_level": 6,
}


def figures(row) -> dict:
    return {figure.kpi.key: figure for figure in row.figures}


def test_todays_figures_come_from_its_snapshots(team, other_team):
    day_snapshot(**COUNTS)
    day_snapshot(ScopeKind.TEAM, team.pk, calls=3, inbound=2, inbound_with_outcome=2, inbound_answered=2)
    day_snapshot(day=DAY - timedelta(days=1), calls=99)  # yesterday's whole day: not today's
    board = today_board(teams=[team, other_team], center=True, now=at(DAY, 14, 7))

    assert board.today == DAY and board.as_of == at(DAY, 14, 5) and board.service_level_seconds == 20
    center, blue, green = board.rows
    assert (center.is_center, center.calls, center.inbound) == (True, 12, 10)
    values = {key: figure.value for key, figure in figures(center).items()}
    assert values == {"answer_rate": 80.0, "abandon_rate": 20.0, "average_wait": 20.0, "service_level": 75.0}
    assert figures(center)["service_level"].of == 8 and figures(center)["answer_rate"].of == 10
    assert (blue.name, blue.calls, figures(blue)["answer_rate"].value) == ("Blue", 3, 100.0)
    # A team without calls today has no snapshot: no calls, and "no data" (never 0 %).
    assert (green.calls, figures(green)["answer_rate"].value, figures(green)["average_wait"].value) == (
        0,
        None,
        None,
    )


def test_nothing_computed_yet_today():
    board = today_board(teams=[], center=True, now=at(DAY, 0, 3))
    assert board.as_of is None and board.rows[0].calls == 0
    assert board.yesterday_until == at(DAY - timedelta(days=1), 0, 3)


def test_yesterday_counts_the_calls_up_to_the_time_today_was_computed(team, other_team, agent, other_agent):
    yesterday = DAY - timedelta(days=1)
    day_snapshot(**COUNTS)
    CallFactory(agent=agent, started_at=at(yesterday, 0, 0), queue_wait_seconds=0, ivr_wait_seconds=10)
    CallFactory(
        agent=agent,
        started_at=at(yesterday, 13, 0),
        answered=False,
        ivr_wait_seconds=None,
        queue_wait_seconds=None,
    )
    CallFactory(agent=other_agent, started_at=at(yesterday, 14, 4), queue_wait_seconds=30, ivr_wait_seconds=0)
    CallFactory(agent=agent, started_at=at(yesterday, 14, 5))  # at the very time: not before it
    CallFactory(agent=agent, started_at=at(yesterday, 20, 0))  # later in the day
    CallFactory(agent=agent, started_at=at(yesterday - timedelta(days=1), 12, 0))  # the day before
    board = today_board(teams=[team, other_team], center=True, now=at(DAY, 14, 9))

    assert board.yesterday_until == at(yesterday, 14, 5)
    center, blue, green = board.rows
    assert (center.yesterday_calls, blue.yesterday_calls, green.yesterday_calls) == (3, 2, 1)
    assert figures(center)["answer_rate"].yesterday == pytest.approx(200 / 3)
    assert figures(center)["abandon_rate"].yesterday == pytest.approx(100 / 3)
    assert figures(center)["average_wait"].yesterday == 20.0  # the abandoned call's blank wait is left out
    assert figures(center)["service_level"].yesterday == 50.0
    assert figures(blue)["service_level"].yesterday == 100.0


def test_yesterday_at_the_same_time_across_a_dst_change(team, agent):
    # Riga moves its clocks forward at 03:00 on Sunday 29 March 2026: that day has 23 hours.
    today, yesterday = date(2026, 3, 30), date(2026, 3, 29)
    day_snapshot(day=today, computed_at=at(today, 2, 30), **COUNTS)
    CallFactory(agent=agent, started_at=at(yesterday, 2, 0))  # before 02:30 local (23 h 30 min before)
    board = today_board(teams=[team], center=True, now=at(today, 2, 31))
    assert board.yesterday_until == at(yesterday, 2, 30)
    assert board.rows[0].yesterday_calls == 1


def test_each_row_is_held_to_the_target_that_applies_to_it(team, other_team):
    set_target(kpi="service_level", value=80, by=None)
    set_target(kpi="abandon_rate", value=5, by=None)
    set_target(kpi="service_level", value=70, by=None, scope_kind=ScopeKind.TEAM, scope_id=team.pk)
    day_snapshot(**COUNTS)
    day_snapshot(ScopeKind.TEAM, team.pk, **COUNTS)
    day_snapshot(ScopeKind.TEAM, other_team.pk, **COUNTS)
    center, blue, green = today_board(teams=[team, other_team], center=True, now=at(DAY, 15)).rows

    assert (figures(center)["service_level"].target, figures(center)["service_level"].status) == (80, MISSED)
    assert (figures(blue)["service_level"].target, figures(blue)["service_level"].status) == (70, MET)
    assert (figures(green)["service_level"].target, figures(green)["service_level"].status) == (80, MISSED)
    # Lower is better: 20 % abandoned misses "at most 5 %".
    assert figures(center)["abandon_rate"].status == MISSED
    assert figures(center)["answer_rate"].target is None and figures(center)["answer_rate"].status is None


def test_a_lead_gets_only_their_teams_rows(team, other_team, agent, other_agent):
    day_snapshot(**COUNTS)
    day_snapshot(ScopeKind.TEAM, other_team.pk, **COUNTS)
    CallFactory(agent=other_agent, started_at=at(DAY - timedelta(days=1), 9))
    CallFactory(agent=agent, started_at=at(DAY - timedelta(days=1), 9))
    board = today_board(teams=[other_team], center=False, now=at(DAY, 15))
    assert [(row.name, row.calls, row.yesterday_calls) for row in board.rows] == [("Green", 12, 1)]


def test_the_board_reads_what_the_computation_wrote(team, agent, call_type):
    for minute in range(3):
        CallFactory(
            agent=agent, call_type=call_type, started_at=at(DAY, 9, minute), queue_wait_seconds=minute
        )
    compute(DAY, DAY)
    center, blue = today_board(teams=[team], center=True, now=at(DAY, 23)).rows
    assert (center.calls, blue.calls) == (3, 3)
    assert figures(center)["service_level"].value == 100.0
    assert figures(blue)["average_wait"].value == 16.0  # 15 s of IVR + 0, 1, 2 s in the queue
