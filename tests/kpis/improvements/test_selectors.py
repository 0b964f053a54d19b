"""An improvement action's figure before vs after its change, with the n behind each figure: a KPI from the
scope's day snapshots, a criterion's failed share from the scope's evaluations."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qa_center.kpis.improvements import selectors
from qa_center.kpis.models import ScopeKind
from tests.factories import COMPLETE_ANSWERS, FULL_MARKS, GREETING_MISSED, criterion, evaluation_of
from tests.kpis.dashboards.helpers import calls, day_row
from tests.kpis.improvements.helpers import DAY, action

pytestmark = pytest.mark.django_db

AFTER_END = DAY + timedelta(days=27)


def test_kpi_before_and_after_with_the_n_behind_each(manager, team):
    # Before: 2 Feb – 1 Mar; after: 2 – 29 Mar. Outside both: not counted.
    day_row(DAY - timedelta(days=29), **calls(1000, 1000))  # 1 Feb: before the before window
    day_row(DAY - timedelta(days=28), **calls(700, 300))
    day_row(DAY - timedelta(days=1), **calls(800, 200))
    day_row(DAY, **calls(900, 100))
    day_row(AFTER_END, **calls(1850, 150))
    day_row(AFTER_END + timedelta(days=1), **calls(0, 1000))  # after the after window
    day_row(DAY, scope_kind=ScopeKind.TEAM, scope_id=team.pk, **calls(1, 1))  # another scope
    kpi_action = action(by=manager, kpi="answer_rate", target=90)

    effect = selectors.effect(kpi_action, today=date(2026, 6, 1))

    assert (effect.before.value, effect.before.part, effect.before.whole) == (75.0, 1500, 2000)
    assert (effect.after.value, effect.after.part, effect.after.whole) == (
        pytest.approx(91.6667, 1e-4),
        2750,
        3000,
    )
    assert effect.change == pytest.approx(16.6667, 1e-4)
    assert effect.change_is_better is True
    assert effect.higher_is_better and effect.target_met is True
    assert effect.windows.after_complete


def test_a_kpi_where_lower_is_better_misses_a_target_below_it(manager):
    day_row(DAY - timedelta(days=3), **calls(90, 10))
    day_row(DAY + timedelta(days=3), **calls(94, 6))
    abandon = action(by=manager, kpi="abandon_rate", target=5)  # the direction from the catalogue

    effect = selectors.effect(abandon, today=date(2026, 6, 1))

    assert abandon.direction == "lower"
    assert (effect.before.value, effect.before.whole) == (10.0, 100)
    assert (effect.after.value, effect.after.whole) == (6.0, 100)
    assert effect.change_is_better is True  # down is better
    assert effect.target_met is False  # 6 % > 5 %


def test_the_after_window_is_cut_at_today_and_absent_before_the_change(manager):
    kpi_action = action(by=manager)
    running = selectors.windows(kpi_action, today=DAY + timedelta(days=6))
    assert running.after == selectors.Span(DAY, DAY + timedelta(days=6))
    assert not running.after_complete

    effect = selectors.effect(kpi_action, today=DAY - timedelta(days=1))
    assert effect.after is None
    assert effect.change is None and effect.target_met is None
    assert effect.before.value is None and effect.before.whole == 0  # no snapshots: no data, not 0 %


def test_a_criterion_s_failed_share_before_and_after(manager, agent, other_agent, reviewer, default_version):
    today = timezone.localdate()
    starts = today - timedelta(days=10)
    greeting = criterion(default_version, "Greeting")
    # Before the change (blue: agent's team): 2 of 3 missed the greeting.
    for answers, days in ((GREETING_MISSED, 20), (GREETING_MISSED, 15), (FULL_MARKS, 12)):
        evaluation_of(agent, version=default_version, reviewer=reviewer, answers=answers, days_ago=days)
    # After: 1 of 4 missed it.
    for answers, days in ((GREETING_MISSED, 9), (FULL_MARKS, 5), (FULL_MARKS, 3), (FULL_MARKS, 1)):
        evaluation_of(agent, version=default_version, reviewer=reviewer, answers=answers, days_ago=days)
    # Not counted: another team's evaluation, and one from before the before window.
    evaluation_of(
        other_agent, version=default_version, reviewer=reviewer, answers=GREETING_MISSED, days_ago=5
    )
    evaluation_of(agent, version=default_version, reviewer=reviewer, answers=GREETING_MISSED, days_ago=40)
    criterion_action = action(
        by=manager,
        kpi="qa_score",
        scope_kind="team",
        scope_id=agent.team_id,
        criterion=greeting,
        target=30,
        starts_on=starts,
        window_days=28,
    )

    effect = selectors.effect(criterion_action, today=today)

    assert criterion_action.direction == "lower"
    assert (effect.before.part, effect.before.whole) == (2, 3)
    assert effect.before.value == pytest.approx(66.6667, 1e-4)
    assert (effect.after.value, effect.after.part, effect.after.whole) == (25.0, 1, 4)
    assert effect.change_is_better is True
    assert effect.target_met is True  # 25 % ≤ 30 %
    assert "criterion=" in effect.after.link and f"team={agent.team_id}" in effect.after.link


def test_n_a_answers_are_not_in_a_criterion_s_share(manager, agent, reviewer, default_version):
    callback = criterion(default_version, "Offered a callback")
    today = timezone.localdate()
    evaluation_of(
        agent,
        version=default_version,
        reviewer=reviewer,
        answers={**FULL_MARKS, "Offered a callback": 0},
        days_ago=2,
    )
    # COMPLETE_ANSWERS: "Offered a callback" N/A.
    evaluation_of(agent, version=default_version, reviewer=reviewer, answers=COMPLETE_ANSWERS, days_ago=1)
    effect = selectors.effect(
        action(by=manager, kpi="qa_score", criterion=callback, starts_on=today - timedelta(days=5)),
        today=today,
    )
    assert (effect.after.value, effect.after.whole) == (100.0, 1)


def test_overdue_only_while_open(manager):
    open_one = action(by=manager, due_on=DAY)
    assert selectors.is_overdue(open_one, today=DAY + timedelta(days=1))
    assert not selectors.is_overdue(open_one, today=DAY)
    open_one.status = "done"
    assert not selectors.is_overdue(open_one, today=DAY + timedelta(days=1))
