from django.urls import path

from qa_center.kpis.today import views

app_name = "kpi_today"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/figures/", views.figures, name="figures"),
]
