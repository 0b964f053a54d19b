"""Read-only admin of the KPI snapshots and computations: records, written only by qa_center.kpis.computing."""

from django.contrib import admin

from qa_center.kpis.models import EscalationSnapshot, KpiComputation, KpiSnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
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
