"""Improvement actions (issue 11): the list (and its CSV), an action's page with its figure before and after the
change, the QA managers' form, and done / cancel for a manager or the action's owner. Thin: the objects from
qa_center.kpis.access, the figures from selectors, the writes from services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qa_center import csv_cells
from qa_center.kpis import access
from qa_center.kpis.improvements import selectors, services
from qa_center.kpis.improvements.forms import ImprovementActionForm, ListFilterForm
from qa_center.people import roles


def _listing(request):
    visible = access.improvement_actions_for(request.user)
    form = ListFilterForm(request.GET)
    rows = list(selectors.actions(visible, form.filters()))
    labels = selectors.scope_labels(rows)
    today = timezone.localdate()
    for row in rows:
        row.scope_label = labels.get((row.scope_kind, row.scope_id), _("(deleted)"))
        row.overdue = selectors.is_overdue(row, today)
    return form, rows


@require_safe
@login_required
def index(request):
    form, rows = _listing(request)
    context = {
        "form": form,
        "actions": rows,
        "may_open": roles.is_manager(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "kpis/improvements/index.html", context)


@require_safe
@login_required
def export(request):
    form, rows = _listing(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "improvement-actions.csv")
    writer = csv_cells.writer(response)
    writer.writerow(
        [
            _("Title"),
            _("Status"),
            _("Overdue"),
            _("Owner"),
            _("Due date"),
            _("KPI"),
            _("Scope"),
            _("Criterion"),
            _("Target"),
            _("Change starts on"),
            _("Days compared"),
            _("Closed at"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.title,
                row.get_status_display(),
                _("yes") if row.overdue else "",
                str(row.owner),
                row.due_on.isoformat(),
                row.get_kpi_display(),
                row.scope_label,
                row.criterion.title if row.criterion else "",
                "" if row.target is None else row.target,
                row.starts_on.isoformat(),
                row.window_days,
                row.done_at.isoformat() if row.done_at else "",
            ]
        )
    return response


@require_safe
@login_required
def detail(request, pk):
    action = access.get_improvement_action_for(request.user, pk)
    context = {
        "action": action,
        "effect": selectors.effect(action),
        "scope_label": selectors.scope_label(action.scope_kind, action.scope_id),
        "overdue": selectors.is_overdue(action),
        "may_edit": roles.is_manager(request.user),
        "may_close": access.may_close_improvement_action(request.user, action),
    }
    return render(request, "kpis/improvements/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def new(request):
    access.require_improvement_manager(request.user)
    if request.method == "POST":
        form = ImprovementActionForm(request.POST)
        if form.is_valid():
            try:
                action = services.open_action(by=request.user, **form.values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Improvement action opened."))
                return redirect("improvements:detail", pk=action.pk)
        return render(request, "kpis/improvements/form.html", {"form": form, "action": None}, status=400)
    form = ImprovementActionForm(initial=ImprovementActionForm.initial_from(request.GET))
    return render(request, "kpis/improvements/form.html", {"form": form, "action": None})


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, pk):
    action = access.get_improvement_action_for(request.user, pk)
    access.require_improvement_manager(request.user)
    if request.method == "POST":
        form = ImprovementActionForm(request.POST)
        if form.is_valid():
            try:
                services.update_action(action=action, **form.values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Improvement action saved."))
                return redirect("improvements:detail", pk=action.pk)
        return render(request, "kpis/improvements/form.html", {"form": form, "action": action}, status=400)
    form = ImprovementActionForm(initial=ImprovementActionForm.initial_of(action))
    return render(request, "kpis/improvements/form.html", {"form": form, "action": action})


def _close(request, pk, close, done_message):
    action = access.get_improvement_action_for(request.user, pk)
    access.require_close_improvement_action(request.user, action)
    try:
        close(action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message)
    return redirect("improvements:detail", pk=action.pk)


@require_POST
@login_required
def done(request, pk):
    return _close(request, pk, services.mark_done, _("Marked done."))


@require_POST
@login_required
def cancel(request, pk):
    return _close(request, pk, services.cancel_action, _("Action cancelled."))
