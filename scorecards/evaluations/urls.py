from django.urls import path

from scorecards.evaluations import views as evaluation_views

app_name = "evaluations"
urlpatterns = [
    path("", evaluation_views.evaluation_list, name="list"),
    path("export.csv", evaluation_views.evaluation_export, name="export"),
    path("assignments/<int:pk>/start/", evaluation_views.start, name="start"),
    path("calls/<int:pk>/start/", evaluation_views.start_call, name="start_call"),
    path("<int:pk>/", evaluation_views.detail, name="detail"),
    path("<int:pk>/edit/", evaluation_views.edit, name="edit"),
    path("<int:pk>/preview/", evaluation_views.preview, name="preview"),
    path("<int:pk>/move-to-published/", evaluation_views.move_to_published, name="move_to_published"),
    path("<int:pk>/notes/", evaluation_views.notes, name="notes"),
    path("<int:pk>/notes/<int:note_pk>/delete/", evaluation_views.note_delete, name="note_delete"),
]
