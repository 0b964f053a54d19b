"""Computing the KPI snapshots: in the database, and converging however often (or concurrently) it runs.

For a range of days, in one transaction per chunk of days (a quarter at most):

1. each source (calls, cases, survey answers, evaluations) is counted in ONE grouped SELECT per local day ×
   agent × team × call type (the counts of calls.kpis / scorecards.kpis, the day by
   qa_center.sql_time.LocalDate) into one temporary table of cells: each source's rows are read once;
2. the agents' day snapshots are the cells summed per day and agent; the cells summed per day, team and call
   type make a much smaller table, summed in turn into the teams', the call types' and the center's days; each
   with INSERT … SELECT … GROUP BY. Escalations by type and by reason go the same way into their own table.

Then the weeks and months holding those days are the sums of their day snapshots, and the years the sums of
their months (every count is additive: a case counts on its first contact's day, a mean is a sum and a count),
one statement per kind of period.

The write is a replacement, which is what makes it an idempotent upsert on the snapshots' key: the chunk's (or
periods') rows are deleted and written again in one transaction, so a scope that has lost its last call loses
its row ("no data"), a crash leaves the previous rows, and running it twice gives the same rows. Two runs at
once take turns (on PostgreSQL a transaction-level advisory lock, taken before the delete; SQLite's writers
take turns anyway), so each inserts into rows the delete has just emptied, and the unique key (one row per
period and scope) stays the guard against a duplicate. The rows are written by plain INSERTs: ON CONFLICT …
DO UPDATE (or DO NOTHING) checks every row against the unique index first, which cost PostgreSQL 2–3 s of a
16 s recompute at 1,000,000 calls for conflicts that cannot happen. No call is ever loaded into Python.
"""

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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

__all__ = ["CHUNK_DAYS", "compute_kpis", "purge_old_computations", "record_computation", "run_computation"]

logger = logging.getLogger(__name__)
LOST_MESSAGE = _("Its worker stopped: still computing past the time limit.")

CHUNK_DAYS = 92  # a quarter: few statements, a small temporary table
ROLLED_UP = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.YEAR)
CELLS = "kpi_cells"  # the temporary table of the sources' cells (local day × agent × team × call type)
TEAM_CELLS = "kpi_team_cells"  # the cells summed per local day × team × call type
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


