from django.urls import path

from coaching.sessions import views

app_name = "coaching"
urlpatterns = [
    path("", views.index, name="index"),
    path("week/", views.week, name="week"),
    path("schedule/", views.schedule, name="schedule"),
    path("sessions/<int:pk>/", views.detail, name="detail"),
    path("sessions/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("sessions/<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("sessions/<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("sessions/<int:pk>/notes/", views.notes, name="notes"),
    path("sessions/<int:pk>/action-items/", views.action_add, name="action_add"),
    path("action-items/<int:item_pk>/done/", views.action_done, name="action_done"),
    path("sessions/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/complete/", views.complete, name="complete"),
    path("sessions/<int:pk>/no-show/", views.no_show, name="no_show"),
    path("sessions/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("sessions/<int:pk>/session.ics", views.ics, name="ics"),
    path("calendar/", views.calendar_feed, name="calendar_feed"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
