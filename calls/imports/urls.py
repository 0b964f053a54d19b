from django.urls import path

from calls.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_new, name="new"),
    path("new/surveys/", views.job_new, {"kind": "surveys"}, name="new_surveys"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/mapping/", views.job_mapping, name="mapping"),
    path("<int:pk>/agents/", views.job_agents, name="agents"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("<int:pk>/delete/", views.job_delete, name="delete"),
    path("<int:pk>/refused-rows.csv", views.job_errors_csv, name="errors_csv"),
    path("mappings/", views.mapping_list, name="mappings"),
    path("mappings/<int:pk>/delete/", views.mapping_delete, name="mapping_delete"),
]
