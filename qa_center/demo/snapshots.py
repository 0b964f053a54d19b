"""The demo's KPI snapshots: computed over every day that holds a demo call or evaluation, so that the dashboards
are full on the first login.

Through `manage.py compute_kpis`, the command an operator runs, and only where the kpis app is installed.
Recomputing is idempotent, so running the demo again converges on the same rows.
"""

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.management import call_command
from django.db.models import Min
from django.utils import timezone

from calls.models import Call
from scorecards.models import Evaluation

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest


def seed(request: "DemoRequest") -> Mapping[str, int]:
    if not apps.is_installed("qa_center.kpis"):
        return {}
    earliest = [
        Call.objects.aggregate(first=Min("started_at"))["first"],
        Evaluation.objects.aggregate(first=Min("submitted_at"))["first"],
    ]
    known = [timezone.localdate(moment) for moment in earliest if moment is not None]
    if not known:
        return {}
    snapshots = apps.get_model("kpis", "KpiSnapshot")
    before = snapshots.objects.count()
    call_command(
        "compute_kpis",
        "--from",
        min(known).isoformat(),
        "--to",
        timezone.localdate().isoformat(),
        "--trigger",
        "demo",
        stdout=io.StringIO(),
    )
    return {"new_kpi_snapshots": max(snapshots.objects.count() - before, 0)}
