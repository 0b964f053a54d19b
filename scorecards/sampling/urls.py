from django.urls import path

from scorecards.sampling import views as queue_views

app_name = "queue"
urlpatterns = [
    path("", queue_views.my_queue, name="mine"),
    path("sampling/", queue_views.manage, name="manage"),
    path("sampling/run/", queue_views.run_now, name="run"),
    path("sampling/runs/<int:pk>/", queue_views.run_detail, name="run-detail"),
    path("sampling/assign/", queue_views.assign, name="assign"),
    path("sampling/rules/new/", queue_views.rule_create, name="rule-create"),
    path("sampling/rules/<int:pk>/edit/", queue_views.rule_edit, name="rule-edit"),
    path("sampling/rules/<int:pk>/deactivate/", queue_views.rule_deactivate, name="rule-deactivate"),
    path("assignments/<int:pk>/reassign/", queue_views.reassign, name="reassign"),
    path("assignments/<int:pk>/cancel/", queue_views.cancel, name="cancel"),
]
