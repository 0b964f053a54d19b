"""Admin for coaching. Sessions change through the services (overlaps refused, people told, history kept), so
the admin shows them; a calendar feed may be deleted here (that revokes it)."""

from django.contrib import admin

from coaching.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    CoachingSession,
    LibraryClip,
    LibraryEntry,
    LibraryEntryCriterion,
    LibraryTag,
    SentReminder,
    SessionChange,
)
from qa_center.history import AuditedAdmin
from qa_center.people.permissions import ObjectRulesAdmin

# Sessions


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaInline(ReadOnly, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("position", "kind", "evaluation", "criterion_title", "text")
    readonly_fields = fields


class ActionItemInline(ReadOnly, admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ("description", "owner", "due_on", "done_at", "done_by")
    readonly_fields = fields


class ChangeInline(ReadOnly, admin.TabularInline):
    model = SessionChange
    extra = 0
    fields = (
        "changed_at",
        "changed_by",
        "old_starts_at",
        "old_place",
        "new_starts_at",
        "new_place",
        "reason",
    )
    readonly_fields = fields


@admin.register(CoachingSession)
class CoachingSessionAdmin(ObjectRulesAdmin, ReadOnly, AuditedAdmin):
    list_display = ("starts_at", "lead", "agent", "kind", "status", "place")
    list_filter = ("status", "kind")
    list_select_related = ("lead", "agent")
    search_fields = ("agent__username", "agent__last_name", "lead__username", "place")
    date_hierarchy = "starts_at"
    inlines = [AgendaInline, ActionItemInline, ChangeInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ObjectRulesAdmin, ReadOnly, admin.ModelAdmin):
    visible_through = "session"  # read with its coachingsession
    visible_parent = CoachingSession
    list_display = ("session", "kind", "criterion_title", "text")
    list_select_related = ("session__agent",)


@admin.register(ActionItem)
class ActionItemAdmin(ObjectRulesAdmin, ReadOnly, AuditedAdmin):
    visible_through = "session"  # read with its coachingsession
    visible_parent = CoachingSession
    list_display = ("description", "owner", "due_on", "done_at", "session")
    list_filter = ("owner",)
    list_select_related = ("session__agent",)


@admin.register(SessionChange)
class SessionChangeAdmin(ObjectRulesAdmin, ReadOnly, admin.ModelAdmin):
    visible_through = "session"  # read with its coachingsession
    visible_parent = CoachingSession
    list_display = ("session", "changed_at", "old_starts_at", "new_starts_at", "changed_by")
    list_select_related = ("session__agent", "changed_by")


@admin.register(SentReminder)
class SentReminderAdmin(ObjectRulesAdmin, ReadOnly, admin.ModelAdmin):
    visible_through = "session"  # read with its coachingsession
    visible_parent = CoachingSession
    list_display = ("key", "recipient", "sent_at")
    list_select_related = ("recipient",)
    search_fields = ("key",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ObjectRulesAdmin, ReadOnly, admin.ModelAdmin):
    list_display = ("user", "created_at", "last_used_at")
    list_select_related = ("user",)

    def has_delete_permission(self, request, obj=None):
        return super(ReadOnly, self).has_delete_permission(request, obj)


# --- Library ------------------------------------------------------------------------------------------------


class ReadOnlyLibraryRecord:
    """Library entries change through coaching.library.services (which keep the search text and decide once):
    the admin shows them; the library's own pages curate them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LibraryEntryCriterionInline(ReadOnlyLibraryRecord, admin.TabularInline):
    model = LibraryEntryCriterion
    extra = 0


class LibraryClipInline(ReadOnlyLibraryRecord, admin.TabularInline):
    model = LibraryClip
    extra = 0
    fields = ["start_seconds", "end_seconds", "note", "internal_only", "created_by"]


@admin.register(LibraryEntry)
class LibraryEntryAdmin(ObjectRulesAdmin, ReadOnlyLibraryRecord, admin.ModelAdmin):
    list_display = ["title", "status", "call_type", "agent", "nominated_at", "play_count", "session_count"]
    list_filter = ["status", "call_type"]
    search_fields = ["title", "call__external_id"]
    list_select_related = ["call_type", "agent"]
    raw_id_fields = ["call", "evaluation", "agent"]
    inlines = [LibraryEntryCriterionInline, LibraryClipInline]


@admin.register(LibraryEntryCriterion)
class LibraryEntryCriterionAdmin(ObjectRulesAdmin, ReadOnlyLibraryRecord, admin.ModelAdmin):
    visible_through = "entry"  # read with its libraryentry
    visible_parent = LibraryEntry
    list_display = ["title", "entry"]
    search_fields = ["title"]
    list_select_related = ["entry"]


@admin.register(LibraryClip)
class LibraryClipAdmin(ObjectRulesAdmin, ReadOnlyLibraryRecord, admin.ModelAdmin):
    visible_through = "entry"  # read with its libraryentry
    visible_parent = LibraryEntry
    list_display = ["entry", "start_seconds", "end_seconds", "internal_only"]
    list_filter = ["internal_only"]
    list_select_related = ["entry"]


@admin.register(LibraryTag)
class LibraryTagAdmin(ObjectRulesAdmin, ReadOnlyLibraryRecord, admin.ModelAdmin):
    """Read-only, and kept: the entries' search text holds their tags' names."""

    list_display = ["name"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False
