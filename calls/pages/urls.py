from django.urls import path

from calls.pages import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/recording/", views.call_recording, name="recording"),
    path("<int:pk>/recording/upload/", views.call_recording_upload, name="recording_upload"),
]
