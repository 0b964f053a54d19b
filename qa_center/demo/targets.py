"""The demo's KPI targets and industry benchmarks, so that the dashboards' tiles and charts have a target
and a benchmark line on the first login.

Center-wide targets for every KPI a center would hold itself to (not the passives' share: being neither
promoter nor detractor is no aim; the NPS and promoter/detractor targets cover it), a few overrides where a
team or a call type works differently (sales and retention calls run longer), and the benchmarks a manager
would write from common industry figures; the sources say so, without citing studies the demo has not read.
Through the targets services (the one write path), set by the demo's QA manager; idempotent.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.apps import apps

from qa_center.demo.calls import CALL_TYPES
from qa_center.demo.people import MANAGER, TEAM_LEADS

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

#: KPI → center-wide target (a rate in %, a duration in seconds, CSAT mean 1–5, QA score 0–100).
CENTER_TARGETS: dict[str, float] = {
    "resolution_rate": 85,
    "fcr_rate": 70,
    "answer_rate": 92,  # the center's own aim, short of the industry's 95
    "abandon_rate": 8,  # at most
    "average_wait": 30,  # at most
    "service_level": 80,
    "aht": 420,  # at most: 7 minutes
    "average_treatment_time": 24 * 3600,  # at most: resolved within a day on average
    "nps": 30,
    "promoter_share": 50,
    "detractor_share": 20,  # at most
    "csat": 78,
    "csat_mean": 4.2,
    "escalation_rate": 8,  # at most
    "qa_score": 85,
    "pass_rate": 80,
    "auto_fail_rate": 5,  # at most
    "dispute_rate": 5,  # at most
}

#: (team name, KPI) → the team's own target.
TEAM_OVERRIDES: dict[tuple[str, str], float] = {
    ("Madrid Sales", "aht"): 540,  # sales conversations take longer
    ("Retention", "escalation_rate"): 12,  # retention calls are escalated to offers more often
}

#: (call type slug, KPI) → the call type's own target.
CALL_TYPE_OVERRIDES: dict[tuple[str, str], float] = {
    ("retention", "aht"): 600,
    ("billing", "fcr_rate"): 75,
}

#: KPI → (benchmark, its source).
BENCHMARKS: dict[str, tuple[float, str]] = {
    "service_level": (
        80,
        "Typical industry figure: 80 % of calls answered within 20 seconds (the 80/20 rule)",
    ),
    "abandon_rate": (5, "Typical industry figure: at most 5 % of inbound calls abandoned"),
    "answer_rate": (95, "Typical industry figure for inbound service queues"),
    "average_wait": (28, "Typical industry figure for speed of answer (under half a minute)"),
    "fcr_rate": (70, "Typical industry figure: about 70 % of cases resolved on the first contact"),
    "csat": (78, "Typical industry figure: about 78 % of customers rating 4 or 5"),
    "nps": (30, "Typical industry figure for customer service (varies widely by sector)"),
    "aht": (360, "Typical industry figure for inbound customer service (about 6 minutes)"),
}


def seed(request: "DemoRequest") -> Mapping[str, int]:
    if not apps.is_installed("qa_center.kpis"):
        return {}
    from calls.models import CallType
    from qa_center.kpis.models import KpiBenchmark, KpiTarget, ScopeKind
    from qa_center.kpis.targets.services import set_benchmark, set_target
    from qa_center.people.models import Team, User

    manager = User.objects.filter(username=MANAGER).first()
    teams = {team.name: team for team in Team.objects.filter(name__in=list(TEAM_LEADS))}
    call_types = {ct.slug: ct for ct in CallType.objects.filter(slug__in=list(CALL_TYPES))}
    before = KpiTarget.objects.count() + KpiBenchmark.objects.count()
    for kpi, value in CENTER_TARGETS.items():
        set_target(kpi=kpi, value=value, by=manager)
    for (name, kpi), value in TEAM_OVERRIDES.items():
        if name in teams:
            set_target(kpi=kpi, value=value, by=manager, scope_kind=ScopeKind.TEAM, scope_id=teams[name].pk)
    for (slug, kpi), value in CALL_TYPE_OVERRIDES.items():
        if slug in call_types:
            set_target(
                kpi=kpi, value=value, by=manager, scope_kind=ScopeKind.CALL_TYPE, scope_id=call_types[slug].pk
            )
    for kpi, (value, source) in BENCHMARKS.items():
        set_benchmark(kpi=kpi, value=value, source=source, by=manager)
    added = KpiTarget.objects.count() + KpiBenchmark.objects.count() - before
    return {"new_kpi_targets": max(added, 0)}
