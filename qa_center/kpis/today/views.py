"""The "today" view: the board of today's calls so far, and its fragment, which the page polls with htmx every
settings.QA_TODAY_REFRESH_SECONDS (no page reload). QA managers see the center and every team; team leads
their own teams; for other roles it is 403 (qa_center.kpis.access.today_teams_for)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from qa_center.kpis.access import today_teams_for
from qa_center.kpis.today.selectors import today_board
from qa_center.people import roles


def _context(request):
    teams = today_teams_for(request.user)
    board = today_board(teams=teams, center=roles.is_manager(request.user), now=timezone.now())
    return {"board": board, "refresh_seconds": settings.QA_TODAY_REFRESH_SECONDS}


@require_safe
@login_required
def today(request):
    return render(request, "kpis/today/today.html", _context(request))


@require_safe
@login_required
def figures(request):
    return render(request, "kpis/today/_figures.html", _context(request))
