from django.urls import path

from scorecards.reporting import views

app_name = "qa_reports"
urlpatterns = [
    path("", views.report, name="report"),
    path("<slug:table>.csv", views.export, name="export"),
]
