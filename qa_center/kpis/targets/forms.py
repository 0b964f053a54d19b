"""The targets page's forms: one value field per KPI (and, center-wide, its benchmark and source), each checked
against what the KPI's figure can be (services.check_value). An empty field removes the value."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qa_center.kpis.definitions import KPIS
from qa_center.kpis.targets.services import check_value

__all__ = ["CenterTargetsForm", "OverrideTargetsForm", "benchmark_field", "source_field", "target_field"]


def target_field(key: str) -> str:
    return f"target_{key}"


def benchmark_field(key: str) -> str:
    return f"benchmark_{key}"


def source_field(key: str) -> str:
    return f"source_{key}"


class KpiValueField(forms.FloatField):
    """A KPI's value, within its bounds; blank is None (no value)."""

    def __init__(self, kpi, **kwargs):
        self.kpi = kpi
        lowest, highest = kpi.bounds
        attrs = {"step": "any", "class": "form-control form-control-sm"}
        if lowest is not None:
            attrs["min"] = f"{lowest:g}"
        if highest is not None:
            attrs["max"] = f"{highest:g}"
        super().__init__(required=False, widget=forms.NumberInput(attrs=attrs), **kwargs)

    def prepare_value(self, value):
        # 85, not 85.0, in the field.
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def validate(self, value):
        super().validate(value)
        if value is not None:
            check_value(self.kpi.key, value)


class OverrideTargetsForm(forms.Form):
    """A team's or a call type's own targets: a value where it differs from (or restates) the center's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kpi in KPIS:
            self.fields[target_field(kpi.key)] = KpiValueField(kpi, label=kpi.label)

    def targets(self) -> dict[str, float | None]:
        return {kpi.key: self.cleaned_data[target_field(kpi.key)] for kpi in KPIS}


class CenterTargetsForm(OverrideTargetsForm):
    """The center-wide targets, and each KPI's industry benchmark with where its figure comes from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kpi in KPIS:
            self.fields[benchmark_field(kpi.key)] = KpiValueField(kpi, label=_("Benchmark"))
            self.fields[source_field(kpi.key)] = forms.CharField(
                label=_("Source"),
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def clean(self):
        cleaned = super().clean()
        for kpi in KPIS:
            value, source = cleaned.get(benchmark_field(kpi.key)), cleaned.get(source_field(kpi.key))
            if value is None and source and benchmark_field(kpi.key) not in self.errors:
                self.add_error(
                    benchmark_field(kpi.key), _("Give the benchmark's value too, or clear its source.")
                )
        return cleaned

    def benchmarks(self) -> dict[str, tuple[float | None, str]]:
        return {
            kpi.key: (self.cleaned_data[benchmark_field(kpi.key)], self.cleaned_data[source_field(kpi.key)])
            for kpi in KPIS
        }
