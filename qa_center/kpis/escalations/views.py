"""The escalation matrix (read by everyone signed in, changed by QA managers), the escalation insight of a
period and the overdue follow-ups (QA managers: the center; team leads: their teams), each list with its CSV.
Thin: access from qa_center.kpis.access, figures from selectors, changes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qa_center import csv_cells
from qa_center.kpis.access import escalation_team_ids_for, require_matrix_editor
from qa_center.kpis.dashboards.periods import PeriodForm
from qa_center.kpis.escalations import selectors, services
from qa_center.kpis.escalations.forms import EscalationListForm, LevelForm, RuleForm
from qa_center.kpis.models import EscalationLevel, EscalationRule
from qa_center.people import roles
from qa_center.people.models import Team

OVERDUE_SHOWN = 100
# A table's rows on the page, the most escalated calls first (its CSV has every row): a center's 500 agents are
# a list to export, not to read, and drawing them was most of the page's time at volume.
TABLE_SHOWN = 25


def _csv(name: str) -> tuple[HttpResponse, csv_cells.SafeWriter]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response, csv_cells.writer(response)


# --- The matrix ----------------------------------------------------------------------------------------------


@require_safe
@login_required
def matrix(request):
    context = {
        "levels": list(selectors.levels()),
        "rules": list(selectors.rules()),
        "may_edit": roles.is_manager(request.user),
    }
    return render(request, "kpis/escalations/matrix.html", context)


@require_safe
@login_required
def matrix_export(request):
    response, writer = _csv("escalation-matrix.csv")
    writer.writerow(
        [_("Escalation type"), _("Reason"), _("Goes to"), _("Kind"), _("Follow-up within (hours)"), _("When")]
    )
    for rule in selectors.rules():
        writer.writerow(
            [
                rule.get_type_display(),
                rule.reason or _("Any reason"),
                rule.handler.name,
                rule.handler.get_kind_display(),
                rule.followup_hours,
                rule.guidance,
            ]
        )
    return response


def _edit(request, form_class, instance, save, *, title: str, template="kpis/escalations/edit.html"):
    require_matrix_editor(request.user)
    if request.method == "POST":
        form = form_class(request.POST, instance=instance)
        if form.is_valid():
            save(form.save(commit=False))
            messages.success(request, _("The escalation matrix is saved."))
            return redirect("escalations:matrix")
        status = 400
    else:
        form = form_class(instance=instance)
        status = 200
    context = {"form": form, "title": title, "instance": instance}
    return render(request, template, context, status=status)


def _level(request, pk):
    require_matrix_editor(request.user)
    return get_object_or_404(EscalationLevel, pk=pk)


def _rule(request, pk):
    require_matrix_editor(request.user)
    return get_object_or_404(EscalationRule.objects.select_related("handler"), pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def level_create(request):
    return _edit(
        request,
        LevelForm,
        EscalationLevel(),
        lambda level: services.save_level(level=level),
        title=_("New level or department"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def level_edit(request, pk):
    level = _level(request, pk)
    return _edit(request, LevelForm, level, lambda level: services.save_level(level=level), title=str(level))


@require_POST
@login_required
def level_delete(request, pk):
    level = _level(request, pk)
    if services.delete_level(level=level):
        messages.success(request, _("%(level)s is deleted.") % {"level": level})
    else:
        messages.error(
            request,
            _("Rules of the matrix send escalations to %(level)s: change them first.") % {"level": level},
        )
    return redirect("escalations:matrix")


@require_http_methods(["GET", "POST"])
@login_required
def rule_create(request):
    return _edit(
        request,
        RuleForm,
        EscalationRule(),
        lambda rule: services.save_rule(rule=rule, by=request.user),
        title=_("New rule"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request, pk):
    rule = _rule(request, pk)
    return _edit(
        request,
        RuleForm,
        rule,
        lambda rule: services.save_rule(rule=rule, by=request.user),
        title=_("Rule: %(type)s, %(reason)s")
        % {"type": rule.get_type_display(), "reason": rule.reason or _("any reason")},
    )


@require_POST
@login_required
def rule_delete(request, pk):
    services.delete_rule(rule=_rule(request, pk))
    messages.success(request, _("The rule is deleted."))
    return redirect("escalations:matrix")


# --- Insight -------------------------------------------------------------------------------------------------

TABLE_TITLES = {
    "type": gettext_lazy("By escalation type"),
    "reason": gettext_lazy("By reason"),
    "agent": gettext_lazy("By agent"),
    "team": gettext_lazy("By team"),
    "call_type": gettext_lazy("By call type"),
    "topic": gettext_lazy("By topic"),
}
FIGURE_TITLES = {
    "not_as_matrix": gettext_lazy("Not handled as the matrix says"),
    "not_in_matrix": gettext_lazy("Not in the matrix"),
    "late": gettext_lazy("Follow-up late"),
    "overdue": gettext_lazy("Follow-up missing (overdue)"),
    "repeats": gettext_lazy("Repeat escalations"),
}
LIST_SHOWN = 100


def _insight_or_errors(request):
    team_ids = escalation_team_ids_for(request.user)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    span = form.cleaned_data["choice"].current
    return form, selectors.insight(team_ids=team_ids, first=span.first, last=span.last, now=timezone.now())


@require_safe
@login_required
def insight(request):
    form, figures = _insight_or_errors(request)
    tables = []
    if figures is not None:
        tables = [
            (table, str(TABLE_TITLES[table]), figures.tables[table][:TABLE_SHOWN], len(figures.tables[table]))
            for table in selectors.DIMENSIONS
        ]
    context = {"form": form, "insight": figures, "tables": tables, "query": request.GET.urlencode()}
    return render(request, "kpis/escalations/insight.html", context, status=200 if figures else 400)


def _share(value):
    return None if value is None else round(value, 1)


@require_safe
@login_required
def insight_export(request, table):
    escalation_team_ids_for(request.user)  # 403 before 404: an unknown table tells an agent nothing
    if table not in selectors.DIMENSIONS:
        raise Http404
    form, figures = _insight_or_errors(request)
    if figures is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    response, writer = _csv(f"escalations-{table}-{figures.first}-{figures.last}.csv")
    writer.writerow(
        [
            TABLE_TITLES[table],
            _("Escalated calls"),
            _("Answered calls"),
            _("Escalation rate (%)"),
            _("Escalations"),
            _("In the matrix"),
            _("As the matrix says"),
            _("As the matrix says (%)"),
            _("Not in the matrix"),
            _("Follow-ups due"),
            _("On time"),
            _("Late"),
            _("Overdue"),
            _("On time (%)"),
            _("Pending"),
            _("Repeat escalations"),
            _("Repeat escalations (%)"),
        ]
    )
    for row in figures.tables[table]:
        f = row.figures
        writer.writerow(
            [
                row.label,
                f.escalated_calls,
                f.answered_calls,
                _share(f.rate),
                f.escalations,
                f.in_matrix,
                f.as_matrix,
                _share(f.matrix_share),
                f.not_in_matrix,
                f.followups_due,
                f.on_time,
                f.late,
                f.overdue,
                _share(f.on_time_share),
                f.pending,
                f.repeats,
                _share(f.repeat_share),
            ]
        )
    return response


# --- The escalations behind a figure ------------------------------------------------------------------------


def _listed_or_errors(request):
    """(form, team_ids, escalations or None). 403 for a role without escalation figures; 404 for a team lead
    asking for another team's row."""
    team_ids = escalation_team_ids_for(request.user)
    form = EscalationListForm(request.GET, figures=selectors.FIGURES, tables=selectors.DIMENSIONS)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    if data["table"] == "team" and team_ids is not None and data["key"] not in team_ids:
        raise Http404
    if data["table"] == "team" and team_ids is None and not Team.objects.filter(pk=data["key"]).exists():
        raise Http404
    escalations = selectors.escalation_list(
        team_ids=team_ids,
        first=data["first"],
        last=data["last"],
        now=timezone.now(),
        figure=data["figure"],
        table=data["table"],
        key=data["key"] if data["table"] else None,
    )
    return form, escalations


