from django.urls import path

from scorecards.calibration import views as calibration_views

app_name = "calibration"
urlpatterns = [
    path("", calibration_views.session_list, name="list"),
    path("new/", calibration_views.create, name="create"),
    path("<int:pk>/", calibration_views.detail, name="detail"),
    path("<int:pk>/score/", calibration_views.score, name="score"),
    path("<int:pk>/close/", calibration_views.close, name="close"),
    path("<int:pk>/results/", calibration_views.results, name="results"),
]
