from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from calls import views as call_views

urlpatterns = [
    path("", call_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("calls/", include("calls.urls")),
    path("imports/", include("calls.import_urls")),
    path("api-tokens/", include("calls.token_urls")),
    path("api/", include("calls.api_urls")),
    path("scorecards/", include("scorecards.urls")),
    path("queue/", include("scorecards.queue_urls")),
    path("evaluations/", include("scorecards.evaluation_urls")),
    path("feedback/", include("scorecards.feedback_urls")),
    path("calibration/", include("scorecards.calibration_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "QA Center"
admin.site.site_title = "QA Center"
