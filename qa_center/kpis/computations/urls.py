from django.urls import path

from qa_center.kpis.computations import views

app_name = "kpis"
urlpatterns = [
    path("computations/", views.computations, name="computations"),
    path("computations/recompute/", views.recompute, name="recompute"),
]
