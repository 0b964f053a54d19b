from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from calls.models import Call, Escalation
from qa_center.people.models import Notification

NOTIFICATIONS_PER_PAGE = 50


def _percent(part: int, whole: int) -> float | None:
    """None when the denominator is empty: "no data", never 0 (DESIGN.md)."""
    return round(part * 100 / whole, 1) if whole else None


@require_GET
@login_required
def home(request):
    since = timezone.now() - timedelta(days=7)
    totals = (
        Call.objects.visible_to(request.user)
        .filter(started_at__gte=since)
        .aggregate(
            calls=Count("id"),
            inbound=Count("id", filter=Q(direction=Call.Direction.INBOUND)),
            inbound_answered=Count("id", filter=Q(direction=Call.Direction.INBOUND, answered=True)),
            resolved=Count("id", filter=Q(resolved=True)),
            # Exists, not a join: a call with several escalations must still count once everywhere.
            escalated=Count("id", filter=Q(Exists(Escalation.objects.filter(call=OuterRef("pk"))))),
        )
    )
    context = {
        "totals": totals,
        "answer_rate": _percent(totals["inbound_answered"], totals["inbound"]),
        "led_teams": request.user.led_teams.all() if request.user.is_team_lead else [],
    }
    return render(request, "people/home.html", context)


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
            if not request.POST["notification"].isdigit():
                raise Http404
            notification = get_object_or_404(mine, pk=request.POST["notification"])
            mine.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
            if "open" in request.POST and url_has_allowed_host_and_scheme(
                notification.url, {request.get_host()}
            ):
                target = notification.url
        else:
            mine.filter(read_at__isnull=True).update(read_at=now)
        return redirect(target or "feedback:notifications")
    page = Paginator(mine, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/notifications.html", {"page": page})
