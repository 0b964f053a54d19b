from django.urls import path

from qa_center.kpis.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("dashboard/", views.center, name="center"),
    path("dashboard/export/<slug:table>.csv", views.center_export, name="center_export"),
    path("dashboard/me/", views.mine, name="mine"),
    path("dashboard/teams/<int:pk>/", views.team, name="team"),
    path("dashboard/teams/<int:pk>/export/<slug:table>.csv", views.team_export, name="team_export"),
    path("dashboard/agents/<int:pk>/", views.agent, name="agent"),
    path("dashboard/agents/<int:pk>/export/<slug:table>.csv", views.agent_export, name="agent_export"),
    path("dashboard/call-types/<int:pk>/", views.call_type, name="call_type"),
    path(
        "dashboard/call-types/<int:pk>/export/<slug:table>.csv",
        views.call_type_export,
        name="call_type_export",
    ),
]
