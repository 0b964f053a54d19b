"""The "today" board: today's calls so far for the center and per team, read from today's day snapshots (kept
fresh by the beat task kpis.compute_recent every few minutes), beside the same figures yesterday up to the
same local time, and the service level (and the other figures) against their targets.

Yesterday-so-far is not a snapshot (a snapshot is a whole day): it is one GROUP BY over the calls that started
yesterday before the local time today's snapshots were computed at, an index range of less than a day's
calls, counted by the same calls.kpis aggregates as the snapshots.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from calls.models import Call
from qa_center.kpis import definitions
from qa_center.kpis.models import CENTER_ID, KpiSnapshot, PeriodKind, ScopeKind
from qa_center.kpis.periods import center_zone
from qa_center.kpis.targets import selectors as targets

__all__ = ["FIGURES", "Board", "Figure", "Row", "today_board"]

#: The KPIs on the board, in order.
FIGURES = ("answer_rate", "abandon_rate", "average_wait", "service_level")
# Call counts the board reads besides the KPIs' own.
_COUNTS = ("calls", "inbound")


@dataclass(frozen=True)
class Figure:
    kpi: definitions.Kpi
    value: float | None
    of: int  # how many calls the figure is of
    yesterday: float | None
    target: float | None
    status: str | None  # targets.MET / MISSED / None


@dataclass(frozen=True)
class Row:
    key: str  # the row's HTML id
    name: str
    is_center: bool
    calls: int
    inbound: int
    yesterday_calls: int
    figures: list[Figure]


@dataclass(frozen=True)
class Board:
    today: object
    as_of: datetime | None  # when the snapshots shown were computed (None: none yet today)
    yesterday_until: datetime  # yesterday's figures count the calls that started before this moment
    service_level_seconds: int
    rows: list[Row] = field(default_factory=list)


def _empty() -> dict[str, int]:
    return dict.fromkeys(definitions.CALL_COUNT_NAMES, 0)


def _row(key, name, *, is_center, today_counts, yesterday_counts, scope_targets) -> Row:
    figures = []
    for kpi_key in FIGURES:
        kpi = definitions.by_key(kpi_key)
        value = kpi.value(today_counts)
        target = scope_targets.get(kpi_key)
        figures.append(
            Figure(
                kpi=kpi,
                value=value,
                of=today_counts[kpi.whole],
                yesterday=kpi.value(yesterday_counts),
                target=target,
                status=targets.status(kpi_key, value, target),
            )
        )
    return Row(
        key=key,
        name=name,
        is_center=is_center,
        calls=today_counts["calls"],
        inbound=today_counts["inbound"],
        yesterday_calls=yesterday_counts["calls"],
        figures=figures,
    )


def _yesterday_until(moment: datetime) -> datetime:
    """The same local clock time a day earlier (DST-aware: a local date and time, not 24 hours)."""
    local = timezone.localtime(moment, center_zone())
    return datetime.combine(local.date() - timedelta(days=1), local.time(), tzinfo=center_zone())


def today_board(*, teams, center: bool, now: datetime) -> Board:
    """The board for `teams` (and the center's row when `center`): four queries whatever the number of teams
    and calls (today's snapshots, yesterday's counts, the center's targets, the teams' targets; one fewer
    each without teams or without the center)."""
    teams = list(teams)
    today = timezone.localdate(now, center_zone())
    team_ids = [team.pk for team in teams]
    scopes = Q(scope_kind=ScopeKind.TEAM, scope_id__in=team_ids)
    if center:
        scopes |= Q(scope_kind=ScopeKind.CENTER, scope_id=CENTER_ID)
    snapshots = {
        (row["scope_kind"], row["scope_id"]): row
        for row in KpiSnapshot.objects.filter(scopes, period_kind=PeriodKind.DAY, period_start=today).values(
            "scope_kind", "scope_id", "computed_at", *definitions.CALL_COUNT_NAMES
        )
    }
    as_of = max((row["computed_at"] for row in snapshots.values()), default=None)
    until = _yesterday_until(as_of or now)
    yesterday_start = datetime.combine(until.date(), datetime.min.time(), tzinfo=center_zone())
    yesterday_calls = Call.objects.filter(started_at__gte=yesterday_start, started_at__lt=until)
    if not center:
        yesterday_calls = yesterday_calls.filter(team_id__in=team_ids)
    by_team = {
        row.pop("team_id"): row
        for row in yesterday_calls.order_by().values("team_id").annotate(**definitions.call_counts())
    }

    rows = []
    if center:
        yesterday_center = _empty()
        for counts in by_team.values():
            for name in yesterday_center:
                yesterday_center[name] += counts[name]
        rows.append(
            _row(
                "center",
                None,
                is_center=True,
                today_counts=snapshots.get((ScopeKind.CENTER, CENTER_ID)) or _empty(),
                yesterday_counts=yesterday_center,
                scope_targets=targets.targets_for(),
            )
        )
    team_targets = targets.targets_for_each(ScopeKind.TEAM, team_ids, kpis=FIGURES)
    for team in teams:
        rows.append(
            _row(
                f"team-{team.pk}",
                team.name,
                is_center=False,
                today_counts=snapshots.get((ScopeKind.TEAM, team.pk)) or _empty(),
                yesterday_counts=by_team.get(team.pk) or _empty(),
                scope_targets=team_targets[team.pk],
            )
        )
    return Board(
        today=today,
        as_of=as_of,
        yesterday_until=until,
        service_level_seconds=definitions.service_level_seconds(),
        rows=rows,
    )
