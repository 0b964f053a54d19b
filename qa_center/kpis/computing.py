"""Computing the KPI snapshots: in the database, and converging however often (or concurrently) it runs.

For a range of days, in one transaction per chunk of days:

1. each source (calls, cases, survey answers, evaluations, escalations) is counted in ONE grouped SELECT per
   local day × agent × team × call type (the counts of calls.kpis / scorecards.kpis, the day by
   qa_center.sql_time.LocalDate), into a temporary table: the source's rows are read once;
2. that small table is summed into the day snapshots of each scope (center, team, agent, call type) with
   INSERT … SELECT … GROUP BY … ON CONFLICT (key) DO UPDATE: an upsert on the snapshot's unique key.

Then each week, month and year that holds one of those days is the sum of its day snapshots (every count is
additive: a case counts on its first contact's day, a mean is a sum and a count), upserted the same way.

Before writing, the chunk's (or period's) rows are deleted in the same transaction, so a scope that has lost
its last call loses its row ("no data"), and a crash leaves the previous rows. Two runs at once converge on
the same rows: the unique key and the upsert exclude duplicates, and on PostgreSQL a transaction-level
advisory lock makes them take turns (SQLite's writers take turns anyway). No call is ever loaded into Python.
"""

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from calls import kpis as call_kpis
from calls.models import Call, SurveyResponse
from qa_center.kpis import definitions
from qa_center.kpis.models import (
    CENTER_ID,
    EscalationSnapshot,
    KpiComputation,
    KpiSnapshot,
    PeriodKind,
    ScopeKind,
)
from qa_center.kpis.periods import center_zone, days_between, local_bounds, period_end, periods_touching
from qa_center.sql_time import LocalDate
from scorecards import kpis as qa_kpis

__all__ = ["CHUNK_DAYS", "compute_kpis", "record_computation", "run_computation"]

logger = logging.getLogger(__name__)

CHUNK_DAYS = 31
ROLLED_UP = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.YEAR)
CELLS = "kpi_cells"  # the temporary table of one source's cells
# The cell column that says which scope a row counts for (None: every row counts for the center).
SCOPE_COLUMNS = {
    ScopeKind.CENTER: None,
    ScopeKind.TEAM: "cell_team",
    ScopeKind.AGENT: "cell_agent",
    ScopeKind.CALL_TYPE: "cell_type",
}
LOCK_KEY = 72_616_001  # pg_advisory_xact_lock: one KPI computation writes at a time

Progress = Callable[[int, int], None]


# --- The sources: one grouped SELECT each ---------------------------------------------------------------------


def _cells(
    queryset: QuerySet, *, moment: str, agent: str, team: str, call_type: str, start, end, counts, **extra
):
    """`queryset`'s rows in [start, end) of `moment`, grouped by local day, agent, team and call type."""
    day = LocalDate(moment, zone=center_zone(), start=start, end=end)
    return (
        queryset.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
        .order_by()
        .values(cell_day=day, cell_agent=F(agent), cell_team=F(team), cell_type=F(call_type), **extra)
        .annotate(**counts)
    )


def call_cells(start, end):
    return _cells(
        Call.objects.all(),
        moment="started_at",
        agent="agent_id",
        team="team_id",
        call_type="call_type_id",
        start=start,
        end=end,
        counts=definitions.call_counts(),
    )


def case_cells(start, end):
    # The first contacts among the period's calls: a case counts once, on its first contact's day.
    in_period = Call.objects.filter(started_at__gte=start, started_at__lt=end)
    return _cells(
        call_kpis.first_contacts(in_period),
        moment="started_at",
        agent="agent_id",
        team="team_id",
        call_type="call_type_id",
        start=start,
        end=end,
        counts=definitions.case_counts(),
    )


def survey_cells(start, end):
    # An answer without a call has no agent, team or call type: it counts for the center only.
    return _cells(
        SurveyResponse.objects.all(),
        moment="responded_at",
        agent="call__agent_id",
        team="call__team_id",
        call_type="call__call_type_id",
        start=start,
        end=end,
        counts=definitions.survey_counts(),
    )


def evaluation_cells(start, end):
    return _cells(
        qa_kpis.counted_evaluations(),
        moment="submitted_at",
        agent="agent_id",
        team="team_id",
        call_type="call__call_type_id",
        start=start,
        end=end,
        counts=definitions.evaluation_counts(),
    )


def escalation_cells(start, end, dimension: str):
    return _cells(
        call_kpis.escalations_of_answered_calls(),
        moment="call__started_at",
        agent="call__agent_id",
        team="call__team_id",
        call_type="call__call_type_id",
        start=start,
        end=end,
        counts=call_kpis.escalation_counts(),
        cell_value=F(dimension),
    )


