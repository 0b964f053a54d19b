"""The QA reports for QA managers and team leads (issue 10): one page of tables, each exported as CSV."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from qa_center.people import roles
from scorecards.access import get_report_scope_for
from scorecards.reporting.export import TABLES, csv_response
from scorecards.reporting.forms import ReportFilterForm
from scorecards.reporting.selectors import qa_report


def _scope_and_form(request):
    scope = get_report_scope_for(request.user, team_pk=request.GET.get("team"))
    return scope, ReportFilterForm(request.GET, teams=scope.teams)


def _filters(scope, form):
    filters = form.filters()
    return None if filters is None else replace(filters, link_team=scope.link_team)


def _improvement_params(user, filters) -> str:
    """What a criterion row's "Improvement action" link pre-fills (the QA managers open improvement actions,
    qa_center.kpis): the QA score KPI, and the report's team as the scope, else the whole center."""
    if filters is None or not roles.is_manager(user):
        return ""
    if filters.team is not None:
        return urlencode({"kpi": "qa_score", "scope_kind": "team", "scope_id": filters.team.pk})
    return urlencode({"kpi": "qa_score", "scope_kind": "center", "scope_id": 0})


@require_safe
@login_required
def report(request):
    scope, form = _scope_and_form(request)
    filters = _filters(scope, form)
    report = None
    if filters is not None:
        report = qa_report(scope.evaluations, filters, sees_reviewers=scope.sees_reviewers)
    context = {
        "form": form,
        "report": report,
        "improvement_params": _improvement_params(request.user, filters),
        "sees_reviewers": scope.sees_reviewers,
        "query": form.data.urlencode() if filters is not None else "",
    }
    return render(request, "scorecards/reporting/report.html", context)


@require_safe
@login_required
def export(request, table):
    scope, form = _scope_and_form(
        request
    )  # first: a role that may not read reports gets 403, whatever the table
    if table not in TABLES:
        raise Http404
    if table == "reviewers" and not scope.sees_reviewers:
        raise PermissionDenied
    filters = _filters(scope, form)
    if filters is None:
        errors = [f"{name}: {' '.join(messages)}" for name, messages in form.errors.items()]
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    report = qa_report(scope.evaluations, filters, sees_reviewers=scope.sees_reviewers, tables=[table])
    filename = f"qa-{table}-{filters.date_from.isoformat()}-{filters.date_to.isoformat()}.csv"
    return csv_response(report, table, filename=filename)
