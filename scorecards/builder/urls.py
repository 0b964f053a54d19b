from django.urls import path

from scorecards.builder import views

app_name = "scorecards"
urlpatterns = [
    path("", views.scorecard_list, name="list"),
    path("new/", views.scorecard_create, name="create"),
    path("<int:pk>/", views.scorecard_detail, name="detail"),
    path("<int:pk>/new-draft/", views.new_draft, name="new_draft"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/edit/", views.version_edit, name="edit"),
    path("versions/<int:pk>/try/", views.version_try, name="try"),
    path("versions/<int:pk>/settings/", views.version_settings, name="version_settings"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("versions/<int:pk>/discard/", views.version_discard, name="discard"),
    path("versions/<int:pk>/sections/", views.section_add, name="section_add"),
    path("sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/criteria/new/", views.criterion_add, name="criterion_add"),
    path("criteria/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("criteria/<int:pk>/move/", views.criterion_move, name="criterion_move"),
    path("criteria/<int:pk>/comments/", views.criterion_comments, name="criterion_comments"),
]
