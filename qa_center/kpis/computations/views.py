"""The QA manager's page of the KPI computations: the last runs, and a button that recomputes a range of days."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qa_center.kpis import computing, tasks
from qa_center.kpis.access import require_kpi_manager
from qa_center.kpis.computations.forms import RecomputeForm
from qa_center.kpis.models import KpiComputation

RECENT_COMPUTATIONS = 10


def _render(request, form, status=200):
    recent = list(KpiComputation.objects.select_related("requested_by")[:RECENT_COMPUTATIONS])
    context = {"form": form, "last": recent[0] if recent else None, "recent": recent}
    return render(request, "kpis/computations/computations.html", context, status=status)


@require_safe
@login_required
def computations(request):
    require_kpi_manager(request.user)
    return _render(request, RecomputeForm())


@require_POST
@login_required
def recompute(request):
    require_kpi_manager(request.user)
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    computation = computing.record_computation(
        first_day=form.cleaned_data["first_day"],
        last_day=form.cleaned_data["last_day"],
        trigger=KpiComputation.Trigger.MANUAL,
        requested_by=request.user,
    )
    tasks.run_computation.delay_on_commit(computation.pk)
    messages.success(
        request,
        _("The KPIs of %(first)s – %(last)s are being recomputed; the result appears below when done.")
        % {
            "first": date_format(computation.first_day, "SHORT_DATE_FORMAT"),
            "last": date_format(computation.last_day, "SHORT_DATE_FORMAT"),
        },
    )
    return redirect("kpis:computations")
