from django.urls import path

from calls.ingest.tokens import views as token_views

app_name = "tokens"
urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("new/", token_views.token_issue, name="issue"),
    path("<int:pk>/revoke/", token_views.token_revoke, name="revoke"),
]