@require_safe
@login_required
def escalation_list(request):
    form, escalations = _listed_or_errors(request)
    rows = [] if escalations is None else list(escalations[: LIST_SHOWN + 1])
    context = {
        "form": form,
        "figure_title": FIGURE_TITLES.get(form.cleaned_data.get("figure", ""))
        if escalations is not None
        else "",
        "table_title": TABLE_TITLES.get(form.cleaned_data.get("table", ""))
        if escalations is not None
        else "",
        "escalations": rows[:LIST_SHOWN],
        "more": len(rows) > LIST_SHOWN,
        "shown": LIST_SHOWN,
        "query": request.GET.urlencode(),
    }
    return render(
        request, "kpis/escalations/list.html", context, status=200 if escalations is not None else 400
    )


@require_safe
@login_required
def escalation_list_export(request):
    form, escalations = _listed_or_errors(request)
    if escalations is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    response, writer = _csv(f"escalations-{data['figure']}-{data['first']}-{data['last']}.csv")
    _write_escalations(writer, escalations)
    return response


# --- Overdue follow-ups --------------------------------------------------------------------------------------


@require_safe
@login_required
def overdue(request):
    team_ids = escalation_team_ids_for(request.user)
    escalations = selectors.overdue_followups(team_ids=team_ids, now=timezone.now())
    rows = list(escalations[: OVERDUE_SHOWN + 1])
    context = {"escalations": rows[:OVERDUE_SHOWN], "more": len(rows) > OVERDUE_SHOWN, "shown": OVERDUE_SHOWN}
    return render(request, "kpis/escalations/overdue.html", context)


@require_safe
@login_required
def overdue_export(request):
    team_ids = escalation_team_ids_for(request.user)
    response, writer = _csv("overdue-follow-ups.csv")
    _write_escalations(writer, selectors.overdue_followups(team_ids=team_ids, now=timezone.now()))
    return response


def _write_escalations(writer, escalations) -> None:
    """The escalations (checked: with their follow-up deadline) as CSV rows, with their calls."""
    writer.writerow(
        [
            _("Call"),
            _("Case / ticket id"),
            _("Agent"),
            _("Team"),
            _("Escalation type"),
            _("Reason"),
            _("To level or department"),
            _("Escalated at"),
            _("Follow-up due"),
            _("Follow-up done"),
        ]
    )
    zone = timezone.get_current_timezone()

    def moment(value):
        return value.astimezone(zone).isoformat(timespec="minutes") if value else ""

    for escalation in escalations.iterator(2000):
        call = escalation.call
        writer.writerow(
            [
                call.external_id,
                call.case_id,
                str(call.agent) if call.agent else "",
                str(call.team) if call.team else "",
                escalation.get_type_display(),
                escalation.reason,
                escalation.to_level,
                moment(escalation.escalated_at),
                moment(escalation.followup_deadline),
                moment(escalation.followup_done_at),
            ]
        )
