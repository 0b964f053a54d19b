"""Which target applies where, and whether a figure meets it."""

import pytest

from qa_center.kpis.models import CENTER_ID, KpiBenchmark, KpiTarget, ScopeKind
from qa_center.kpis.targets.selectors import MET, MISSED, benchmarks, status, targets_for
from tests.factories.calls import CallTypeFactory
from tests.factories.people import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


def target(kpi, value, scope_kind=ScopeKind.CENTER, scope_id=CENTER_ID):
    return KpiTarget.objects.create(kpi=kpi, value=value, scope_kind=scope_kind, scope_id=scope_id)


def test_center_targets_apply_everywhere_and_overrides_win_in_their_scope():
    team, other_team = TeamFactory(), TeamFactory()
    call_type = CallTypeFactory()
    target("answer_rate", 90)
    target("aht", 300)
    target("answer_rate", 85, ScopeKind.TEAM, team.pk)
    target("aht", 420, ScopeKind.CALL_TYPE, call_type.pk)

    assert targets_for() == {"answer_rate": 90, "aht": 300}
    assert targets_for(ScopeKind.TEAM, team.pk) == {"answer_rate": 85, "aht": 300}
    assert targets_for(ScopeKind.TEAM, other_team.pk) == {"answer_rate": 90, "aht": 300}
    assert targets_for(ScopeKind.CALL_TYPE, call_type.pk) == {"answer_rate": 90, "aht": 420}


def test_an_agent_is_held_to_their_team_target():
    team = TeamFactory()
    target("csat", 80)
    target("csat", 75, ScopeKind.TEAM, team.pk)

    assert targets_for(ScopeKind.AGENT, AgentFactory(team=team).pk) == {"csat": 75}
    assert targets_for(ScopeKind.AGENT, AgentFactory(team=None).pk) == {"csat": 80}


def test_a_target_is_met_at_or_above_it_or_at_or_below_where_lower_is_better():
    assert status("answer_rate", 90.0, 90) == MET
    assert status("answer_rate", 89.9, 90) == MISSED
    assert status("abandon_rate", 5.0, 5) == MET
    assert status("abandon_rate", 5.1, 5) == MISSED
    assert status("aht", None, 300) is None
    assert status("aht", 250, None) is None


def test_benchmarks_by_kpi():
    KpiBenchmark.objects.create(kpi="service_level", value=80, source="80/20 rule")
    assert benchmarks()["service_level"].source == "80/20 rule"
