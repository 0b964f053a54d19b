"""Dispute pages: the agent acknowledges or disputes an evaluation, the QA managers list and resolve disputes,
and anyone who may read an evaluation reads its change history. Routed under the "feedback" namespace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from scorecards.access import get_dispute_for, get_evaluation_for, require_qa_manager
from scorecards.disputes import services as disputes
from scorecards.disputes.forms import DisputeForm, PreviewForm, ResolveDisputeForm
from scorecards.evaluations.selectors import recording_notes
from scorecards.feedback import selectors as feedback
from scorecards.models import Answer


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


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
        **_evidence(evaluation),
    }
    return render(request, "scorecards/disputes/dispute.html", context)


@require_safe
@login_required
def evaluation_history(request, pk):
    evaluation = get_evaluation_for(request.user, pk)
    context = {"evaluation": evaluation, "rows": feedback.evaluation_history(evaluation=evaluation)}
    return render(request, "scorecards/disputes/history.html", context)


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
    return render(request, "scorecards/disputes/disputes.html", context)


def _evidence(evaluation) -> dict:
    """What the agent disputes and the manager judges against: the call's recording and transcript, and the
    reviewer's notes on moments of the recording (read-only on both pages)."""
    return {"call": evaluation.call, "notes": recording_notes(evaluation)}


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
    refusal = disputes.resolve_refusal(dispute=dispute, user=request.user) if is_open else None
    can_resolve = is_open and refusal is None
    if request.method == "POST" and "preview" in request.POST:
        return _resolve_preview(request, dispute, answers, is_open=is_open, refusal=refusal)

    form = ResolveDisputeForm(request.POST if request.method == "POST" else None, answers=answers)
    if request.method == "POST":
        if not is_open:
            form.add_error(None, _("This dispute has already been resolved."))
        elif refusal:
            form.add_error(None, refusal)
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
        "can_resolve": can_resolve,
        "refusal": refusal,
        **_evidence(dispute.evaluation),
    }
    return render(request, "scorecards/disputes/resolve.html", context)


def _resolve_preview(request, dispute, answers: list[Answer], *, is_open: bool, refusal: str | None):
    preview = error = None
    form = PreviewForm(request.POST, answers=answers)
    if not is_open:
        error = _("This dispute has already been resolved.")
    elif refusal:
        error = refusal
    elif not form.is_valid():
        error = _("Some answers are not valid.")
    else:
        try:
            preview = disputes.preview_resolution(dispute=dispute, adjustments=form.adjustments())
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    context = {"preview": preview, "preview_error": error, "evaluation": dispute.evaluation}
    return render(request, "scorecards/disputes/_resolve_preview.html", context)