SNAPSHOT_SOURCES = (
    (call_cells, definitions.CALL_COUNT_NAMES),
    (case_cells, definitions.CASE_COUNT_NAMES),
    (survey_cells, definitions.SURVEY_COUNT_NAMES),
    (evaluation_cells, definitions.EVALUATION_COUNT_NAMES),
)


# --- SQL -----------------------------------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _date(value: date):
    return connection.ops.adapt_datefield_value(value)


def _datetime(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


SNAPSHOT_KEY = ("period_kind", "period_start", "scope_kind", "scope_id")
ESCALATION_KEY = (*SNAPSHOT_KEY, "dimension", "value")


def _upsert(table: str, key: tuple[str, ...], columns: list[str], select: str) -> str:
    """INSERT the rows of `select` (key columns, then `columns`), updating `columns` of a row already there."""
    updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in columns)
    return (
        f"INSERT INTO {table} ({', '.join(_q(c) for c in (*key, *columns))}) {select} "
        f"ON CONFLICT ({', '.join(_q(c) for c in key)}) DO UPDATE SET {updates}"
    )


def _take_turns(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _into_cells(cursor, queryset: QuerySet) -> None:
    sql, params = queryset.query.sql_with_params()
    cursor.execute(f"DROP TABLE IF EXISTS {CELLS}")
    cursor.execute(f"CREATE TEMPORARY TABLE {CELLS} AS {sql}", params)


def _scope_select(scope_kind: str, extra_group: str = "") -> tuple[str, str, str]:
    """(scope id expression, WHERE, GROUP BY) of the cells for one kind of scope."""
    column = SCOPE_COLUMNS[scope_kind]
    group = ", ".join(filter(None, ["cell_day", column, extra_group]))
    if column is None:
        return str(CENTER_ID), "1 = 1", group
    return column, f"{column} IS NOT NULL", group


def _day_snapshots(cursor, queryset: QuerySet, names: tuple[str, ...], now) -> None:
    _into_cells(cursor, queryset)
    columns = [*names, "computed_at", "service_level_seconds"]
    sums = ", ".join(f"SUM({_q(name)})" for name in names)
    for scope_kind in SCOPE_COLUMNS:
        scope, where, group = _scope_select(scope_kind)
        select = (
            f"SELECT %s, cell_day, %s, {scope}, {sums}, %s, %s FROM {CELLS} WHERE {where} GROUP BY {group}"
        )
        cursor.execute(
            _upsert(_table(KpiSnapshot), SNAPSHOT_KEY, columns, select),
            [PeriodKind.DAY, scope_kind, _datetime(now), definitions.service_level_seconds()],
        )
    cursor.execute(f"DROP TABLE {CELLS}")


def _day_escalations(cursor, queryset: QuerySet, dimension: str, now) -> None:
    _into_cells(cursor, queryset)
    for scope_kind in SCOPE_COLUMNS:
        scope, where, group = _scope_select(scope_kind, "cell_value")
        select = (
            f"SELECT %s, cell_day, %s, {scope}, %s, cell_value, SUM(escalated_calls), %s "
            f"FROM {CELLS} WHERE {where} GROUP BY {group}"
        )
        cursor.execute(
            _upsert(_table(EscalationSnapshot), ESCALATION_KEY, ["escalated_calls", "computed_at"], select),
            [PeriodKind.DAY, scope_kind, dimension, _datetime(now)],
        )
    cursor.execute(f"DROP TABLE {CELLS}")


def _compute_days(first_day: date, last_day: date) -> int:
    """The day snapshots of [first_day, last_day], replaced in one transaction. Returns how many there are."""
    start, end = local_bounds(first_day, last_day)
    now = timezone.now()
    days = {"period_kind": PeriodKind.DAY, "period_start__gte": first_day, "period_start__lte": last_day}
    with transaction.atomic(), connection.cursor() as cursor:
        _take_turns(cursor)
        KpiSnapshot.objects.filter(**days).delete()
        EscalationSnapshot.objects.filter(**days).delete()
        for cells, names in SNAPSHOT_SOURCES:
            _day_snapshots(cursor, cells(start, end), names, now)
        for dimension in EscalationSnapshot.Dimension.values:
            _day_escalations(cursor, escalation_cells(start, end, dimension), dimension, now)
        return KpiSnapshot.objects.filter(**days).count()


def _roll_up(kind: str, start: date) -> int:
    """The snapshots of the period (`kind`, `start`): the sums of its day snapshots. Returns how many."""
    end = period_end(kind, start)
    names = definitions.COUNT_NAMES
    now = _datetime(timezone.now())
    days = [PeriodKind.DAY, _date(start), _date(end)]
    in_days = "period_kind = %s AND period_start >= %s AND period_start < %s"
    with transaction.atomic(), connection.cursor() as cursor:
        _take_turns(cursor)
        KpiSnapshot.objects.filter(period_kind=kind, period_start=start).delete()
        EscalationSnapshot.objects.filter(period_kind=kind, period_start=start).delete()
        sums = ", ".join(f"SUM({_q(name)})" for name in names)
        select = (
            f"SELECT %s, %s, scope_kind, scope_id, {sums}, %s, MAX(service_level_seconds) "
            f"FROM {_table(KpiSnapshot)} WHERE {in_days} GROUP BY scope_kind, scope_id"
        )
        cursor.execute(
            _upsert(
                _table(KpiSnapshot), SNAPSHOT_KEY, [*names, "computed_at", "service_level_seconds"], select
            ),
            [kind, _date(start), now, *days],
        )
        written = cursor.rowcount
        select = (
            f"SELECT %s, %s, scope_kind, scope_id, dimension, value, SUM(escalated_calls), %s "
            f"FROM {_table(EscalationSnapshot)} WHERE {in_days} GROUP BY scope_kind, scope_id, dimension, value"
        )
        cursor.execute(
            _upsert(_table(EscalationSnapshot), ESCALATION_KEY, ["escalated_calls", "computed_at"], select),
            [kind, _date(start), now, *days],
        )
    return written


# --- The computation ------------------------------------------------------------------------------------------


def _chunks(first_day: date, last_day: date) -> list[tuple[date, date]]:
    days = days_between(first_day, last_day)
    return [
        (chunk[0], chunk[-1]) for chunk in (days[i : i + CHUNK_DAYS] for i in range(0, len(days), CHUNK_DAYS))
    ]


def compute_kpis(*, first_day: date, last_day: date, progress: Progress | None = None) -> int:
    """Recompute the day snapshots of [first_day, last_day] (local dates) and the week, month and year snapshots
    of the periods that hold them. Returns how many snapshots were written. `progress(done, total)` is called
    after each step."""
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    periods = [(kind, start) for kind in ROLLED_UP for start in periods_touching(kind, first_day, last_day)]
    chunks = _chunks(first_day, last_day)
    total, done, written = len(chunks) + len(periods), 0, 0
    for chunk_first, chunk_last in chunks:
        written += _compute_days(chunk_first, chunk_last)
        done += 1
        if progress:
            progress(done, total)
    for kind, start in periods:
        written += _roll_up(kind, start)
        done += 1
        if progress:
            progress(done, total)
    return written


def record_computation(*, first_day: date, last_day: date, trigger: str, requested_by=None) -> KpiComputation:
    return KpiComputation.objects.create(
        first_day=first_day, last_day=last_day, trigger=trigger, requested_by=requested_by
    )


def run_computation(computation: KpiComputation, *, progress: Progress | None = None) -> KpiComputation:
    """Run a recorded computation, noting when it started and ended and how it went. Running it again (a
    redelivered task) computes again: the snapshots converge, the record shows the last run."""
    computation.status, computation.started_at, computation.finished_at = (
        KpiComputation.Status.RUNNING,
        timezone.now(),
        None,
    )
    computation.save(update_fields=["status", "started_at", "finished_at"])
    try:
        written = compute_kpis(
            first_day=computation.first_day, last_day=computation.last_day, progress=progress
        )
    except Exception as exc:
        logger.exception("KPI computation %s failed", computation.pk)
        computation.status, computation.message = KpiComputation.Status.FAILED, str(exc)[:2000]
        computation.finished_at = timezone.now()
        computation.save(update_fields=["status", "message", "finished_at"])
        raise
    computation.status, computation.snapshots, computation.message = KpiComputation.Status.DONE, written, ""
    computation.finished_at = timezone.now()
    computation.save(update_fields=["status", "snapshots", "message", "finished_at"])
    return computation


def recent_days(today: date) -> tuple[date, date]:
    """Yesterday and today: late data (surveys, resolutions, evaluations) keeps arriving for both."""
    return today - timedelta(days=1), today


def days_to_close(today: date) -> tuple[date, date]:
    """Each night: yesterday, and the whole week (on Mondays) or month (on the 1st) that has just ended."""
    yesterday = today - timedelta(days=1)
    first = yesterday
    for kind in (PeriodKind.WEEK, PeriodKind.MONTH):
        just_ended = periods_touching(kind, yesterday, yesterday)[0]
        if period_end(kind, just_ended) == today:
            first = min(first, just_ended)
    return first, yesterday
