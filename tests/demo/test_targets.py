"""seed_demo sets KPI targets, a few overrides and industry benchmarks with their sources; again: the same."""

import pytest

from qa_center.demo import targets
from qa_center.kpis.definitions import KPIS
from qa_center.kpis.models import KpiBenchmark, KpiTarget, ScopeKind
from qa_center.kpis.targets.selectors import benchmarks, targets_for
from tests.factories import CallTypeFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows():
    return sorted(
        KpiTarget.objects.values_list("kpi", "scope_kind", "scope_id", "value", "updated_by")
    ), sorted(KpiBenchmark.objects.values_list("kpi", "value", "source"))


def test_targets_overrides_and_benchmarks_are_set_once():
    manager = UserFactory(username="manager", is_qa_manager=True)
    sales, retention = TeamFactory(name="Madrid Sales"), TeamFactory(name="Retention")
    retention_calls = CallTypeFactory(slug="retention")
    CallTypeFactory(slug="billing")

    assert targets.seed(None) == {"new_kpi_targets": len(KPIS) - 1 + 4 + len(targets.BENCHMARKS)}
    center = targets_for()
    assert set(center) == {kpi.key for kpi in KPIS} - {"passive_share"}
    assert center["service_level"] == 80 and center["abandon_rate"] == 8 and center["csat"] == 78
    assert targets_for(ScopeKind.TEAM, sales.pk)["aht"] == 540
    assert targets_for(ScopeKind.TEAM, retention.pk)["aht"] == 420
    assert targets_for(ScopeKind.CALL_TYPE, retention_calls.pk)["aht"] == 600
    assert set(KpiTarget.objects.values_list("updated_by", flat=True)) == {manager.pk}
    marks = benchmarks()
    assert (marks["service_level"].value, marks["fcr_rate"].value, marks["nps"].value) == (80, 70, 30)
    assert all(mark.source.startswith("Typical industry figure") for mark in marks.values())

    before = rows()
    assert targets.seed(None) == {"new_kpi_targets": 0}
    assert rows() == before
