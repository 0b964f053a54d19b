from django.urls import path

from calls.call_types import views

app_name = "call_types"
urlpatterns = [
    path("", views.call_type_list, name="list"),
    path("new/", views.call_type_create, name="create"),
    path("<int:pk>/edit/", views.call_type_edit, name="edit"),
    path("<int:pk>/active/", views.call_type_active, name="active"),
]
