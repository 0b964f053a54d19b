"""Admin of the KPIs: the snapshots and computations read-only (records, written only by
qa_center.kpis.computing); the targets, benchmarks and the escalation matrix editable, through their services
(and, for the matrix, the matrix page's own forms and checks); the improvement actions read-only (opened and
closed on their own pages, through their services)."""

from django import forms
from django.contrib import admin

from qa_center.kpis.escalations import services as matrix_services
from qa_center.kpis.escalations.forms import LevelForm, RuleForm
from qa_center.kpis.models import (
    EscalationLevel,
    EscalationRule,
    EscalationSnapshot,
    ImprovementAction,
    KpiBenchmark,
    KpiComputation,
    KpiSnapshot,
    KpiTarget,
)
from qa_center.kpis.targets import services
from qa_center.people.permissions import ObjectRulesAdmin


class ReadOnlyAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("period_kind", "period_start", "scope_kind", "scope_id", "calls", "cases", "evaluations")
    list_filter = ("period_kind", "scope_kind")
    date_hierarchy = "period_start"


@admin.register(EscalationSnapshot)
class EscalationSnapshotAdmin(ReadOnlyAdmin):
    list_display = (
        "period_kind",
        "period_start",
        "scope_kind",
        "scope_id",
        "dimension",
        "value",
        "escalated_calls",
    )
    list_filter = ("period_kind", "scope_kind", "dimension")


@admin.register(KpiComputation)
class KpiComputationAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "first_day", "last_day", "trigger", "status", "snapshots")
    list_filter = ("status", "trigger")


class _CheckedValueForm(forms.ModelForm):
    """The value is checked against the KPI's bounds next to its field, as on the targets page."""

    def clean(self):
        cleaned = super().clean()
        kpi = cleaned.get("kpi") or getattr(self.instance, "kpi", None)
        if kpi and cleaned.get("value") is not None:
            try:
                services.check_value(kpi, cleaned["value"])
            except forms.ValidationError as error:
                self.add_error("value", error)
        return cleaned


class _SettingAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    form = _CheckedValueForm
    key_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        # The key of a saved row stays: the service writes by key (a changed key would leave the old row).
        return ("updated_by", "updated_at", *(self.key_fields if obj else ()))


# Targets and benchmarks are the QA managers' settings (the targets page is their usual way in): editable.
@admin.register(KpiTarget)
class KpiTargetAdmin(_SettingAdmin):
    list_display = ("kpi", "scope_kind", "scope_id", "value", "updated_by", "updated_at")
    list_filter = ("scope_kind", "kpi")
    key_fields = ("kpi", "scope_kind", "scope_id")

    def save_model(self, request, obj, form, change):
        services.set_target(
            kpi=obj.kpi, value=obj.value, by=request.user, scope_kind=obj.scope_kind, scope_id=obj.scope_id
        )


@admin.register(EscalationLevel)
class EscalationLevelAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    form = LevelForm
    list_display = ("name", "kind", "order")
    list_filter = ("kind",)

    def save_model(self, request, obj, form, change):
        matrix_services.save_level(level=obj)


@admin.register(EscalationRule)
class EscalationRuleAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    form = RuleForm
    list_display = ("type", "reason", "handler", "followup_hours", "updated_by", "updated_at")
    list_filter = ("type",)
    list_select_related = ("handler", "updated_by")
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        matrix_services.save_rule(rule=obj, by=request.user)


@admin.register(KpiBenchmark)
class KpiBenchmarkAdmin(_SettingAdmin):
    list_display = ("kpi", "value", "source", "updated_by", "updated_at")
    key_fields = ("kpi",)

    def save_model(self, request, obj, form, change):
        services.set_benchmark(kpi=obj.kpi, value=obj.value, source=obj.source, by=request.user)


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "owner", "due_on", "kpi", "scope_kind", "scope_id", "starts_on")
    list_filter = ("status", "kpi", "scope_kind")
    list_select_related = ("owner",)
