from django.urls import path

from qa_center.kpis.escalations import views

app_name = "escalations"
urlpatterns = [
    path("escalation-matrix/", views.matrix, name="matrix"),
    path("escalation-matrix.csv", views.matrix_export, name="matrix_export"),
    path("escalation-matrix/levels/new/", views.level_create, name="level_create"),
    path("escalation-matrix/levels/<int:pk>/", views.level_edit, name="level_edit"),
    path("escalation-matrix/levels/<int:pk>/delete/", views.level_delete, name="level_delete"),
    path("escalation-matrix/rules/new/", views.rule_create, name="rule_create"),
    path("escalation-matrix/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("escalation-matrix/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("escalations/", views.insight, name="insight"),
    path("escalations/export/<slug:table>.csv", views.insight_export, name="insight_export"),
    path("escalations/list/", views.escalation_list, name="list"),
    path("escalations/list.csv", views.escalation_list_export, name="list_export"),
    path("escalations/overdue/", views.overdue, name="overdue"),
    path("escalations/overdue.csv", views.overdue_export, name="overdue_export"),
]
