"""Setting KPI targets and industry benchmarks: the one write path of each (the targets page and the demo
alike). A value of None removes the target, the override or the benchmark.

A value must be one the KPI's figure can take (definitions.Kpi.bounds: a rate 0..100, NPS −100..100, a
duration ≥ 0, a mean on its own scale): check_value says why not, next to the field on the page.
"""

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from qa_center.kpis.definitions import by_key
from qa_center.kpis.models import CENTER_ID, KpiBenchmark, KpiTarget, ScopeKind

__all__ = ["check_value", "set_benchmark", "set_target"]


def _number(value: float) -> str:
    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def check_value(kpi_key: str, value: float) -> None:
    """Raise ValidationError unless `value` is within the KPI's bounds."""
    lowest, highest = by_key(kpi_key).bounds
    if lowest is not None and highest is not None and not lowest <= value <= highest:
        raise ValidationError(
            _("Give a value from %(lowest)s to %(highest)s.")
            % {"lowest": _number(lowest), "highest": _number(highest)},
            code="out_of_range",
        )
    if lowest is not None and value < lowest:
        raise ValidationError(
            _("Give a value of %(lowest)s or more.") % {"lowest": _number(lowest)}, code="out_of_range"
        )


def set_target(
    *, kpi: str, value: float | None, by, scope_kind: str = ScopeKind.CENTER, scope_id: int = CENTER_ID
) -> KpiTarget | None:
    """Set (or, with None, remove) the center's target of a KPI or a team's / call type's override of it."""
    if scope_kind not in KpiTarget.Scope.values:
        raise ValueError(f"a target is center-wide, or per team or call type, not {scope_kind!r}")
    if scope_kind == ScopeKind.CENTER:
        scope_id = CENTER_ID
    key = {"kpi": kpi, "scope_kind": scope_kind, "scope_id": scope_id}
    if value is None:
        KpiTarget.objects.filter(**key).delete()
        return None
    check_value(kpi, value)
    target, _created = KpiTarget.objects.update_or_create(**key, defaults={"value": value, "updated_by": by})
    return target


def set_benchmark(*, kpi: str, value: float | None, source: str = "", by) -> KpiBenchmark | None:
    """Set (or, with None, remove) the industry benchmark of a KPI and where its figure comes from."""
    if value is None:
        KpiBenchmark.objects.filter(kpi=kpi).delete()
        return None
    check_value(kpi, value)
    benchmark, _created = KpiBenchmark.objects.update_or_create(
        kpi=kpi, defaults={"value": value, "source": source.strip(), "updated_by": by}
    )
    return benchmark
