"""Building blocks of the KPI tests: a center in Riga (EET/EEST, so DST changes are real), local times, and the
snapshot of one period and scope."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from qa_center.kpis import definitions
from qa_center.kpis.computing import compute_kpis
from qa_center.kpis.models import CENTER_ID, KpiSnapshot

RIGA = ZoneInfo("Europe/Riga")
DAY = date(2026, 3, 10)  # a Tuesday in winter time (UTC+2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time in Riga."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=RIGA)


def compute(first_day: date = date(2026, 3, 1), last_day: date = date(2026, 3, 31)) -> int:
    return compute_kpis(first_day=first_day, last_day=last_day)


def snapshot(scope_kind="center", scope_id=CENTER_ID, *, kind="day", start: date = DAY) -> KpiSnapshot | None:
    return KpiSnapshot.objects.filter(
        period_kind=kind, period_start=start, scope_kind=scope_kind, scope_id=scope_id
    ).first()


def figures(scope_kind="center", scope_id=CENTER_ID, *, kind="day", start: date = DAY) -> dict:
    row = snapshot(scope_kind, scope_id, kind=kind, start=start)
    assert row is not None, f"no {kind} snapshot of {scope_kind} {scope_id} on {start}"
    return definitions.values_of(row)


def rows(model=KpiSnapshot) -> list[tuple]:
    """Every row's content (not its id or computation time), in key order."""
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "computed_at")]
    return list(model.objects.order_by(*fields[:4], *fields[4:6]).values_list(*fields))
