from django.urls import path

from qa_center.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.changes, name="changes"),
]
