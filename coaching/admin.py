"""Admin for every coaching model."""

from django.contrib import admin

from coaching.models import LibraryClip, LibraryEntry, LibraryEntryCriterion, LibraryTag

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
class LibraryEntryAdmin(ReadOnlyLibraryRecord, admin.ModelAdmin):
    list_display = ["title", "status", "call_type", "agent", "nominated_at", "play_count", "session_count"]
    list_filter = ["status", "call_type"]
    search_fields = ["title", "call__external_id"]
    list_select_related = ["call_type", "agent"]
    raw_id_fields = ["call", "evaluation", "agent"]
    inlines = [LibraryEntryCriterionInline, LibraryClipInline]


@admin.register(LibraryEntryCriterion)
class LibraryEntryCriterionAdmin(ReadOnlyLibraryRecord, admin.ModelAdmin):
    list_display = ["title", "entry"]
    search_fields = ["title"]
    list_select_related = ["entry"]


@admin.register(LibraryClip)
class LibraryClipAdmin(ReadOnlyLibraryRecord, admin.ModelAdmin):
    list_display = ["entry", "start_seconds", "end_seconds", "internal_only"]
    list_filter = ["internal_only"]
    list_select_related = ["entry"]


@admin.register(LibraryTag)
class LibraryTagAdmin(ReadOnlyLibraryRecord, admin.ModelAdmin):
    """Read-only, and kept: the entries' search text holds their tags' names."""

    list_display = ["name"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False
