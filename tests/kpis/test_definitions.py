"""The KPI catalogue: every count it names is a snapshot column, every figure gives "no data" on an empty
denominator in Python and in SQL alike."""

import pytest
from django.db.models import F

from qa_center.kpis import definitions
from qa_center.kpis.models import KpiSnapshot
from qa_center.sql_time import utc_offsets
from tests.kpis.helpers import DAY, RIGA


def test_every_count_is_a_snapshot_column_and_every_column_a_count():
    columns = {
        field.name
        for field in KpiSnapshot._meta.concrete_fields
        if field.name not in {"id", "period_kind", "period_start", "scope_kind", "scope_id", "computed_at"}
    }
    assert set(definitions.COUNT_NAMES) == columns - {"service_level_seconds"}
    for kpi in definitions.KPIS:
        assert {kpi.part, kpi.whole} <= set(definitions.COUNT_NAMES)


def test_the_design_table_is_covered():
    keys = {kpi.key for kpi in definitions.KPIS}
    assert {
        "resolution_rate", "fcr_rate", "answer_rate", "abandon_rate", "average_wait", "service_level", "aht",
        "average_treatment_time", "nps", "csat", "csat_mean", "escalation_rate", "qa_score", "pass_rate",
        "auto_fail_rate", "dispute_rate",
    } <= keys  # fmt: skip


@pytest.mark.django_db
def test_the_database_expression_gives_the_python_value():
    counts = dict.fromkeys(definitions.COUNT_NAMES, 0) | {
        "inbound_with_outcome": 8, "inbound_answered": 6, "inbound_abandoned": 2, "waits": 4, "wait_total": 90,
        "nps_answers": 5, "promoters": 3, "detractors": 1, "cases": 0,
    }  # fmt: skip
    KpiSnapshot.objects.create(
        period_kind="day",
        period_start=DAY,
        scope_kind="center",
        scope_id=0,
        computed_at="2026-03-10T00:00Z",
        **counts,
    )
    row = KpiSnapshot.objects.annotate(**{kpi.key: kpi.expression() for kpi in definitions.KPIS}).get()
    for kpi in definitions.KPIS:
        expected = kpi.value(counts)
        got = getattr(row, kpi.key)
        assert got == pytest.approx(expected) if expected is not None else got is None, kpi.key
    assert (row.answer_rate, row.abandon_rate, row.average_wait, row.nps) == (75.0, 25.0, 22.5, 40.0)
    assert row.fcr_rate is None  # no case: no data, not 0
    ordered = KpiSnapshot.objects.order_by(definitions.by_key("answer_rate").expression().desc())
    assert ordered.count() == 1 and F  # the expression orders as well as it annotates


def test_utc_offsets_find_the_dst_changes_to_the_minute():
    from datetime import datetime

    changes = utc_offsets(RIGA, datetime(2026, 1, 1, tzinfo=RIGA), datetime(2027, 1, 1, tzinfo=RIGA))
    assert [(moment.astimezone(RIGA).isoformat(), offset) for moment, offset in changes[1:]] == [
        ("2026-03-29T04:00:00+03:00", 10800),
        ("2026-10-25T03:00:00+02:00", 7200),
    ]
