"""Feedback pages: the agent's "My feedback" and the team lead's view (the dispute pages are disputes.views)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from scorecards.access import get_team_agent_for
from scorecards.evaluations.actions import evaluation_actions
from scorecards.feedback import selectors as feedback

EVALUATIONS_PER_PAGE = 25


def _evaluation_rows(page, *, viewer) -> list[dict]:
    """Each listed evaluation with what its agent may still do with it (no query: the page is loaded)."""
    now = timezone.now()
    rows = []
    for evaluation in page:
        actions = evaluation_actions(viewer, evaluation, now=now)
        rows.append(
            {
                "evaluation": evaluation,
                "can_acknowledge": actions.can_acknowledge,
                "can_dispute": actions.can_dispute,
                "dispute_deadline": actions.dispute_deadline,
            }
        )
    return rows


def _feedback_page(request, data: feedback.Feedback, *, template: str):
    page = Paginator(data.evaluations, EVALUATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "feedback": data,
        "subject": data.agent,
        "page": page,
        "rows": _evaluation_rows(page, viewer=request.user),
        "chart_data": data.chart_data(),
    }
    return render(request, template, context)


# --- Agents and team leads ---------------------------------------------------------------------------------


@require_safe
@login_required
def my_feedback(request):
    if not request.user.is_agent:
        raise PermissionDenied
    return _feedback_page(
        request, feedback.my_feedback(agent=request.user), template="scorecards/feedback/mine.html"
    )


@require_safe
@login_required
def team_feedback(request):
    if not request.user.is_team_lead:
        raise PermissionDenied
    data = feedback.team_feedback(lead=request.user)
    context = {"feedback": data, "chart_data": data.chart_data()}
    return render(request, "scorecards/feedback/team.html", context)


@require_safe
@login_required
def team_agent_feedback(request, agent_pk):
    """A team lead drills into one of their agents: the same numbers the agent sees."""
    agent = get_team_agent_for(request.user, agent_pk)
    return _feedback_page(
        request,
        feedback.my_feedback(agent=agent, lead=request.user),
        template="scorecards/feedback/mine.html",
    )
