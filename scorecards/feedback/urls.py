from django.urls import include, path

from qa_center.people import views as people_views
from scorecards.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.my_feedback, name="mine"),
    path("team/", views.team_feedback, name="team"),
    path("team/<int:agent_pk>/", views.team_agent_feedback, name="team_agent"),
    path("", include("scorecards.disputes.urls")),
    # Under /feedback/ and "feedback:" for the links and bookmarks that name it; the view is people's.
    path("notifications/", people_views.notifications, name="notifications"),
]
