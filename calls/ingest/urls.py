from django.urls import path

from calls.ingest import surveys
from calls.ingest import views as api

app_name = "api"
urlpatterns = [
    path("v1/calls/", api.CallUpsertView.as_view(), name="call-upsert"),
    # Before the external-id routes, so "batch" is never read as an external id.
    path("v1/calls/batch/", api.CallBatchView.as_view(), name="call-batch"),
    path("v1/calls/<str:external_id>/", api.CallDetailView.as_view(), name="call-detail"),
    path("v1/calls/<str:external_id>/recording/", api.CallRecordingView.as_view(), name="call-recording"),
    path("v1/calls/<str:external_id>/survey/", api.CallSurveyView.as_view(), name="call-survey"),
    path(
        "v1/calls/<str:external_id>/escalations/", api.CallEscalationView.as_view(), name="call-escalations"
    ),
    path("v1/cases/<str:case_id>/resolve/", api.CaseResolveView.as_view(), name="case-resolve"),
    # Before the response-id route, so "batch" is never read as a response id.
    path("v1/surveys/batch/", surveys.SurveyBatchView.as_view(), name="survey-batch"),
    path("v1/surveys/<str:external_id>/", surveys.SurveyDetailView.as_view(), name="survey-detail"),
]
