"""The reviewer's queue, and the QA manager's sampling page: rules, runs, manual assignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from scorecards.access import (
    get_assignment_for,
    get_sampling_rule_for,
    get_sampling_run_for,
    require_qa_manager,
    require_reviewer,
)
from scorecards.sampling import services as sampling
from scorecards.sampling import tasks
from scorecards.sampling.forms import (
    ManualAssignmentForm,
    QueueFilterForm,
    ReassignForm,
    RunSamplingForm,
    SamplingRuleForm,
)

QUEUE_PER_PAGE = 50
OPEN_ASSIGNMENTS_PER_PAGE = 50
RECENT_RUNS = 10


# --- The reviewer's queue -------------------------------------------------------------------------------


@require_safe
@login_required
def my_queue(request):
    require_reviewer(request.user)
    filter_form = QueueFilterForm(request.GET or None, reviewer=request.user)
    filters = filter_form.filters() if request.GET else {}
    page = Paginator(sampling.queue_of(reviewer=request.user, **filters), QUEUE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filter_form": filter_form,
        "is_filtered": any(value for key, value in request.GET.items() if key not in ("page", "order")),
        "drafts": sampling.drafts_of(reviewer=request.user),
        "submitted": sampling.recently_submitted_by(reviewer=request.user),
        "now": timezone.now(),
    }
    return render(request, "scorecards/sampling/mine.html", context)


# --- The sampling page ----------------------------------------------------------------------------------


def _render_manage(request, *, run_form=None, assign_form=None, status=200):
    assignments = Paginator(sampling.open_assignments(), OPEN_ASSIGNMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rules = list(sampling.rules_overview())
    context = {
        "rules": rules,
        "combined": sampling.combined_quotas(rules=rules, today=timezone.localdate()),
        "runs": sampling.recent_runs(limit=RECENT_RUNS),
        "workload": sampling.reviewer_workload(),
        "assignments": assignments,
        "run_form": run_form or RunSamplingForm(),
        "assign_form": assign_form or ManualAssignmentForm(user=request.user),
    }
    return render(request, "scorecards/sampling/manage.html", context, status=status)


def _back_to_manage():
    """A refused run or assignment shows the sampling page at the POST's address; reloading it, or switching
    the language there, asks for that address with GET: the sampling page it came from, not a 405."""
    return redirect("queue:manage")


@require_safe
@login_required
def manage(request):
    require_qa_manager(request.user)
    return _render_manage(request)


@require_http_methods(["GET", "POST"])
@login_required
def run_now(request):
    require_qa_manager(request.user)
    if request.method == "GET":
        return _back_to_manage()
    form = RunSamplingForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, run_form=form, status=400)
    period = form.sampling_period()
    tasks.sample_calls.delay_on_commit(period.kind, period.start.isoformat(), request.user.pk)
    messages.success(
        request,
        _("Sampling of %(label)s (%(start)s – %(end)s) has started; its report appears below when done.")
        % {
            "label": period.seed,
            "start": date_format(period.start, "SHORT_DATE_FORMAT"),
            "end": date_format(period.end, "SHORT_DATE_FORMAT"),
        },
    )
    return redirect("queue:manage")


@require_http_methods(["GET", "POST"])
@login_required
def assign(request):
    require_qa_manager(request.user)
    if request.method == "GET":
        return _back_to_manage()
    form = ManualAssignmentForm(request.POST, user=request.user)
    if form.is_valid():
        call, reviewer = form.cleaned_data["call"], form.cleaned_data["reviewer"]
        try:
            sampling.assign_call(call=call, reviewer=reviewer, assigned_by=request.user, due_at=form.due_at())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Call %(call)s is in %(reviewer)s's queue.") % {"call": call, "reviewer": reviewer}
            )
            return redirect("queue:manage")
    return _render_manage(request, assign_form=form, status=400)


@require_safe
@login_required
def run_detail(request, pk):
    run = get_sampling_run_for(request.user, pk)
    return render(
        request, "scorecards/sampling/run_detail.html", {"run": run, "totals": run.report["totals"]}
    )


# --- Rules ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def rule_create(request):
    require_qa_manager(request.user)
    form = SamplingRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rule = form.save()
        messages.success(request, _("Sampling rule for %(call_type)s saved.") % {"call_type": rule.call_type})
        return redirect("queue:manage")
    return render(request, "scorecards/sampling/rule_form.html", {"form": form, "rule": None})


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request, pk):
    rule = get_sampling_rule_for(request.user, pk)
    form = SamplingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Sampling rule for %(call_type)s saved.") % {"call_type": rule.call_type})
        return redirect("queue:manage")
    return render(request, "scorecards/sampling/rule_form.html", {"form": form, "rule": rule})


@require_POST
@login_required
def rule_deactivate(request, pk):
    rule = get_sampling_rule_for(request.user, pk)
    if sampling.deactivate_rule(rule=rule):
        messages.success(
            request, _("Sampling rule for %(call_type)s deactivated.") % {"call_type": rule.call_type}
        )
    else:
        messages.info(request, _("This rule was already inactive."))
    return redirect("queue:manage")


# --- Open assignments -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def reassign(request, pk):
    assignment = get_assignment_for(request.user, pk, for_change=True)
    form = ReassignForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        try:
            sampling.reassign(assignment=assignment, reviewer=form.cleaned_data["reviewer"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Call %(call)s moved to %(reviewer)s's queue.")
                % {"call": assignment.call, "reviewer": assignment.reviewer},
            )
            return redirect("queue:manage")
    return render(request, "scorecards/sampling/reassign.html", {"assignment": assignment, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def cancel(request, pk):
    assignment = get_assignment_for(request.user, pk, for_change=True)
    error = None
    if request.method == "POST":
        try:
            sampling.cancel_assignment(assignment=assignment)
        except ValidationError as exc:
            error = exc
        else:
            messages.success(request, _("Call %(call)s taken out of the queue.") % {"call": assignment.call})
            return redirect("queue:manage")
    return render(request, "scorecards/sampling/cancel.html", {"assignment": assignment, "error": error})