def _calls_in(start, end) -> QuerySet:
    return Call.objects.filter(started_at__gte=start, started_at__lt=end)


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
    # The first contacts among the period's calls: a case counts once, on its first contact's day. (A second
    # read of the period's calls: splitting them into first contacts with call and case counts and later ones
    # with call counts reads each once, but runs the first-contact test twice; measured at 1,000,000 calls,
    # 0.6 s faster on SQLite, whose index holds the id, and 1.1 s slower on PostgreSQL, which visits the heap.)
    return _cells(
        call_kpis.first_contacts(_calls_in(start, end)),
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
        cell_dimension=Value(dimension),
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


def _insert(table: str, key: tuple[str, ...], columns: list[str], select: str) -> str:
    """INSERT the rows of `select` (key columns, then `columns`) into rows the same transaction has deleted
    (see the module's docstring: why not ON CONFLICT)."""
    return f"INSERT INTO {table} ({', '.join(_q(c) for c in (*key, *columns))}) {select}"


def _take_turns(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # The case subqueries' cost estimates start PostgreSQL's JIT compiler, which took most of each
        # statement's time (0.9 s of 1.2 s for a quarter) for queries that run once.
        cursor.execute("SET LOCAL jit = off")


def _create(cursor, table: str, columns: list[tuple[str, str]]) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ({', '.join(f'{_q(n)} {t}' for n, t in columns)})")


def _add(cursor, table: str, queryset: QuerySet) -> None:
    """Append the rows of `queryset` (its values() columns, then its aggregates, by name) to `table`."""
    sql, params = queryset.query.sql_with_params()
    names = [*queryset.query.values_select, *queryset.query.annotation_select]
    cursor.execute(f"INSERT INTO {table} ({', '.join(_q(n) for n in names)}) {sql}", params)


# A cell column's type: the snapshot column's. The counts are INTEGER as in the snapshots: PostgreSQL sums an
# integer column into a bigint, where a bigint column's SUM is a numeric, several times slower to add up.
CELL_TYPES = {"FloatField": "DOUBLE PRECISION", "BigIntegerField": "BIGINT"}


def _count_type(name: str) -> str:
    field = KpiSnapshot._meta.get_field(name)
    return f"{CELL_TYPES.get(field.get_internal_type(), 'INTEGER')} NOT NULL DEFAULT 0"


CELL_KEY = [("cell_day", "DATE"), ("cell_agent", "BIGINT"), ("cell_team", "BIGINT"), ("cell_type", "BIGINT")]


def _scope_select(scope_kind: str, extra_group: str = "") -> tuple[str, str, str]:
    """(scope id expression, WHERE, GROUP BY) of the cells for one kind of scope."""
    column = SCOPE_COLUMNS[scope_kind]
    group = ", ".join(filter(None, ["cell_day", column, extra_group]))
    if column is None:
        return str(CENTER_ID), "1 = 1", group
    return column, f"{column} IS NOT NULL", group


def _sum_cells(cursor, *, into: str, source: str, names, group: list[str]) -> None:
    """`into` (a new temporary table) = `source` summed by `group`: a smaller table for the coarser scopes."""
    # Each sum kept in its column's type (an INTEGER count summed stays an INTEGER: see CELL_TYPES).
    sums = ", ".join(
        f"CAST(SUM({_q(name)}) AS {_count_type(name).split(' NOT NULL')[0]}) AS {_q(name)}" for name in names
    )
    keys = ", ".join(group)
    cursor.execute(f"DROP TABLE IF EXISTS {into}")
    cursor.execute(f"CREATE TEMPORARY TABLE {into} AS SELECT {keys}, {sums} FROM {source} GROUP BY {keys}")


def _insert_days(cursor, *, table: str, model, key, names, scopes, now, extra_group="", params=()) -> None:
    columns = [*names, "computed_at", *params]
    sums = ", ".join(f"SUM({_q(name)})" for name in names)
    extra_select = f"{extra_group}, " if extra_group else ""
    for scope_kind in scopes:
        scope, where, group = _scope_select(scope_kind, extra_group)
        select = (
            f"SELECT %s, cell_day, %s, {scope}, {extra_select}{sums}, %s{', %s' * len(params)} "
            f"FROM {table} WHERE {where} GROUP BY {group}"
        )
        cursor.execute(
            _insert(_table(model), key, columns, select),
            [PeriodKind.DAY, scope_kind, _datetime(now), *params.values()],
        )


def _day_snapshots(cursor, start: datetime, end: datetime, now) -> None:
    """Every source's cells into one table (each source's rows read once); the agents' days summed from it, the
    other scopes' from its sums per day, team and call type (a table many times smaller)."""
    names = definitions.COUNT_NAMES
    _create(cursor, CELLS, [*CELL_KEY, *((name, _count_type(name)) for name in names)])
    for cells, _names in SNAPSHOT_SOURCES:
        _add(cursor, CELLS, cells(start, end))
    params = {"service_level_seconds": definitions.service_level_seconds()}
    common = {"model": KpiSnapshot, "key": SNAPSHOT_KEY, "names": names, "now": now, "params": params}
    _insert_days(cursor, table=CELLS, scopes=[ScopeKind.AGENT], **common)
    _sum_cells(
        cursor, into=TEAM_CELLS, source=CELLS, names=names, group=["cell_day", "cell_team", "cell_type"]
    )
    _insert_days(
        cursor, table=TEAM_CELLS, scopes=[ScopeKind.TEAM, ScopeKind.CALL_TYPE, ScopeKind.CENTER], **common
    )
    cursor.execute(f"DROP TABLE {CELLS}")
    cursor.execute(f"DROP TABLE {TEAM_CELLS}")


def _day_escalations(cursor, start: datetime, end: datetime, now) -> None:
    _create(
        cursor,
        CELLS,
        [
            *CELL_KEY,
            ("cell_dimension", "VARCHAR(6)"),
            ("cell_value", "VARCHAR(200)"),
            ("escalated_calls", "BIGINT"),
        ],
    )
    for dimension in EscalationSnapshot.Dimension.values:
        _add(cursor, CELLS, escalation_cells(start, end, dimension))
    _insert_days(
        cursor,
        table=CELLS,
        model=EscalationSnapshot,
        key=ESCALATION_KEY,
        names=["escalated_calls"],
        scopes=list(SCOPE_COLUMNS),
        now=now,
        extra_group="cell_dimension, cell_value",
        params={},
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
        _day_snapshots(cursor, start, end, now)
        _day_escalations(cursor, start, end, now)
        return KpiSnapshot.objects.filter(**days).count()


# The first day of the week (Monday), month or year that holds the date column `period_start`.
PERIOD_START_SQL = {
    "sqlite": {
        PeriodKind.WEEK: "date(period_start, '-' || ((CAST(strftime('%%w', period_start) AS INTEGER) + 6) %% 7) || ' days')",
        PeriodKind.MONTH: "strftime('%%Y-%%m-01', period_start)",
        PeriodKind.YEAR: "strftime('%%Y-01-01', period_start)",
    },
    "postgresql": {kind: f"date_trunc('{kind}', period_start)::date" for kind in ROLLED_UP},
}


def _roll_up(kind: str, first_day: date, last_day: date) -> int:
    """The snapshots of every period of `kind` that holds a day of [first_day, last_day]: the sums of their day
    snapshots (a year's: of its months, computed just before), in one statement per table. Returns how many."""
    starts = periods_touching(kind, first_day, last_day)
    first, end = starts[0], period_end(kind, starts[-1])
    names = definitions.COUNT_NAMES
    period = PERIOD_START_SQL[connection.vendor][kind]
    now = _datetime(timezone.now())
    in_days = "period_kind = %s AND period_start >= %s AND period_start < %s"
    parts = PeriodKind.MONTH if kind == PeriodKind.YEAR else PeriodKind.DAY
    days = [parts, _date(first), _date(end)]
    periods = {"period_kind": kind, "period_start__gte": first, "period_start__lte": starts[-1]}
    with transaction.atomic(), connection.cursor() as cursor:
        _take_turns(cursor)
        KpiSnapshot.objects.filter(**periods).delete()
        EscalationSnapshot.objects.filter(**periods).delete()
        sums = ", ".join(f"SUM({_q(name)})" for name in names)
        select = (
            f"SELECT %s, {period}, scope_kind, scope_id, {sums}, %s, MAX(service_level_seconds) "
            f"FROM {_table(KpiSnapshot)} WHERE {in_days} GROUP BY {period}, scope_kind, scope_id"
        )
        cursor.execute(
            _insert(
                _table(KpiSnapshot), SNAPSHOT_KEY, [*names, "computed_at", "service_level_seconds"], select
            ),
            [kind, now, *days],
        )
        written = cursor.rowcount
        select = (
            f"SELECT %s, {period}, scope_kind, scope_id, dimension, value, SUM(escalated_calls), %s "
            f"FROM {_table(EscalationSnapshot)} WHERE {in_days} "
            f"GROUP BY {period}, scope_kind, scope_id, dimension, value"
        )
        cursor.execute(
            _insert(_table(EscalationSnapshot), ESCALATION_KEY, ["escalated_calls", "computed_at"], select),
            [kind, now, *days],
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
    chunks = _chunks(first_day, last_day)
    total, done, written = len(chunks) + len(ROLLED_UP), 0, 0
    for chunk_first, chunk_last in chunks:
        written += _compute_days(chunk_first, chunk_last)
        done += 1
        if progress:
            progress(done, total)
    for kind in ROLLED_UP:
        written += _roll_up(kind, first_day, last_day)
        done += 1
        if progress:
            progress(done, total)
    return written


def record_computation(*, first_day: date, last_day: date, trigger: str, requested_by=None) -> KpiComputation:
    return KpiComputation.objects.create(
        first_day=first_day, last_day=last_day, trigger=trigger, requested_by=requested_by
    )


def fail_lost_computations(*, now: datetime) -> int:
    """Records still "computing" after the task time limit: their worker died (a redelivered scheduled run
    records a new one), so they are shown as failed, not as computing forever. Returns how many."""
    return KpiComputation.objects.filter(
        status=KpiComputation.Status.RUNNING,
        started_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT),
    ).update(status=KpiComputation.Status.FAILED, finished_at=now, message=str(LOST_MESSAGE))


def run_computation(computation: KpiComputation, *, progress: Progress | None = None) -> KpiComputation:
    """Run a recorded computation, noting when it started and ended and how it went. Running it again (a
    redelivered task) computes again: the snapshots converge, the record shows the last run. Runs lost
    with their worker are marked failed first."""
    fail_lost_computations(now=timezone.now())
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


# The beat records a computation every few minutes: the record of older ones is of no use.
COMPUTATIONS_KEPT_DAYS = 30


def purge_old_computations(*, now: datetime) -> int:
    """Forget the computations requested more than COMPUTATIONS_KEPT_DAYS ago (finished or not: a run that
    long ago is over either way). The snapshots stay. Returns how many records went."""
    deleted, _by_model = KpiComputation.objects.filter(
        requested_at__lt=now - timedelta(days=COMPUTATIONS_KEPT_DAYS)
    ).delete()
    return deleted


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
