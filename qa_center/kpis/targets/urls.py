from django.urls import path

from qa_center.kpis.targets import views

app_name = "kpi_targets"
urlpatterns = [
    path("targets/", views.targets, name="targets"),
    path("targets/team/<int:pk>/", views.team_targets, name="team"),
    path("targets/call-type/<int:pk>/", views.call_type_targets, name="call_type"),
]
