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

__all__ = [
    "MET",
    "MISSED",
    "benchmarks",
    "center_targets",
    "overrides",
    "status",
    "target_scope",
    "targets_for",
    "targets_for_each",
]

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


def _with_overrides(center: dict[str, float], own: dict[str, float]) -> dict[str, float]:
    # The rule: the scope's own override wins over the center's target.
    return center | own


def targets_for(scope_kind: str = ScopeKind.CENTER, scope_id: int = CENTER_ID) -> dict[str, float]:
    """{KPI key → target value} that applies to the scope: the center's, overridden by the scope's own."""
    override = target_scope(scope_kind, scope_id)
    where = Q(scope_kind=ScopeKind.CENTER, scope_id=CENTER_ID)
    if override is not None:
        where |= Q(scope_kind=override[0], scope_id=override[1])
    center: dict[str, float] = {}
    own: dict[str, float] = {}
    for kpi, kind, value in KpiTarget.objects.filter(where).values_list("kpi", "scope_kind", "value"):
        (center if kind == ScopeKind.CENTER else own)[kpi] = value
    return _with_overrides(center, own)


def targets_for_each(scope_kind: str, scope_ids, kpis=None) -> dict[int, dict[str, float]]:
    """{scope id → {KPI key → target}} for several teams (or call types) at once, in one query: what
    targets_for gives each of them. `kpis` narrows it to those KPIs."""
    if scope_kind not in (ScopeKind.TEAM, ScopeKind.CALL_TYPE):
        raise ValueError(f"overrides are per team or call type, not {scope_kind!r}")
    scope_ids = list(scope_ids)
    if not scope_ids:
        return {}
    rows = KpiTarget.objects.filter(
        Q(scope_kind=ScopeKind.CENTER, scope_id=CENTER_ID) | Q(scope_kind=scope_kind, scope_id__in=scope_ids)
    )
    if kpis is not None:
        rows = rows.filter(kpi__in=list(kpis))
    center: dict[str, float] = {}
    own: dict[int, dict[str, float]] = {scope_id: {} for scope_id in scope_ids}
    for kpi, kind, scope_id, value in rows.values_list("kpi", "scope_kind", "scope_id", "value"):
        if kind == ScopeKind.CENTER:
            center[kpi] = value
        else:
            own[scope_id][kpi] = value
    return {scope_id: _with_overrides(center, own[scope_id]) for scope_id in scope_ids}


def center_targets() -> dict[str, KpiTarget]:
    """{KPI key → the center-wide target row}."""
    rows = KpiTarget.objects.filter(scope_kind=ScopeKind.CENTER, scope_id=CENTER_ID).select_related(
        "updated_by"
    )
    return {row.kpi: row for row in rows}


def overrides(scope_kind: str | None = None, scope_id: int | None = None) -> list[KpiTarget]:
    """The team and call-type overrides (of one scope, when given), in scope and KPI order."""
    rows = KpiTarget.objects.exclude(scope_kind=ScopeKind.CENTER).select_related("updated_by")
    if scope_kind is not None:
        rows = rows.filter(scope_kind=scope_kind, scope_id=scope_id)
    return list(rows.order_by("scope_kind", "scope_id", "kpi"))


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
