"""The QA manager's targets page: center-wide targets and industry benchmarks per KPI, and each team's or call
type's overrides of the targets. Only changed values are written (services record who set them)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calls.models import CallType
from qa_center.kpis.access import get_override_scope_for, require_kpi_manager
from qa_center.kpis.definitions import KPIS, NPS, RATE, SCORE, SECONDS
from qa_center.kpis.models import ScopeKind
from qa_center.kpis.targets import selectors, services
from qa_center.kpis.targets.forms import (
    CenterTargetsForm,
    OverrideTargetsForm,
    benchmark_field,
    source_field,
    target_field,
)
from qa_center.people.models import Team


def _unit(kpi) -> str:
    lowest, highest = kpi.bounds
    if kpi.unit == RATE:
        return _("%, 0–100")
    if kpi.unit == NPS:
        return _("−100 to 100")
    if kpi.unit == SECONDS:
        return _("seconds")
    assert kpi.unit == SCORE
    return f"{lowest:g}–{highest:g}"


def _kpi_rows(form, *, center=None):
    """One row per KPI: its fields, unit, direction and (on an override page) the center's target."""
    rows = []
    for kpi in KPIS:
        row = {
            "kpi": kpi,
            "unit": _unit(kpi),
            "at_most": not kpi.higher_is_better,
            "target": form[target_field(kpi.key)],
        }
        if benchmark_field(kpi.key) in form.fields:
            row["benchmark"] = form[benchmark_field(kpi.key)]
            row["source"] = form[source_field(kpi.key)]
        if center is not None:
            center_target = center.get(kpi.key)
            row["center"] = center_target.value if center_target else None
            own = form.initial.get(target_field(kpi.key))
            row["differs"] = own is not None and own != row["center"]
        rows.append(row)
    return rows


def _overview(center):
    """The overrides in force, with their scope's name and whether they differ from the center's target."""
    teams = {team.pk: team for team in Team.objects.all()}
    call_types = {call_type.pk: call_type for call_type in CallType.objects.all()}
    names = {ScopeKind.TEAM: teams, ScopeKind.CALL_TYPE: call_types}
    labels = {kpi.key: kpi.label for kpi in KPIS}
    rows = []
    for override in selectors.overrides():
        scope = names[override.scope_kind].get(override.scope_id)
        if scope is None:
            continue  # its team or call type was deleted
        center_target = center.get(override.kpi)
        center_value = center_target.value if center_target else None
        rows.append(
            {
                "override": override,
                "scope": scope,
                "scope_kind": override.get_scope_kind_display(),
                "url_name": "kpi_targets:team"
                if override.scope_kind == ScopeKind.TEAM
                else "kpi_targets:call_type",
                "label": labels.get(override.kpi, override.kpi),
                "center": center_value,
                "differs": override.value != center_value,
            }
        )
    return rows, list(teams.values()), list(call_types.values())


def _center_initial(center, benchmarks):
    initial = {}
    for kpi in KPIS:
        if kpi.key in center:
            initial[target_field(kpi.key)] = center[kpi.key].value
        if kpi.key in benchmarks:
            initial[benchmark_field(kpi.key)] = benchmarks[kpi.key].value
            initial[source_field(kpi.key)] = benchmarks[kpi.key].source
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def targets(request):
    require_kpi_manager(request.user)
    center = selectors.center_targets()
    benchmarks = selectors.benchmarks()
    initial = _center_initial(center, benchmarks)
    if request.method == "POST":
        form = CenterTargetsForm(request.POST, initial=initial)
        if form.is_valid():
            with transaction.atomic():
                for kpi, value in form.targets().items():
                    if value != initial.get(target_field(kpi)):
                        services.set_target(kpi=kpi, value=value, by=request.user)
                for kpi, (value, source) in form.benchmarks().items():
                    old = (initial.get(benchmark_field(kpi)), initial.get(source_field(kpi), ""))
                    if (value, source.strip()) != old:
                        services.set_benchmark(kpi=kpi, value=value, source=source, by=request.user)
            messages.success(request, _("The KPI targets and benchmarks are saved."))
            return redirect("kpi_targets:targets")
        status = 400
    else:
        form = CenterTargetsForm(initial=initial)
        status = 200
    overrides, teams, call_types = _overview(center)
    context = {
        "form": form,
        "rows": _kpi_rows(form),
        "overrides": overrides,
        "teams": teams,
        "call_types": call_types,
    }
    return render(request, "kpis/targets/targets.html", context, status=status)


def _override_page(request, scope_kind: str, pk: int):
    scope = get_override_scope_for(request.user, scope_kind, pk)
    center = selectors.center_targets()
    own = {override.kpi: override.value for override in selectors.overrides(scope_kind, scope.pk)}
    initial = {target_field(kpi): value for kpi, value in own.items()}
    if request.method == "POST":
        form = OverrideTargetsForm(request.POST, initial=initial)
        if form.is_valid():
            with transaction.atomic():
                for kpi, value in form.targets().items():
                    if value != own.get(kpi):
                        services.set_target(
                            kpi=kpi, value=value, by=request.user, scope_kind=scope_kind, scope_id=scope.pk
                        )
            messages.success(request, _("The targets of %(scope)s are saved.") % {"scope": scope})
            return redirect(request.path)
        status = 400
    else:
        form = OverrideTargetsForm(initial=initial)
        status = 200
    context = {
        "form": form,
        "scope": scope,
        "scope_kind": ScopeKind(scope_kind).label,
        "rows": _kpi_rows(form, center=center),
    }
    return render(request, "kpis/targets/overrides.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def team_targets(request, pk):
    return _override_page(request, ScopeKind.TEAM, pk)


@require_http_methods(["GET", "POST"])
@login_required
def call_type_targets(request, pk):
    return _override_page(request, ScopeKind.CALL_TYPE, pk)
