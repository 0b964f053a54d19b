"""Admin for every scorecards model. Scores are computed by the services, so they are read-only here."""

from django.contrib import admin

from qa_center.history import AuditedAdmin
from qa_center.people.permissions import ObjectRulesAdmin
from scorecards.models import (
    Answer,
    Assignment,
    CalibrationSession,
    Criterion,
    CriterionComment,
    CriterionOption,
    Dispute,
    DisputeItem,
    Evaluation,
    EvaluationChange,
    RecordingNote,
    SamplingRule,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
    Section,
)


class FrozenUnlessDraft:
    """Published and retired versions are frozen (old evaluations keep their arithmetic): in the admin, their
    content can be read but not changed; drafts are edited in the builder or here."""

    @staticmethod
    def version_of(obj) -> ScorecardVersion:
        return obj

    def _frozen(self, obj) -> bool:
        return obj is not None and not self.version_of(obj).is_editable

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if self._frozen(obj):
            return False
        return (
            super().has_add_permission(request, obj)
            if obj is not None
            else super().has_add_permission(request)
        )


class ReadOnlyRecord:
    """Evaluations, answers, disputes and their history change only through the services, which recompute
    scores and write the history: the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = ScorecardVersion
    extra = 0
    fields = ("number", "status", "scoring_method", "pass_mark", "published_at", "published_by")
    readonly_fields = fields
    show_change_link = True


@admin.register(Scorecard)
class ScorecardAdmin(ObjectRulesAdmin, AuditedAdmin):
    list_display = ("name", "call_type", "created_at")
    list_select_related = ("call_type",)
    search_fields = ("name",)
    inlines = [VersionInline]


class SectionInline(FrozenUnlessDraft, admin.TabularInline):
    model = Section
    extra = 0
    show_change_link = True


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(ObjectRulesAdmin, FrozenUnlessDraft, AuditedAdmin):
    list_display = ("scorecard", "number", "status", "scoring_method", "pass_mark", "published_at")
    list_filter = ("status", "scoring_method")
    list_select_related = ("scorecard",)
    inlines = [SectionInline]


class CriterionInline(FrozenUnlessDraft, admin.StackedInline):
    model = Criterion

    @staticmethod
    def version_of(obj):
        return obj.version

    extra = 0
    show_change_link = True


@admin.register(Section)
class SectionAdmin(ObjectRulesAdmin, FrozenUnlessDraft, AuditedAdmin):
    @staticmethod
    def version_of(obj):
        return obj.version

    list_display = ("title", "version", "weight", "position")
    list_select_related = ("version", "version__scorecard")
    inlines = [CriterionInline]


class OptionInline(FrozenUnlessDraft, admin.TabularInline):
    model = CriterionOption

    @staticmethod
    def version_of(obj):
        return obj.section.version

    extra = 0


@admin.register(Criterion)
class CriterionAdmin(ObjectRulesAdmin, FrozenUnlessDraft, AuditedAdmin):
    @staticmethod
    def version_of(obj):
        return obj.section.version

    list_display = ("title", "section", "kind", "weight", "allows_na", "critical_scope")
    list_filter = ("kind", "critical_scope", "allows_na")
    list_select_related = ("section",)
    search_fields = ("title",)
    inlines = [OptionInline]


@admin.register(CriterionComment)
class CriterionCommentAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = ("criterion", "author", "created_at")
    list_select_related = ("criterion", "author")
    raw_id_fields = ("criterion",)


@admin.register(SamplingRule)
class SamplingRuleAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = ("call_type", "team", "method", "calls_per_agent", "percentage", "period", "is_active")
    list_filter = ("period", "method", "is_active")


@admin.register(SamplingRun)
class SamplingRunAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = ("period_start", "period_end", "seed", "assignments_created", "created_at")
    readonly_fields = ("report",)


@admin.register(Assignment)
class AssignmentAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = ("call", "reviewer", "status", "created_at", "due_at")
    list_filter = ("status",)
    list_select_related = ("call", "reviewer")
    raw_id_fields = ("call", "sampling_run", "sampling_rule")


class AnswerInline(ReadOnlyRecord, admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("criterion", "is_na", "value", "option", "points", "max_points", "comment")
    readonly_fields = fields
    can_delete = False


class NoteInline(ReadOnlyRecord, admin.TabularInline):
    model = RecordingNote
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(ObjectRulesAdmin, ReadOnlyRecord, AuditedAdmin):
    list_display = ("call", "agent", "team", "reviewer", "status", "score", "passed", "submitted_at")
    list_filter = ("status", "passed", "auto_failed")
    list_select_related = ("call", "agent", "team", "reviewer")
    raw_id_fields = ("call", "assignment", "calibration_session")
    # Scores follow from the answers (scorecards.evaluations.services): editing them by hand would make them unexplainable.
    readonly_fields = ("score", "score_before_autofail", "auto_failed", "passed")
    inlines = [AnswerInline, NoteInline]


class DisputeItemInline(ReadOnlyRecord, admin.TabularInline):
    model = DisputeItem
    extra = 0


@admin.register(Dispute)
class DisputeAdmin(ObjectRulesAdmin, ReadOnlyRecord, AuditedAdmin):
    visible_through = "evaluation"  # read with its evaluation
    visible_parent = Evaluation
    list_display = ("evaluation", "opened_by", "opened_at", "status", "resolved_by", "resolved_at")
    list_filter = ("status",)
    list_select_related = ("evaluation", "opened_by", "resolved_by")
    raw_id_fields = ("evaluation",)
    inlines = [DisputeItemInline]


@admin.register(EvaluationChange)
class EvaluationChangeAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    visible_through = "evaluation"  # read with its evaluation
    visible_parent = Evaluation
    list_display = ("evaluation", "action", "changed_by", "changed_at")
    list_filter = ("action",)
    list_select_related = ("evaluation", "changed_by")
    raw_id_fields = ("evaluation",)

    def has_change_permission(self, request, obj=None):
        return False  # the history is a record, not something to edit


@admin.register(CalibrationSession)
class CalibrationSessionAdmin(ObjectRulesAdmin, admin.ModelAdmin):
    list_display = ("__str__", "call", "version", "created_by", "created_at", "closed_at")
    list_select_related = ("call", "version", "created_by")
    raw_id_fields = ("call",)
    filter_horizontal = ("participants",)


@admin.register(CriterionOption)
class CriterionOptionAdmin(ObjectRulesAdmin, FrozenUnlessDraft, AuditedAdmin):
    @staticmethod
    def version_of(obj):
        return obj.criterion.section.version

    list_display = ("label", "criterion", "points", "position")
    list_select_related = ("criterion",)
    raw_id_fields = ("criterion",)


@admin.register(Answer)
class AnswerAdmin(ObjectRulesAdmin, ReadOnlyRecord, AuditedAdmin):
    visible_through = "evaluation"  # read with its evaluation
    visible_parent = Evaluation
    list_display = ("evaluation", "criterion", "is_na", "points", "max_points")
    list_select_related = ("evaluation", "criterion")
    raw_id_fields = ("evaluation", "criterion", "option")
    # Answers are changed through a dispute resolution, which recomputes the score and writes the history.
    readonly_fields = ("evaluation", "criterion", "is_na", "value", "option", "points", "max_points")


@admin.register(RecordingNote)
class RecordingNoteAdmin(ObjectRulesAdmin, ReadOnlyRecord, admin.ModelAdmin):
    visible_through = "evaluation"  # read with its evaluation
    visible_parent = Evaluation
    list_display = ("evaluation", "at_seconds", "author", "created_at")
    list_select_related = ("evaluation", "author")
    raw_id_fields = ("evaluation",)


@admin.register(DisputeItem)
class DisputeItemAdmin(ObjectRulesAdmin, ReadOnlyRecord, AuditedAdmin):
    visible_through = "dispute__evaluation"  # read with its evaluation
    visible_parent = Evaluation
    list_display = ("dispute", "criterion")
    list_select_related = ("dispute", "criterion")
    raw_id_fields = ("dispute", "criterion")
