"""What a dashboard shows, read from the snapshots only (never the calls), summed in the database.

Every count of a snapshot is additive, so any range of days is the SUM of its day snapshots: the tiles sum
the days of the period, of the previous period and of the same period a year earlier in ONE query (filtered
aggregates); the trend sums them per day, week or month (the day's period_start truncated in SQL), one query
for the period and one for the year earlier; the escalations one grouped query. The figures are then
qa_center.kpis.definitions' formulas on those sums, so a dashboard reads exactly like the snapshots.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from qa_center.kpis import definitions
from qa_center.kpis.dashboards.periods import Choice, Span
from qa_center.kpis.models import EscalationSnapshot, KpiSnapshot, PeriodKind
from qa_center.kpis.periods import period_end, periods_touching
from qa_center.kpis.targets import selectors as targets

__all__ = [
    "Dashboard",
    "GROUPS",
    "TREND_KPIS",
    "dashboard",
    "escalations",
    "period_counts",
    "span_counts",
    "tiles",
    "trend",
]

# The tiles, in groups.
GROUPS = (
    ("calls", ("answer_rate", "abandon_rate", "average_wait", "service_level", "aht", "escalation_rate")),
    ("cases", ("resolution_rate", "fcr_rate", "average_treatment_time")),
    ("customers", ("nps", "promoter_share", "passive_share", "detractor_share", "csat", "csat_mean")),
    ("quality", ("qa_score", "pass_rate", "auto_fail_rate", "dispute_rate")),
)
# The KPIs drawn as trend charts.
TREND_KPIS = ("service_level", "answer_rate", "aht", "fcr_rate", "nps", "csat", "escalation_rate", "qa_score")


def _days(scope_kind: str, scope_id: int):
    return KpiSnapshot.objects.filter(scope_kind=scope_kind, scope_id=scope_id, period_kind=PeriodKind.DAY)


def _in(span: Span) -> Q:
    return Q(period_start__gte=span.first, period_start__lte=span.last)


def _counts(row: dict, prefix: str = "") -> dict:
    return {name: row[prefix + name] or 0 for name in definitions.COUNT_NAMES}


def _change(value, other):
    return None if value is None or other is None else value - other


@dataclass
class Tile:
    kpi: definitions.Kpi
    value: float | None
    part: float
    whole: int
    previous: float | None
    year_earlier: float | None
    target: float | None
    status: str | None
    benchmark: float | None

    @property
    def change(self):
        return _change(self.value, self.previous)

    @property
    def year_change(self):
        return _change(self.value, self.year_earlier)

    def better(self, change) -> bool | None:
        if not change:
            return None
        return (change > 0) == self.kpi.higher_is_better

    @property
    def change_is_better(self):
        return self.better(self.change)

    @property
    def year_change_is_better(self):
        return self.better(self.year_change)

    @property
    def whole_label(self):
        return KpiSnapshot._meta.get_field(self.kpi.whole).verbose_name


def period_counts(scope_kind: str, scope_id: int, choice: Choice) -> dict[str, dict]:
    """{"current" | "previous" | "year_earlier" → summed counts}, in one query."""
    periods = {"current": choice.current, "previous": choice.previous, "year_earlier": choice.year_earlier}
    return span_counts(scope_kind, scope_id, periods)


def span_counts(scope_kind: str, scope_id: int, periods: dict[str, Span]) -> dict[str, dict]:
    """{name → the counts of the scope's day snapshots summed over that span}, in one query (an improvement
    action's before and after windows read the same way as a dashboard's periods)."""
    where = Q()
    for span in periods.values():
        where |= _in(span)
    sums = {
        f"{key}__{name}": Sum(name, filter=_in(span))
        for key, span in periods.items()
        for name in definitions.COUNT_NAMES
    }
    row = _days(scope_kind, scope_id).filter(where).aggregate(**sums)
    return {key: _counts(row, f"{key}__") for key in periods}


def tiles(counts: dict[str, dict], target_values: dict, benchmark_rows: dict) -> dict[str, Tile]:
    current, previous, year_earlier = counts["current"], counts["previous"], counts["year_earlier"]
    result = {}
    for kpi in definitions.KPIS:
        value = kpi.value(current)
        target = target_values.get(kpi.key)
        benchmark = benchmark_rows.get(kpi.key)
        result[kpi.key] = Tile(
            kpi=kpi,
            value=value,
            part=current[kpi.part],
            whole=current[kpi.whole],
            previous=kpi.value(previous),
            year_earlier=kpi.value(year_earlier),
            target=target,
            status=targets.status(kpi.key, value, target),
            benchmark=benchmark.value if benchmark else None,
        )
    return result


_TRUNC = {PeriodKind.WEEK: TruncWeek, PeriodKind.MONTH: TruncMonth}


def _bucketed(scope_kind: str, scope_id: int, span: Span, by: str) -> dict[date, dict]:
    bucket = F("period_start") if by == PeriodKind.DAY else _TRUNC[by]("period_start")
    rows = (
        _days(scope_kind, scope_id)
        .filter(_in(span))
        .order_by()
        .values(bucket_start=bucket)
        .annotate(**{name: Sum(name) for name in definitions.COUNT_NAMES})
    )
    return {_as_date(row["bucket_start"]): _counts(row) for row in rows}


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


@dataclass
class Point:
    start: date
    counts: dict | None  # None: no snapshot in this bucket
    year_earlier: dict | None

    def value(self, kpi: definitions.Kpi):
        return kpi.value(self.counts) if self.counts else None

    def year_earlier_value(self, kpi: definitions.Kpi):
        return kpi.value(self.year_earlier) if self.year_earlier else None


def trend(scope_kind: str, scope_id: int, choice: Choice) -> list[Point]:
    """One point per day, week or month of the period (empty ones included, as no data), each with the
    bucket of the same position a year earlier."""
    starts = periods_touching(choice.by, choice.current.first, choice.current.last)
    earlier_starts = periods_touching(choice.by, choice.year_earlier.first, choice.year_earlier.last)
    current = _bucketed(scope_kind, scope_id, choice.current, choice.by)
    earlier = _bucketed(scope_kind, scope_id, choice.year_earlier, choice.by)
    points = []
    for index, start in enumerate(starts):
        earlier_start = earlier_starts[index] if index < len(earlier_starts) else None
        points.append(Point(start, current.get(start), earlier.get(earlier_start)))
    return points


def bucket_end(by: str, start: date) -> date:
    return period_end(by, start)


@dataclass
class ServiceLevelPeriods:
    met: int
    with_data: int
    target: float | None

    @property
    def share(self) -> float | None:
        return self.met * 100 / self.with_data if self.with_data and self.target is not None else None


def service_level_periods(points: list[Point], target: float | None) -> ServiceLevelPeriods:
    """How many of the trend's days, weeks or months met the service-level target (DESIGN.md: "the share of
    periods meeting the target"), over those with data."""
    kpi = definitions.by_key("service_level")
    values = [value for value in (point.value(kpi) for point in points) if value is not None]
    met = sum(1 for value in values if targets.status(kpi.key, value, target) == targets.MET)
    return ServiceLevelPeriods(met=met, with_data=len(values), target=target)


