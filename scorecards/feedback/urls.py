from django.urls import path

from scorecards.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.my_feedback, name="mine"),
    path("team/", views.team_feedback, name="team"),
    path("team/<int:agent_pk>/", views.team_agent_feedback, name="team_agent"),
    path("evaluations/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("evaluations/<int:pk>/dispute/", views.open_dispute, name="dispute"),
    path("evaluations/<int:pk>/history/", views.evaluation_history, name="history"),
    path("disputes/", views.dispute_list, name="disputes"),
    path("disputes/<int:pk>/", views.resolve_dispute, name="resolve"),
    path("notifications/", views.notifications, name="notifications"),
]
