from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from calls.models import Call, Escalation
from qa_center.rates import rate


def _percent(part: int, whole: int) -> float | None:
    """None when the denominator is empty: "no data", never 0 (DESIGN.md)."""
    return None if (value := rate(part, whole)) is None else round(value, 1)


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
