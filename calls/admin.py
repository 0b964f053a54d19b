"""The admin of calls. A call with a submitted evaluation keeps its agent, start and transcript
(calls.services.FROZEN_FIELDS): only a QA manager may still change them here, and the change is recorded in
the call's history with the values before and after."""

import json

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.models import (
    AgentAlias,
    Call,
    CallType,
    Escalation,
    ImportJob,
    ImportMapping,
    ImportRowError,
    IngestToken,
    RetentionDeletion,
    RetentionRun,
    SurveyResponse,
)
from calls.redaction import redact_text
from calls.services import FROZEN_FIELDS, frozen_calls
from calls.surveys.services import follow_call_start, settle_time_source
from qa_center.people import roles
from qa_center.people.permissions import ObjectRulesAdmin


@admin.register(CallType)
class CallTypeAdmin(ObjectRulesAdmin, admin.ModelAdmin):
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
class CallAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    # A recording URL typed without its scheme is https (Django 6's default; 5.2 warns of the change).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "external_id",
        "started_at",
        "agent",
        "team",
        "call_type",
        "topic",
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
    # Recordings arrive through the ingest API or the call page, which check type, size and content before
    # storing them. Shown as a link to the permission-checked view: the file's own URL is served
    # by nothing, on purpose.
    exclude = ("recording_file",)
    readonly_fields = ("recording",)
    show_full_result_count = False

    @admin.display(description=gettext_lazy("recording file"))
    def recording(self, call: Call):
        if not call.recording_file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("calls:recording", args=[call.pk]), call.recording_file.name
        )

    def _is_frozen(self, call: Call | None) -> bool:
        if call is None or call.pk is None:
            return False
        if not hasattr(call, "_frozen"):
            call._frozen = bool(frozen_calls(external_ids=[call.external_id]))
        return call._frozen

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if self._is_frozen(obj) and not roles.is_manager(request.user):
            return (*readonly, *FROZEN_FIELDS)
        return readonly

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        changed = [name for name in FROZEN_FIELDS if name in form.changed_data]
        if add or not changed or not self._is_frozen(form.instance):
            return message
        # What the evaluation was about, kept beside the usual summary of the change.
        summary = LogEntry(change_message=json.dumps(message)).get_change_message()
        details = "; ".join(
            _("%(field)s: “%(before)s” → “%(after)s”")
            % {
                "field": Call._meta.get_field(name).verbose_name,
                "before": self._shown(form, name, form.initial.get(name)),
                "after": self._shown(form, name, form.cleaned_data.get(name)),
            }
            for name in changed
        )
        return _("%(summary)s Changed on a call with a submitted evaluation: %(details)s.") % {
            "summary": summary,
            "details": details,
        }

    @staticmethod
    def _shown(form, name: str, value) -> str:
        if name == "agent" and value is not None and not hasattr(value, "pk"):
            value = form.fields["agent"].queryset.model.objects.filter(pk=value).first()
        if value in (None, ""):
            return "—"
        return str(value)

    def save_model(self, request, obj, form, change):
        # A transcript typed or pasted here is masked as the API's and the import's are (calls.redaction).
        if "transcript" in form.changed_data:
            obj.transcript = redact_text(obj.transcript)
        super().save_model(request, obj, form, change)

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
class SurveyResponseAdmin(ObjectRulesAdmin, SurveyAdminMixin, admin.ModelAdmin):
    # No visible_through: an answer linked to no call counts center-wide, the QA managers' business.
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
class EscalationAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    visible_through = "call"  # read with its call
    visible_parent = Call
    list_display = ("call", "type", "reason", "from_level", "to_level", "escalated_at", "followup_due_at")
    list_filter = ("type",)
    list_select_related = ("call",)
    raw_id_fields = ("call",)


@admin.register(AgentAlias)
class AgentAliasAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    """Names saved in imports' agent steps: one mapped by mistake is corrected or deleted here."""

    list_display = ("name", "agent", "created_by", "created_at")
    search_fields = ("name", "agent__username", "agent__agent_code")
    raw_id_fields = ("agent",)
    readonly_fields = ("job", "created_by", "created_at")


@admin.register(ImportMapping)
class ImportMappingAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = ("name", "kind", "is_preset", "created_at")
    list_filter = ("kind",)


@admin.register(ImportJob)
class ImportJobAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = (
        "original_name",
        "kind",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
    )
    list_filter = ("kind", "status")
    readonly_fields = (
        "kind",
        "message_reason",
        "processed_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
        "mapping_snapshot",
        "started_at",
        "finished_at",
    )


@admin.register(IngestToken)
class IngestTokenAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = ("name", "prefix", "can_ingest", "can_read", "created_at", "last_used_at", "revoked_at")
    # The scopes stay editable here, e.g. to narrow a token issued before scopes existed (it has both).
    # Revoking is one-way (the API tokens page): a leaked token must not come back through the admin.
    readonly_fields = ("prefix", "key_hash", "created_by", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # tokens are issued on the API tokens page, which shows the secret once


@admin.register(ImportRowError)
class ImportRowErrorAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = ("job", "line_number", "reason_text")
    list_select_related = ("job",)
    raw_id_fields = ("job",)

    @admin.display(description=gettext_lazy("reason"))
    def reason_text(self, obj):
        return obj.text  # in the reader's language (calls.reasons)


class RecordAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    """A record of what the system did: shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(RecordAdmin):
    list_display = (
        "started_at",
        "finished_at",
        "days",
        "cutoff",
        "calls_count",
        "recordings_count",
        "recording_urls_count",
        "transcripts_count",
        "deletions_link",
    )
    date_hierarchy = "started_at"

    @admin.display(description=gettext_lazy("calls cleared"))
    def deletions_link(self, obj):
        url = reverse("admin:calls_retentiondeletion_changelist") + f"?run__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Show"))


@admin.register(RetentionDeletion)
class RetentionDeletionAdmin(RecordAdmin):
    """Which calls a run cleared (?run__id__exact=<run> lists one run's)."""

    list_display = ("call", "run", "recording_file", "recording_url", "transcript_chars")
    list_select_related = ("call", "run")
    search_fields = ("call__external_id",)
    raw_id_fields = ("call", "run")
    show_full_result_count = False
