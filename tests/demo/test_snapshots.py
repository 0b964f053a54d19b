"""seed_demo computes the KPI snapshots of its days: the dashboards are full on the first login."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from calls.models import Call
from qa_center.kpis.models import KpiComputation, KpiSnapshot

pytestmark = pytest.mark.django_db


def test_the_demo_computes_its_snapshots(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--calls=200", "--days=10", "--no-recordings", stdout=io.StringIO())
    computation = KpiComputation.objects.get(trigger="demo")
    assert computation.status == "done" and computation.last_day == timezone.localdate()
    days = KpiSnapshot.objects.filter(period_kind="day", scope_kind="center")
    assert days.aggregate(calls=Sum("calls"))["calls"] == Call.objects.count() == 200
    assert KpiSnapshot.objects.filter(period_kind="month", scope_kind="agent").exists()

    again = KpiSnapshot.objects.count()
    call_command("seed_demo", "--calls=200", "--days=10", "--no-recordings", stdout=io.StringIO())
    assert KpiSnapshot.objects.count() == again  # recomputed, not duplicated