@dataclass
class EscalationRow:
    dimension: str
    dimension_label: str
    value: str
    escalated: int
    rate: float | None
    previous_escalated: int
    previous_rate: float | None

    @property
    def change(self):
        return _change(self.rate, self.previous_rate)


def escalations(
    scope_kind: str, scope_id: int, choice: Choice, counts: dict[str, dict]
) -> list[EscalationRow]:
    """Escalation rate per type and per reason over the period and the previous one (÷ answered calls)."""
    rows = (
        EscalationSnapshot.objects.filter(
            scope_kind=scope_kind, scope_id=scope_id, period_kind=PeriodKind.DAY
        )
        .filter(_in(choice.current) | _in(choice.previous))
        .order_by()
        .values("dimension", "value")
        .annotate(
            current=Sum("escalated_calls", filter=_in(choice.current)),
            previous=Sum("escalated_calls", filter=_in(choice.previous)),
        )
    )
    answered, previous_answered = counts["current"]["answered_calls"], counts["previous"]["answered_calls"]
    labels = dict(EscalationSnapshot.Dimension.choices)
    result = [
        EscalationRow(
            dimension=row["dimension"],
            dimension_label=labels.get(row["dimension"], row["dimension"]),
            value=row["value"],
            escalated=row["current"] or 0,
            rate=definitions.escalation_rate(row["current"] or 0, answered),
            previous_escalated=row["previous"] or 0,
            previous_rate=definitions.escalation_rate(row["previous"] or 0, previous_answered),
        )
        for row in rows
    ]
    result.sort(
        key=lambda row: (row.dimension != EscalationSnapshot.Dimension.TYPE, -row.escalated, row.value)
    )
    return result


@dataclass
class Dashboard:
    scope_kind: str
    scope_id: int
    choice: Choice
    tiles: dict[str, Tile]
    points: list[Point]
    escalations: list[EscalationRow]
    service_level_periods: ServiceLevelPeriods
    benchmarks: dict = field(default_factory=dict)

    @property
    def groups(self):
        return [(name, [self.tiles[key] for key in keys]) for name, keys in GROUPS]

    @property
    def trend_kpis(self):
        return [definitions.by_key(key) for key in TREND_KPIS]


def dashboard(scope_kind: str, scope_id: int, choice: Choice) -> Dashboard:
    """Everything one dashboard shows: a fixed number of queries, whatever the number of calls or days."""
    counts = period_counts(scope_kind, scope_id, choice)
    target_values = targets.targets_for(scope_kind, scope_id)
    benchmark_rows = targets.benchmarks()
    points = trend(scope_kind, scope_id, choice)
    return Dashboard(
        scope_kind=scope_kind,
        scope_id=scope_id,
        choice=choice,
        tiles=tiles(counts, target_values, benchmark_rows),
        points=points,
        escalations=escalations(scope_kind, scope_id, choice, counts),
        service_level_periods=service_level_periods(points, target_values.get("service_level")),
        benchmarks=benchmark_rows,
    )
