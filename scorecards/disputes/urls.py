"""The dispute pages' routes. No app_name: included by feedback.urls, the names stay in "feedback"."""

from django.urls import path

from scorecards.disputes import views

urlpatterns = [
    path("evaluations/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("evaluations/<int:pk>/dispute/", views.open_dispute, name="dispute"),
    path("evaluations/<int:pk>/history/", views.evaluation_history, name="history"),
    path("disputes/", views.dispute_list, name="disputes"),
    path("disputes/<int:pk>/", views.resolve_dispute, name="resolve"),
]
