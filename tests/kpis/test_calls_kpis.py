"""Each call KPI on a hand-computed fixture (DESIGN.md, Definitions), through the computed snapshots."""

from datetime import UTC, date, timedelta

import pytest

from qa_center.kpis import definitions
from qa_center.kpis.models import KpiSnapshot
from qa_center.kpis.periods import local_bounds
from tests.factories import CallFactory, EscalationFactory
from tests.kpis.helpers import DAY, at, compute, figures, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _riga(settings):
    settings.TIME_ZONE = "Europe/Riga"
    settings.QA_SERVICE_LEVEL_SECONDS = 20


def call(agent, call_type, when, **values):
    return CallFactory(agent=agent, call_type=call_type, started_at=when, **values)


def test_an_empty_period_is_no_data_not_zero():
    assert compute() == 0
    assert not KpiSnapshot.objects.exists()
    empty = KpiSnapshot(period_kind="day", period_start=DAY, scope_kind="center", scope_id=0)
    assert set(definitions.values_of(empty).values()) == {None}


def test_a_day_with_only_outbound_calls_has_no_answer_rate(agent, call_type):
    call(agent, call_type, at(DAY, 10), direction="outbound")
    compute()
    values = figures()
    assert (
        values["answer_rate"] is None and values["average_wait"] is None and values["service_level"] is None
    )
    assert values["aht"] == 365  # 300 talk + 20 hold + 45 wrap-up


def test_answer_and_abandon_rates_leave_unknown_outcomes_out(agent, call_type):
    for answered in (True, True, True, False, None):
        call(agent, call_type, at(DAY, 10), answered=answered, resolved=None)
    call(agent, call_type, at(DAY, 11), direction="outbound", answered=True)
    compute()
    row = snapshot()
    assert (row.inbound, row.inbound_with_outcome, row.inbound_answered, row.inbound_abandoned) == (
        5,
        4,
        3,
        1,
    )
    values = figures()
    assert (values["answer_rate"], values["abandon_rate"]) == (75.0, 25.0)


def test_blank_waits_on_abandoned_calls_are_left_out_of_the_mean(agent, call_type):
    call(agent, call_type, at(DAY, 9), ivr_wait_seconds=10, queue_wait_seconds=20)  # 30 s
    call(agent, call_type, at(DAY, 9), ivr_wait_seconds=None, queue_wait_seconds=50)  # 50 s
    # abandoned: blank wait (unknown), and a long one; neither is an answered call's wait
    call(
        agent,
        call_type,
        at(DAY, 9),
        answered=False,
        resolved=None,
        ivr_wait_seconds=None,
        queue_wait_seconds=None,
    )
    call(
        agent,
        call_type,
        at(DAY, 9),
        answered=False,
        resolved=None,
        ivr_wait_seconds=0,
        queue_wait_seconds=600,
    )
    # answered, wait unknown: in no mean and no service level, never 0 s
    call(agent, call_type, at(DAY, 9), ivr_wait_seconds=None, queue_wait_seconds=None)
    compute()
    row = snapshot()
    assert (row.waits, row.wait_total) == (2, 80)
    assert figures()["average_wait"] == 40.0


def test_service_level_counts_a_wait_of_exactly_n_seconds(settings, agent, call_type):
    for wait in (5, 20, 21, 40):
        call(agent, call_type, at(DAY, 9), ivr_wait_seconds=0, queue_wait_seconds=wait)
    compute()
    assert snapshot().within_service_level == 2
    assert figures()["service_level"] == 50.0
    assert snapshot().service_level_seconds == 20

    settings.QA_SERVICE_LEVEL_SECONDS = 21
    compute()
    assert figures()["service_level"] == 75.0
    assert snapshot().service_level_seconds == 21


def test_aht_is_over_answered_calls_with_a_known_handle_time(agent, call_type):
    call(agent, call_type, at(DAY, 9), talk_seconds=100, hold_seconds=None, wrap_up_seconds=20)  # 120
    call(
        agent,
        call_type,
        at(DAY, 9),
        direction="outbound",
        talk_seconds=200,
        hold_seconds=0,
        wrap_up_seconds=0,
    )
    call(agent, call_type, at(DAY, 9), talk_seconds=None, hold_seconds=None, wrap_up_seconds=None)  # unknown
    call(agent, call_type, at(DAY, 9), answered=False, resolved=None, talk_seconds=None, hold_seconds=None)
    compute()
    assert (snapshot().handles, snapshot().handle_total) == (2, 320)
    assert figures()["aht"] == 160.0


