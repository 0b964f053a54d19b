from django.urls import path

from qa_center.kpis.improvements import views

app_name = "improvements"
urlpatterns = [
    path("improvements/", views.index, name="index"),
    path("improvements/export.csv", views.export, name="export"),
    path("improvements/new/", views.new, name="new"),
    path("improvements/<int:pk>/", views.detail, name="detail"),
    path("improvements/<int:pk>/edit/", views.edit, name="edit"),
    path("improvements/<int:pk>/done/", views.done, name="done"),
    path("improvements/<int:pk>/cancel/", views.cancel, name="cancel"),
]
