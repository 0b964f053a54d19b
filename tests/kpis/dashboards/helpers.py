"""Hand-made snapshot rows for the dashboard tests: the dashboards read only these, never the calls."""

from datetime import date

from django.utils import timezone

from qa_center.kpis.models import CENTER_ID, EscalationSnapshot, KpiSnapshot


def day_row(day: date, scope_kind="center", scope_id=CENTER_ID, **counts) -> KpiSnapshot:
    return KpiSnapshot.objects.create(
        period_kind="day",
        period_start=day,
        scope_kind=scope_kind,
        scope_id=scope_id,
        computed_at=timezone.now(),
        **counts,
    )


def escalation_row(
    day: date, dimension: str, value: str, escalated: int, scope_kind="center", scope_id=CENTER_ID
):
    return EscalationSnapshot.objects.create(
        period_kind="day",
        period_start=day,
        scope_kind=scope_kind,
        scope_id=scope_id,
        dimension=dimension,
        value=value,
        escalated_calls=escalated,
        computed_at=timezone.now(),
    )


def calls(answered: int, abandoned: int, *, within: int = 0, wait_total: int = 0) -> dict:
    """The call counts of `answered` + `abandoned` inbound calls, every answered one with a known wait."""
    return {
        "calls": answered + abandoned,
        "inbound": answered + abandoned,
        "inbound_with_outcome": answered + abandoned,
        "inbound_answered": answered,
        "inbound_abandoned": abandoned,
        "answered_calls": answered,
        "waits": answered,
        "wait_total": wait_total,
        "within_service_level": within,
    }
