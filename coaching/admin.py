"""Admin for coaching. Sessions change through the services (overlaps refused, people told, history kept), so
the admin shows them; a calendar feed may be deleted here (that revokes it)."""

from django.contrib import admin

from coaching.models import ActionItem, AgendaItem, CalendarFeed, CoachingSession, SentReminder, SessionChange

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
class CoachingSessionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("starts_at", "lead", "agent", "kind", "status", "place")
    list_filter = ("status", "kind")
    list_select_related = ("lead", "agent")
    search_fields = ("agent__username", "agent__last_name", "lead__username", "place")
    date_hierarchy = "starts_at"
    inlines = [AgendaInline, ActionItemInline, ChangeInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("session", "kind", "criterion_title", "text")
    list_select_related = ("session__agent",)


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("description", "owner", "due_on", "done_at", "session")
    list_filter = ("owner",)
    list_select_related = ("session__agent",)


@admin.register(SessionChange)
class SessionChangeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("session", "changed_at", "old_starts_at", "new_starts_at", "changed_by")
    list_select_related = ("session__agent", "changed_by")


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("key", "recipient", "sent_at")
    list_select_related = ("recipient",)
    search_fields = ("key",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("user", "created_at", "last_used_at")
    list_select_related = ("user",)

    def has_delete_permission(self, request, obj=None):
        return super(ReadOnly, self).has_delete_permission(request, obj)
