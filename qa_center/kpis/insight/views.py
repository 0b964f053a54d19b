"""The insight pages (issue 11): thin views over qa_center.kpis.insight.selectors. QA managers see the center
and every team, team leads their own teams (qa_center.kpis.access.insight_scope_for); every list has its CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qa_center import csv_cells
from qa_center.kpis.access import get_follow_up_answer_for, insight_scope_for, visible_teams
from qa_center.kpis.insight import selectors, services
from qa_center.kpis.insight.forms import InsightPeriodForm
from qa_center.kpis.models import SurveyFollowUp
from qa_center.people import roles

FOLLOW_UPS_PER_PAGE = 50
AWAITING, DONE = "awaiting", "done"


def _team_pk(request) -> int | None:
    value = request.GET.get("team") or None
    if value is None:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _page_context(request):
    """(context, span or None): the scope first, so that a refused role gets its 403 before any form error."""
    scope = insight_scope_for(request.user, _team_pk(request))
    form = InsightPeriodForm(request.GET)
    span = form.cleaned_data["span"] if form.is_valid() else None
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "scope": scope,
        "form": form,
        "span": span,
        "teams": visible_teams(request.user).order_by("name"),
        "sees_center": roles.is_manager(request.user),
        "query": params.urlencode(),
    }
    return context, span


def _render(request, template, context, span):
    return render(request, f"kpis/insight/{template}", context, status=200 if span else 400)


def _csv(request, name: str):
    """(response, writer, scope, span), or (a 400 response, None, ...) when the period is not valid."""
    context, span = _page_context(request)
    if span is None:
        errors = context["form"].errors.as_text()
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8"), None, None, None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insight-{name}-{span.first}-{span.last}.csv"'
    return response, csv_cells.writer(response), context["scope"], span


def _rounded(value, digits=1):
    return None if value is None else round(value, digits)


def _name(user) -> str:
    return "" if user is None else user.get_full_name() or user.username


@require_safe
@login_required
def index(request):
    context, span = _page_context(request)
    if span:
        context["shares"] = selectors.followed_up_shares(scope=context["scope"], span=span)
    return _render(request, "index.html", context, span)


# --- NPS follow-up --------------------------------------------------------------------------------------------


def _follow_up_choice(request) -> tuple[str, str]:
    kind = request.GET.get("list")
    kind = kind if kind in SurveyFollowUp.Kind.values else SurveyFollowUp.Kind.CALLBACK
    status = DONE if request.GET.get("status") == DONE else AWAITING
    return kind, status


@require_safe
@login_required
def nps(request):
    context, span = _page_context(request)
    kind, status = _follow_up_choice(request)
    base = request.GET.copy()
    for name in ("page", "list", "status"):
        base.pop(name, None)
    context |= {
        "kind": kind,
        "status": status,
        "kinds": SurveyFollowUp.Kind.choices,
        "statuses": [(AWAITING, _("awaiting")), (DONE, _("done"))],
        "base_query": base.urlencode(),
        "extra_params": [("list", kind), ("status", status)],
    }
    if span:
        scope = context["scope"]
        shares = selectors.followed_up_shares(scope=scope, span=span)
        answers = selectors.follow_up_answers(scope=scope, span=span, kind=kind, done=status == DONE)
        paginator = Paginator(answers, FOLLOW_UPS_PER_PAGE)
        # The list's count is the shares' (the same answers): no second COUNT over the period's answers.
        paginator.count = selectors.follow_up_count(shares, kind=kind, done=status == DONE)
        context["page"] = paginator.get_page(request.GET.get("page"))
        context["shares"] = shares
        context["next"] = request.get_full_path()
    return _render(request, "nps.html", context, span)


@require_safe
@login_required
def nps_export(request):
    response, writer, scope, span = _csv(request, "nps-follow-up")
    if writer is None:
        return response
    kind, status = _follow_up_choice(request)
    answers = selectors.follow_up_answers(scope=scope, span=span, kind=kind, done=status == DONE)
    writer.writerow(
        [
            _("Answered at"),
            _("NPS"),
            _("CSAT"),
            _("Agent"),
            _("Team"),
            _("Case / ticket id"),
            _("Segment"),
            _("Comment"),
            _("Followed up by"),
            _("Followed up at"),
            _("Note"),
        ]
    )
    for answer in answers.iterator(chunk_size=2000):
        call = answer.call
        follow_up = getattr(answer, "follow_up", None)
        writer.writerow(
            [
                answer.responded_at.isoformat(),
                answer.nps,
                answer.csat,
                _name(call.agent) if call else "",
                call.team.name if call and call.team else "",
                answer.case_id,
                answer.segment,
                answer.comment,
                _name(follow_up.done_by) if follow_up else "",
                follow_up.done_at.isoformat() if follow_up else "",
                follow_up.note if follow_up else "",
            ]
        )
    return response


def _back(request):
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(reverse("kpi_insight:nps"))


@require_POST
@login_required
def nps_done(request, pk):
    answer = get_follow_up_answer_for(request.user, pk)
    services.mark_followed_up(response=answer, by=request.user, note=request.POST.get("note", "")[:2000])
    messages.success(request, _("Marked done."))
    return _back(request)


@require_POST
@login_required
def nps_undo(request, pk):
    answer = get_follow_up_answer_for(request.user, pk)
    services.undo_follow_up(response=answer)
    messages.success(request, _("The answer awaits its follow-up again."))
    return _back(request)


# --- A process, not a person ----------------------------------------------------------------------------------


@require_safe
@login_required
def criteria(request):
    context, span = _page_context(request)
    if span:
        context["failures"] = selectors.failing_criteria(scope=context["scope"], span=span)
    return _render(request, "criteria.html", context, span)


@require_safe
@login_required
def criteria_export(request):
    response, writer, scope, span = _csv(request, "failing-criteria")
    if writer is None:
        return response
    writer.writerow(
        [
            _("Scorecard"),
            _("Criterion"),
            _("Team"),
            _("Agents failing"),
            _("Agents evaluated"),
            _("Share (%)"),
        ]
    )
    for failure in selectors.failing_criteria(scope=scope, span=span):
        share = failure.share.value
        writer.writerow(
            [
                str(failure.criterion.section.version),
                failure.criterion.title,
                failure.team.name if failure.team else _("Center"),
                failure.failing_agents,
                failure.agents,
                _rounded(share),
            ]
        )
    return response


# --- AHT outliers ---------------------------------------------------------------------------------------------


@require_safe
@login_required
def aht(request):
    context, span = _page_context(request)
    if span:
        context["teams_aht"] = selectors.aht_outliers(scope=context["scope"], span=span)
        context["min_agents"] = selectors.MIN_AGENTS
    return _render(request, "aht.html", context, span)


@require_safe
@login_required
def aht_export(request):
    response, writer, scope, span = _csv(request, "aht-outliers")
    if writer is None:
        return response
    writer.writerow(
        [
            _("Team"),
            _("Agent"),
            _("AHT (s)"),
            _("Calls"),
            _("Team median (s)"),
            _("MAD (s)"),
            _("Lower bound (s)"),
            _("Upper bound (s)"),
            _("Outlier"),
        ]
    )
    for team in selectors.aht_outliers(scope=scope, span=span):
        for agent in team.agents:
            outlier = _("high") if agent in team.high else _("low") if agent in team.low else ""
            writer.writerow(
                [
                    team.team.name if team.team else _("No team"),
                    _name(agent.agent),
                    round(agent.aht, 1),
                    agent.calls,
                    _rounded(team.median),
                    _rounded(team.mad),
                    _rounded(team.lower_bound),
                    _rounded(team.upper_bound),
                    outlier,
                ]
            )
    return response


# --- QA score vs outcomes -------------------------------------------------------------------------------------


def _chart_data(outcomes: selectors.QaOutcomes) -> dict:
    def points(attribute):
        return [
            {"x": round(row.qa_score, 2), "y": round(getattr(row, attribute), 2), "label": _name(row.agent)}
            for row in outcomes.agents
            if row.qa_score is not None and getattr(row, attribute) is not None
        ]

    return {
        "csat": points("csat"),
        "fcr": points("fcr"),
        "strings": {"qa_score": _("QA score"), "csat": _("CSAT (%)"), "fcr": _("FCR (%)")},
    }


@require_safe
@login_required
def qa_outcomes(request):
    context, span = _page_context(request)
    if span:
        outcomes = selectors.qa_vs_outcomes(scope=context["scope"], span=span)
        context |= {
            "outcomes": outcomes,
            "chart_data": _chart_data(outcomes),
            "correlations": [
                ("csat", _("QA score vs CSAT"), outcomes.csat),
                ("fcr", _("QA score vs FCR"), outcomes.fcr),
            ],
            "min_agents": selectors.MIN_CORRELATION_AGENTS,
        }
    return _render(request, "qa_outcomes.html", context, span)


@require_safe
@login_required
def qa_outcomes_export(request):
    response, writer, scope, span = _csv(request, "qa-vs-outcomes")
    if writer is None:
        return response
    writer.writerow(
        [
            _("Agent"),
            _("Team"),
            _("QA score"),
            _("Evaluations"),
            _("CSAT (%)"),
            _("CSAT answers"),
            _("FCR (%)"),
            _("Cases"),
        ]
    )
    for row in selectors.qa_vs_outcomes(scope=scope, span=span).agents:
        writer.writerow(
            [
                _name(row.agent),
                row.agent.team.name if row.agent.team else "",
                _rounded(row.qa_score, 2),
                row.evaluations,
                _rounded(row.csat),
                row.csat_answers,
                _rounded(row.fcr),
                row.cases,
            ]
        )
    return response
