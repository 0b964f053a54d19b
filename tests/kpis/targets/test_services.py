"""The write path of targets and benchmarks: bounds checked, None removes, one row per key, who set it."""

import pytest
from django.core.exceptions import ValidationError

from qa_center.kpis.models import KpiBenchmark, KpiTarget, ScopeKind
from qa_center.kpis.targets.services import set_benchmark, set_target

pytestmark = pytest.mark.django_db


def test_setting_twice_updates_the_one_row(manager, lead, team):
    set_target(kpi="fcr_rate", value=70, by=lead, scope_kind=ScopeKind.TEAM, scope_id=team.pk)
    set_target(kpi="fcr_rate", value=72, by=manager, scope_kind=ScopeKind.TEAM, scope_id=team.pk)
    row = KpiTarget.objects.get()
    assert (row.value, row.updated_by, row.scope_id) == (72, manager, team.pk)
    set_target(kpi="fcr_rate", value=None, by=manager, scope_kind=ScopeKind.TEAM, scope_id=team.pk)
    assert not KpiTarget.objects.exists()


@pytest.mark.parametrize(("kpi", "value"), [("csat_mean", 6), ("service_level", 100.01), ("aht", -1)])
def test_out_of_bounds_values_are_refused(manager, kpi, value):
    with pytest.raises(ValidationError):
        set_target(kpi=kpi, value=value, by=manager)
    with pytest.raises(ValidationError):
        set_benchmark(kpi=kpi, value=value, source="", by=manager)
    assert not KpiTarget.objects.exists() and not KpiBenchmark.objects.exists()


def test_a_target_is_never_per_agent(manager, agent):
    with pytest.raises(ValueError):
        set_target(kpi="aht", value=300, by=manager, scope_kind=ScopeKind.AGENT, scope_id=agent.pk)


def test_a_benchmark_keeps_its_source(manager):
    set_benchmark(kpi="abandon_rate", value=5, source="  Typical industry figure  ", by=manager)
    set_benchmark(kpi="abandon_rate", value=6, source="Typical industry figure", by=manager)
    assert list(KpiBenchmark.objects.values_list("value", "source")) == [(6, "Typical industry figure")]
