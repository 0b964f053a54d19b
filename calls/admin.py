from django.contrib import admin

from calls.models import (
    Call,
    CallType,
    Escalation,
    ImportJob,
    ImportMapping,
    ImportRowError,
    IngestToken,
    SurveyResponse,
)
from calls.surveys.services import follow_call_start, settle_time_source


@admin.register(CallType)
class CallTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "slug")


class SurveyAdminMixin:
    """Where an answer's time came from is the system's to say: a time edited here is a given one."""

    readonly_fields = ("responded_at_source",)


class SurveyInline(SurveyAdminMixin, admin.StackedInline):
    model = SurveyResponse
    extra = 0


class EscalationInline(admin.TabularInline):
    model = Escalation
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "started_at",
        "agent",
        "team",
        "call_type",
        "direction",
        "answered",
        "resolved",
    )
    list_filter = ("direction", "channel", "answered", "resolved", "call_type", "team")
    list_select_related = ("agent", "team", "call_type")
    search_fields = ("external_id", "case_id", "customer_id", "agent__username")
    date_hierarchy = "started_at"
    autocomplete_fields = ("agent",)
    inlines = [SurveyInline, EscalationInline]
    # Recordings arrive through the ingest API, which checks type, size and content before storing them.
    readonly_fields = ("recording_file",)
    show_full_result_count = False

    def save_formset(self, request, form, formset, change):
        if formset.model is SurveyResponse:
            for survey_form in formset.forms:
                settle_time_source(survey=survey_form.instance, changed=survey_form.changed_data)
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "started_at" in form.changed_data:
            follow_call_start(call_ids=[form.instance.pk])  # its answer's time came from the old start


@admin.register(SurveyResponse)
class SurveyResponseAdmin(SurveyAdminMixin, admin.ModelAdmin):
    list_display = ("external_id", "call", "segment", "nps", "csat", "responded_at", "responded_at_source")
    list_filter = ("responded_at_source", "segment")
    list_select_related = ("call",)
    search_fields = ("external_id", "call__external_id", "case_id")
    date_hierarchy = "responded_at"
    raw_id_fields = ("call",)
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        settle_time_source(survey=obj, changed=form.changed_data)
        super().save_model(request, obj, form, change)


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("call", "type", "reason", "from_level", "to_level", "escalated_at", "followup_due_at")
    list_filter = ("type",)
    list_select_related = ("call",)
    raw_id_fields = ("call",)


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ("name", "is_preset", "created_at")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "status", "total_rows", "created_count", "updated_count", "error_count")
    list_filter = ("status",)
    readonly_fields = (
        "processed_rows",
        "created_count",
        "updated_count",
        "error_count",
        "started_at",
        "finished_at",
    )


@admin.register(IngestToken)
class IngestTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    # Revoking is one-way (the API tokens page): a leaked token must not come back through the admin.
    readonly_fields = ("prefix", "key_hash", "created_by", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # tokens are issued on the API tokens page, which shows the secret once


@admin.register(ImportRowError)
class ImportRowErrorAdmin(admin.ModelAdmin):
    list_display = ("job", "line_number", "message")
    list_select_related = ("job",)
    raw_id_fields = ("job",)
