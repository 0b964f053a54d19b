"""The KPI tasks: each records its computation and computes its days; the beat runs them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qa_center.celery import app
from qa_center.kpis import tasks
from qa_center.kpis.models import KpiComputation, KpiSnapshot
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_compute_recent_covers_today_and_yesterday(agent, call_type):
    CallFactory(agent=agent, call_type=call_type, started_at=timezone.now() - timedelta(minutes=5))
    tasks.compute_recent.delay()
    computation = KpiComputation.objects.get()
    today = timezone.localdate()
    assert (computation.first_day, computation.last_day) == (today - timedelta(days=1), today)
    assert computation.status == "done" and computation.trigger == "schedule"
    assert KpiSnapshot.objects.filter(period_kind="day", scope_kind="center").exists()


def test_close_previous_periods_covers_yesterday_and_forgets_old_records():
    old = KpiComputation.objects.create(
        first_day=date(2026, 1, 1), last_day=date(2026, 1, 1), trigger="schedule"
    )
    recent = KpiComputation.objects.create(
        first_day=date(2026, 1, 2), last_day=date(2026, 1, 2), trigger="schedule"
    )
    KpiComputation.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=31))
    KpiComputation.objects.filter(pk=recent.pk).update(requested_at=timezone.now() - timedelta(days=29))
    tasks.close_previous_periods.delay()
    assert not KpiComputation.objects.filter(pk=old.pk).exists()
    assert KpiComputation.objects.filter(pk=recent.pk).exists()
    computation = KpiComputation.objects.exclude(pk=recent.pk).get()
    assert computation.last_day == timezone.localdate() - timedelta(days=1)


def test_compute_kpis_takes_the_period(agent, call_type):
    tasks.compute_kpis.delay("2026-03-01", "2026-03-05")
    computation = KpiComputation.objects.get()
    assert (computation.first_day, computation.last_day) == (date(2026, 3, 1), date(2026, 3, 5))


def test_a_deleted_computation_is_nothing_to_do():
    assert tasks.run_computation.delay(12345).get() is None


def test_the_beat_runs_the_recent_days_every_few_minutes_and_closes_each_night():
    schedule = app.conf.beat_schedule
    assert schedule["compute-recent-kpis"]["task"] == "kpis.compute_recent"
    assert schedule["compute-recent-kpis"]["schedule"].minute == set(range(0, 60, 5))
    assert schedule["close-kpi-periods"]["task"] == "kpis.close_previous_periods"
    assert schedule["close-kpi-periods"]["schedule"].hour == {0}
