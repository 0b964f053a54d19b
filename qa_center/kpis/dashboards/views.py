"""The KPI dashboards of the center, a team, an agent and a call type (qa_center.kpis.access says who sees
which), and the CSV of each of their tables and charts. Thin: the period from the GET parameters, the figures
from selectors, the objects from access."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from calls.models import CallType
from qa_center import csv_cells
from qa_center.kpis import access
from qa_center.kpis.dashboards import selectors
from qa_center.kpis.dashboards.periods import PeriodForm
from qa_center.kpis.models import CENTER_ID, PeriodKind, ScopeKind
from qa_center.people import roles


def _point_label(by: str, start) -> str:
    if by == PeriodKind.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if by == PeriodKind.WEEK:
        return _("Week of %(day)s") % {"day": date_format(start, "SHORT_DATE_FORMAT")}
    return date_format(start, "SHORT_DATE_FORMAT")


def chart_data(board: selectors.Dashboard) -> dict:
    """The trend charts' data (json_script): labels, and per KPI its values, the year-earlier values, the
    counts behind each point, the target and the benchmark."""
    by = board.choice.by
    charts = {}
    for kpi in board.trend_kpis:
        tile = board.tiles[kpi.key]
        benchmark = board.benchmarks.get(kpi.key)
        charts[kpi.key] = {
            "label": str(kpi.label),
            "values": [point.value(kpi) for point in board.points],
            "wholes": [point.counts[kpi.whole] if point.counts else None for point in board.points],
            "year_earlier": [point.year_earlier_value(kpi) for point in board.points],
            "target": tile.target,
            "benchmark": tile.benchmark,
            "benchmark_source": benchmark.source if benchmark else "",
        }
    return {
        "labels": [_point_label(by, point.start) for point in board.points],
        "charts": charts,
        "strings": {
            "value": _("This period"),
            "year_earlier": _("A year earlier"),
            "target": _("Target"),
            "benchmark": _("Benchmark"),
            "of": _("of"),
        },
    }


class Scope:
    def __init__(self, kind: str, pk: int, obj=None, *, title: str, url_name: str):
        self.kind, self.pk, self.obj, self.title, self.url_name = kind, pk, obj, title, url_name

    @property
    def url_kwargs(self):
        return {} if self.kind == ScopeKind.CENTER else {"pk": self.pk}

    @property
    def exports(self) -> dict[str, str]:
        return {
            table: reverse(f"dashboards:{self.url_name}_export", kwargs=self.url_kwargs | {"table": table})
            for table in WRITERS
        }


def _choice_or_errors(request):
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["choice"]
    return form, None


def _render_dashboard(request, scope: Scope, extra=None):
    form, choice = _choice_or_errors(request)
    context = {
        "scope": scope,
        "form": form,
        "query": request.GET.urlencode(),
        # A tile's "Improvement action" link (qa_center.kpis.access: QA managers open them).
        "may_open_improvement": roles.is_manager(request.user),
        **(extra or {}),
    }
    status = 200
    if choice is None:
        status = 400
    else:
        board = selectors.dashboard(scope.kind, scope.pk, choice)
        context |= {"board": board, "chart_data": chart_data(board)}
    template = (
        "kpis/dashboards/_body.html"
        if request.headers.get("HX-Request")
        else "kpis/dashboards/dashboard.html"
    )
    return render(request, template, context, status=status)


def _export(request, scope: Scope, table: str):
    if table not in WRITERS:
        raise Http404
    form, choice = _choice_or_errors(request)
    if choice is None:
        errors = form.errors.as_text()
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    board = selectors.dashboard(scope.kind, scope.pk, choice)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"kpis-{scope.kind}-{scope.pk}-{table}-{choice.current.first}-{choice.current.last}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv_cells.writer(response)
    WRITERS[table](writer, board)
    return response


def _write_tiles(writer, board):
    writer.writerow(
        [
            _("KPI"),
            _("Value"),
            _("Numerator"),
            _("Out of"),
            _("Counted"),
            _("Previous period"),
            _("Change"),
            _("A year earlier"),
            _("Change over a year"),
            _("Target"),
            _("Target status"),
            _("Benchmark"),
        ]
    )
    statuses = {"met": _("Met"), "missed": _("Missed")}
    for tile in board.tiles.values():
        writer.writerow(
            [
                str(tile.kpi.label),
                tile.value,
                tile.part,
                tile.whole,
                str(tile.whole_label),
                tile.previous,
                tile.change,
                tile.year_earlier,
                tile.year_change,
                tile.target,
                statuses.get(tile.status, ""),
                tile.benchmark,
            ]
        )


def _write_trend(writer, board):
    kpis = board.trend_kpis
    header = [_("From"), _("To")]
    for kpi in kpis:
        header += [
            str(kpi.label),
            _("%(kpi)s: out of") % {"kpi": kpi.label},
            _("%(kpi)s: a year earlier") % {"kpi": kpi.label},
        ]
    writer.writerow(header)
    for point in board.points:
        end = selectors.bucket_end(board.choice.by, point.start) - timedelta(days=1)
        row = [point.start.isoformat(), min(end, board.choice.current.last).isoformat()]
        for kpi in kpis:
            row += [
                point.value(kpi),
                point.counts[kpi.whole] if point.counts else None,
                point.year_earlier_value(kpi),
            ]
        writer.writerow(row)


def _write_escalations(writer, board):
    writer.writerow(
        [
            _("By"),
            _("Type or reason"),
            _("Escalated calls"),
            _("Escalation rate"),
            _("Previous period"),
            _("Previous rate"),
        ]
    )
    for row in board.escalations:
        writer.writerow(
            [
                str(row.dimension_label),
                row.value,
                row.escalated,
                row.rate,
                row.previous_escalated,
                row.previous_rate,
            ]
        )


WRITERS = {"tiles": _write_tiles, "trend": _write_trend, "escalations": _write_escalations}


# --- The scopes ----------------------------------------------------------------------------------------------


def _center(request):
    access.require_center_dashboard(request.user)
    return Scope(ScopeKind.CENTER, CENTER_ID, title=_("Center"), url_name="center")


def _team(request, pk):
    team = access.get_team_dashboard_for(request.user, pk)
    return Scope(ScopeKind.TEAM, team.pk, team, title=team.name, url_name="team")


def _agent(request, pk):
    agent = access.get_agent_dashboard_for(request.user, pk)
    return Scope(ScopeKind.AGENT, agent.pk, agent, title=str(agent), url_name="agent")


def _call_type(request, pk):
    call_type = access.get_call_type_dashboard_for(request.user, pk)
    return Scope(ScopeKind.CALL_TYPE, call_type.pk, call_type, title=call_type.name, url_name="call_type")


@require_safe
@login_required
def center(request):
    scope = _center(request)
    links = {
        "teams": list(access.visible_teams(request.user).only("pk", "name")),
        "call_types": list(CallType.objects.only("pk", "name")),
    }
    return _render_dashboard(request, scope, links)


@require_safe
@login_required
def team(request, pk):
    scope = _team(request, pk)
    agents = list(scope.obj.members.filter(is_agent=True).order_by("first_name", "last_name", "username"))
    return _render_dashboard(request, scope, {"agents": agents})


@require_safe
@login_required
def agent(request, pk):
    return _render_dashboard(request, _agent(request, pk))


@require_safe
@login_required
def mine(request):
    """An agent's own dashboard ("My dashboard"): 403 for a person who is not an agent."""
    if not roles.is_agent(request.user):
        raise PermissionDenied
    return _render_dashboard(request, _agent(request, request.user.pk))


@require_safe
@login_required
def call_type(request, pk):
    return _render_dashboard(request, _call_type(request, pk))


@require_safe
@login_required
def center_export(request, table):
    return _export(request, _center(request), table)


@require_safe
@login_required
def team_export(request, pk, table):
    return _export(request, _team(request, pk), table)


@require_safe
@login_required
def agent_export(request, pk, table):
    return _export(request, _agent(request, pk), table)


@require_safe
@login_required
def call_type_export(request, pk, table):
    return _export(request, _call_type(request, pk), table)
