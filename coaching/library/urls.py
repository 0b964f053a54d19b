from django.urls import path

from coaching.library import views

app_name = "library"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("review/", views.review, name="review"),
    path("nominate/<int:call_pk>/", views.nominate, name="nominate"),
    path("evaluations/<int:pk>/", views.evaluation_panel, name="evaluation_panel"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/recording/", views.recording, name="recording"),
    path("<int:pk>/played/", views.played, name="played"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/clips/", views.clip_add, name="clip_add"),
    path("<int:pk>/clips/<int:clip_pk>/delete/", views.clip_delete, name="clip_delete"),
    path("<int:pk>/anonymity/request/", views.request_anonymity, name="request_anonymity"),
    path("<int:pk>/anonymity/grant/", views.grant_anonymity, name="grant_anonymity"),
]
