app_name = "queue"
urlpatterns: list = []
