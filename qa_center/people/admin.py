from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from qa_center.people.models import Notification, Team, User
from qa_center.people.names import names_changed


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "full_name",
        "team",
        "is_agent",
        "is_reviewer",
        "is_team_lead",
        "is_qa_manager",
    )
    list_filter = ("is_agent", "is_reviewer", "is_team_lead", "is_qa_manager", "team", "is_active")
    list_select_related = ("team",)
    search_fields = ("username", "first_name", "last_name", "email", "agent_code")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"first_name", "last_name", "username"} & set(form.changed_data):
            names_changed([obj.pk])  # the copies other tables sort by (qa_center.people.names)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user):
        return user.get_full_name()

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("QA Center"),
            {"fields": ("is_agent", "is_reviewer", "is_team_lead", "is_qa_manager", "team", "agent_code")},
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead")
    list_select_related = ("lead",)
    search_fields = ("name",)
    autocomplete_fields = ("lead",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "message", "created_at", "read_at")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
