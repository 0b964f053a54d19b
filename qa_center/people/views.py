"""People's own pages: the notifications list."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import i18n
from django.views.decorators.http import require_http_methods

from qa_center.people.access import get_notification_for
from qa_center.people.models import Notification, User
from qa_center.people.notifications import text as notification_text

NOTIFICATIONS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@login_required
def notifications(request):
    """GET: the user's notifications, newest first. POST: mark one (`notification`) or all of them read; with
    `open`, go on to the notification's page."""
    mine = Notification.objects.filter(recipient=request.user)
    if request.method == "POST":
        now = timezone.now()
        target = None
        if request.POST.get("notification"):
            notification = get_notification_for(request.user, request.POST["notification"])
            mine.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
            if "open" in request.POST and url_has_allowed_host_and_scheme(
                notification.url, {request.get_host()}
            ):
                target = notification.url
        else:
            mine.filter(read_at__isnull=True).update(read_at=now)
        return redirect(target or "feedback:notifications")
    page = Paginator(mine, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for notification in page:
        notification.text = notification_text(notification)  # in the reader's language
    return render(request, "people/notifications.html", {"page": page})


@require_http_methods(["GET", "POST"])
def set_language(request):
    """Django's language switch, which also keeps the choice on the signed-in person: their notifications
    and emails are then written in it."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response
