from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from qa_center.home import views as home_views
from qa_center.people import views as people_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", people_views.set_language, name="set_language"),
    path("calls/", include("calls.pages.urls")),
    path("call-types/", include("calls.call_types.urls")),
    path("imports/", include("calls.imports.urls")),
    path("api-tokens/", include("calls.ingest.tokens.urls")),
    path("api/", include("calls.ingest.urls")),
    path("scorecards/", include("scorecards.builder.urls")),
    path("queue/", include("scorecards.sampling.urls")),
    path("evaluations/", include("scorecards.evaluations.urls")),
    path("feedback/", include("scorecards.feedback.urls")),
    path("calibration/", include("scorecards.calibration.urls")),
    path("reports/", include("scorecards.reporting.urls")),
    path("coaching/", include("coaching.sessions.urls")),
    path("library/", include("coaching.library.urls")),
    path("kpis/", include("qa_center.kpis.computations.urls")),
    path("kpis/", include("qa_center.kpis.dashboards.urls")),
    path("kpis/", include("qa_center.kpis.targets.urls")),
    path("kpis/", include("qa_center.kpis.today.urls")),
    path("kpis/", include("qa_center.kpis.escalations.urls")),
    path("kpis/", include("qa_center.kpis.insight.urls")),
    path("audit/", include("qa_center.audit.urls")),
    path("kpis/", include("qa_center.kpis.improvements.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "QA Center"
admin.site.site_title = "QA Center"