def test_escalation_rate_overall_per_type_and_per_reason(agent, call_type):
    from qa_center.kpis.models import EscalationSnapshot

    first = call(agent, call_type, at(DAY, 9))
    second = call(agent, call_type, at(DAY, 10))
    call(agent, call_type, at(DAY, 11))
    call(agent, call_type, at(DAY, 12))
    EscalationFactory(call=first, type="hierarchical", reason="Supervisor")
    EscalationFactory(call=first, type="hierarchical", reason="Supervisor")  # the same call, once
    EscalationFactory(call=first, type="functional", reason="Billing")
    EscalationFactory(call=second, type="functional", reason="Billing")
    abandoned = call(agent, call_type, at(DAY, 13), answered=False, resolved=None)
    EscalationFactory(call=abandoned, type="automatic", reason="Timeout")  # not an answered call
    compute()
    assert (snapshot().escalated_calls, snapshot().answered_calls) == (2, 4)
    assert figures()["escalation_rate"] == 50.0
    by = dict(
        EscalationSnapshot.objects.filter(
            period_kind="day", scope_kind="agent", scope_id=agent.pk
        ).values_list("value", "escalated_calls")
    )
    assert by == {"hierarchical": 1, "functional": 2, "Supervisor": 1, "Billing": 2}
    assert definitions.escalation_rate(by["functional"], snapshot().answered_calls) == 50.0
    month = EscalationSnapshot.objects.get(period_kind="month", scope_kind="center", value="Billing")
    assert month.escalated_calls == 2


def test_calls_just_before_and_after_local_midnight_fall_on_their_local_days(agent, call_type):
    call(agent, call_type, at(DAY, 23, 59))  # 21:59 UTC
    call(agent, call_type, at(DAY + timedelta(days=1), 0, 1))  # 22:01 UTC, the same UTC day
    compute()
    assert snapshot().calls == 1
    assert snapshot(start=DAY + timedelta(days=1)).calls == 1


@pytest.mark.parametrize(
    ("change", "hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],  # EET → EEST, and back
)
def test_a_day_with_a_dst_change_is_a_local_day_long(agent, call_type, change, hours):
    before, after = change - timedelta(days=1), change + timedelta(days=1)
    call(agent, call_type, at(before, 23, 30))
    call(agent, call_type, at(change, 0, 30))
    call(agent, call_type, at(change, 23, 30))  # the other offset than at 00:30
    call(agent, call_type, at(after, 0, 30))  # on `change` in UTC at the offset of `before`
    compute(before - timedelta(days=3), after + timedelta(days=3))
    assert [snapshot(start=day).calls for day in (before, change, after)] == [1, 2, 1]
    start, end = local_bounds(change, change)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)


def test_a_call_without_a_team_agent_or_type_counts_for_the_center_only(agent, call_type):
    CallFactory(agent=None, team=None, call_type=None, started_at=at(DAY, 9))
    call(agent, call_type, at(DAY, 9))
    compute()
    assert snapshot().calls == 2
    assert snapshot("agent", agent.pk).calls == 1
    assert snapshot("team", agent.team_id).calls == 1
    assert snapshot("call_type", call_type.pk).calls == 1


def test_weeks_months_and_years_are_the_sums_of_their_days(agent, call_type):
    call(agent, call_type, at(date(2026, 3, 9), 9), ivr_wait_seconds=0, queue_wait_seconds=10)  # Monday
    call(agent, call_type, at(date(2026, 3, 15), 9), ivr_wait_seconds=0, queue_wait_seconds=30)  # Sunday
    call(agent, call_type, at(date(2026, 3, 16), 9), ivr_wait_seconds=0, queue_wait_seconds=50)  # next week
    compute()
    assert figures(kind="week", start=date(2026, 3, 9))["average_wait"] == 20.0
    assert figures(kind="week", start=date(2026, 3, 16))["average_wait"] == 50.0
    assert snapshot(kind="month", start=date(2026, 3, 1)).calls == 3
    assert figures(kind="month", start=date(2026, 3, 1))["average_wait"] == 30.0
    assert snapshot(kind="year", start=date(2026, 1, 1)).waits == 3
