"""Feedback pages: the agent's "My feedback", the team lead's view, acknowledging and disputing an evaluation,
the QA managers' dispute list and resolution, an evaluation's change history, and the notifications list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qa_center.people.models import Notification
from scorecards.access import get_dispute_for, get_evaluation_for, require_qa_manager
from scorecards.disputes import services as disputes
from scorecards.disputes.forms import DisputeForm, PreviewForm, ResolveDisputeForm
from scorecards.feedback import selectors as feedback
from scorecards.models import Answer, Evaluation

EVALUATIONS_PER_PAGE = 25
NOTIFICATIONS_PER_PAGE = 50


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _evaluation_rows(page, *, viewer) -> list[dict]:
    """Each listed evaluation with what its agent may still do with it (no query: the page is loaded)."""
    now = timezone.now()
    rows = []
    for evaluation in page:
        own = evaluation.agent_id == viewer.pk
        rows.append(
            {
                "evaluation": evaluation,
                "can_acknowledge": own and evaluation.status == Evaluation.Status.SUBMITTED,
                "can_dispute": own and disputes.dispute_refusal(evaluation=evaluation, now=now) is None,
                "dispute_deadline": disputes.dispute_deadline(evaluation),
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
    if not request.user.is_team_lead:
        raise PermissionDenied
    agent = get_object_or_404(feedback.team_agents(lead=request.user), pk=agent_pk)
    return _feedback_page(
        request,
        feedback.my_feedback(agent=agent, lead=request.user),
        template="scorecards/feedback/mine.html",
    )


@require_POST
@login_required
def acknowledge(request, pk):
    evaluation = get_evaluation_for(request.user, pk)
    try:
        disputes.acknowledge(evaluation=evaluation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Evaluation acknowledged. Thank you."))
    return redirect(_safe_next(request, default=reverse("feedback:mine")))


@require_http_methods(["GET", "POST"])
@login_required
def open_dispute(request, pk):
    evaluation = get_evaluation_for(request.user, pk)
    disputes.require_evaluated_agent(request.user, evaluation)
    answers = list(
        Answer.objects.filter(evaluation=evaluation)
        .select_related("criterion", "criterion__section", "option")
        .order_by(
            "criterion__section__position", "criterion__section_id", "criterion__position", "criterion_id"
        )
    )
    refusal = disputes.dispute_refusal(evaluation=evaluation)
    form = DisputeForm(request.POST if request.method == "POST" else None, answers=answers)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            disputes.open_dispute(evaluation=evaluation, by=request.user, items=form.items)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your dispute was sent to the QA managers. You will be notified when it is resolved."),
            )
            return redirect("feedback:mine")
    rows = []
    for answer in answers:
        checkbox, reason = form.fields_of(answer)
        rows.append(
            {"answer": answer, "label": feedback.describe_answer(answer), "check": checkbox, "reason": reason}
        )
    context = {
        "evaluation": evaluation,
        "form": form,
        "rows": rows,
        "refusal": refusal,
        "deadline": disputes.dispute_deadline(evaluation),
    }
    return render(request, "scorecards/feedback/dispute.html", context)


@require_safe
@login_required
def evaluation_history(request, pk):
    evaluation = get_evaluation_for(request.user, pk)
    context = {"evaluation": evaluation, "rows": feedback.evaluation_history(evaluation=evaluation)}
    return render(request, "scorecards/feedback/history.html", context)


# --- QA managers -------------------------------------------------------------------------------------------


@require_safe
@login_required
def dispute_list(request):
    require_qa_manager(request.user)
    open_disputes, recent = disputes.disputes_for_managers()
    context = {
        "open_disputes": open_disputes,
        "recent_disputes": recent,
        "days": disputes.RECENT_DISPUTES_DAYS,
    }
    return render(request, "scorecards/feedback/disputes.html", context)


def _disputed_rows(dispute) -> list[dict]:
    return [
        {
            "item": item,
            "answer": answer,
            "criterion": item.criterion,
            "label": feedback.describe_answer(answer),
        }
        for item, answer in disputes.disputed_answers(dispute=dispute)
    ]


@require_http_methods(["GET", "POST"])
@login_required
def resolve_dispute(request, pk):
    """GET: the disputed criteria, the agent's reasons, the current answers and the decision form.
    POST with `preview` (sent by htmx as answers change): only the score the chosen answers would give."""
    dispute = get_dispute_for(request.user, pk)
    rows = _disputed_rows(dispute)
    answers = [row["answer"] for row in rows]
    is_open = dispute.status == dispute.Status.OPEN
    if request.method == "POST" and "preview" in request.POST:
        return _resolve_preview(request, dispute, answers, is_open=is_open)

    form = ResolveDisputeForm(request.POST if request.method == "POST" else None, answers=answers)
    if request.method == "POST":
        if not is_open:
            form.add_error(None, _("This dispute has already been resolved."))
        elif form.is_valid():
            try:
                disputes.resolve_dispute(
                    dispute=dispute,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    adjustments=form.adjustments(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Dispute resolved. The agent and the reviewer have been notified.")
                )
                return redirect("feedback:history", dispute.evaluation_id)
    context = {
        "dispute": dispute,
        "evaluation": dispute.evaluation,
        "rows": [{**row, "field": form.answer_field(row["answer"])} for row in rows],
        "form": form,
        "is_open": is_open,
    }
    return render(request, "scorecards/feedback/resolve.html", context)


def _resolve_preview(request, dispute, answers: list[Answer], *, is_open: bool):
    preview = error = None
    form = PreviewForm(request.POST, answers=answers)
    if not is_open:
        error = _("This dispute has already been resolved.")
    elif not form.is_valid():
        error = _("Some answers are not valid.")
    else:
        try:
            preview = disputes.preview_resolution(dispute=dispute, adjustments=form.adjustments())
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    context = {"preview": preview, "preview_error": error, "evaluation": dispute.evaluation}
    return render(request, "scorecards/feedback/_resolve_preview.html", context)


# --- Notifications -----------------------------------------------------------------------------------------


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
    return render(request, "scorecards/feedback/notifications.html", {"page": page})
