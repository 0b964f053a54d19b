from django.urls import path

from qa_center.kpis.insight import views

app_name = "kpi_insight"
urlpatterns = [
    path("insight/", views.index, name="index"),
    path("insight/nps/", views.nps, name="nps"),
    path("insight/nps/export.csv", views.nps_export, name="nps_export"),
    path("insight/nps/<int:pk>/done/", views.nps_done, name="nps_done"),
    path("insight/nps/<int:pk>/undo/", views.nps_undo, name="nps_undo"),
    path("insight/criteria/", views.criteria, name="criteria"),
    path("insight/criteria/export.csv", views.criteria_export, name="criteria_export"),
    path("insight/aht/", views.aht, name="aht"),
    path("insight/aht/export.csv", views.aht_export, name="aht_export"),
    path("insight/qa-outcomes/", views.qa_outcomes, name="qa_outcomes"),
    path("insight/qa-outcomes/export.csv", views.qa_outcomes_export, name="qa_outcomes_export"),
]
