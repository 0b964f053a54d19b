"""Which target applies where, and whether a figure meets it: the one rule, for tiles, charts, exports and
the "today" view alike.

A center-wide target applies everywhere unless overridden: a team's dashboard (and each of its agents')
reads the team's target where one is set, a call type's dashboard the call type's. An agent has no target
of their own: they are held to their team's.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from qa_center.kpis.definitions import by_key
from qa_center.kpis.models import CENTER_ID, KpiBenchmark, KpiTarget, ScopeKind

__all__ = ["MET", "MISSED", "benchmarks", "status", "target_scope", "targets_for"]

MET = "met"
MISSED = "missed"


def target_scope(scope_kind: str, scope_id: int) -> tuple[str, int] | None:
    """The override scope whose targets apply to a dashboard scope (None: only the center's)."""
    if scope_kind in (ScopeKind.TEAM, ScopeKind.CALL_TYPE):
        return scope_kind, scope_id
    if scope_kind == ScopeKind.AGENT:
        team_id = get_user_model().objects.filter(pk=scope_id).values_list("team_id", flat=True).first()
        return (ScopeKind.TEAM, team_id) if team_id else None
    return None


def targets_for(scope_kind: str = ScopeKind.CENTER, scope_id: int = CENTER_ID) -> dict[str, float]:
    """{KPI key → target value} that applies to the scope: the center's, overridden by the scope's own."""
    override = target_scope(scope_kind, scope_id)
    where = Q(scope_kind=ScopeKind.CENTER, scope_id=CENTER_ID)
    if override is not None:
        where |= Q(scope_kind=override[0], scope_id=override[1])
    targets: dict[str, float] = {}
    # Center rows first, so the scope's own override wins.
    rows = KpiTarget.objects.filter(where).values_list("kpi", "scope_kind", "value")
    for kpi, _kind, value in sorted(rows, key=lambda row: row[1] != ScopeKind.CENTER):
        targets[kpi] = value
    return targets


def benchmarks() -> dict[str, KpiBenchmark]:
    """{KPI key → benchmark} as the manager set them."""
    return {benchmark.kpi: benchmark for benchmark in KpiBenchmark.objects.all()}


def status(kpi_key: str, value: float | None, target: float | None) -> str | None:
    """MET or MISSED, or None where there is no figure or no target. Lower is better for some KPIs (abandon
    rate, wait, handle time...): those meet their target at or below it."""
    if value is None or target is None:
        return None
    if by_key(kpi_key).higher_is_better:
        return MET if value >= target else MISSED
    return MET if value <= target else MISSED
