"""Building blocks of the insight tests: agents' day snapshots and survey answers in the default period."""

from datetime import timedelta

from django.utils import timezone

from qa_center.kpis.access import InsightScope
from qa_center.kpis.dashboards.periods import Span
from qa_center.kpis.models import KpiSnapshot, ScopeKind
from qa_center.people.models import Team


def span(days: int = 30) -> Span:
    today = timezone.localdate()
    return Span(today - timedelta(days=days - 1), today)


def center() -> InsightScope:
    return InsightScope(teams=Team.objects.all(), team=None, center=True)


def teams(*chosen) -> InsightScope:
    return InsightScope(teams=Team.objects.filter(pk__in=[t.pk for t in chosen]), team=None, center=False)


def agent_day(agent, *, days_ago: int = 1, **counts) -> KpiSnapshot:
    return KpiSnapshot.objects.create(
        period_kind="day",
        period_start=timezone.localdate() - timedelta(days=days_ago),
        scope_kind=ScopeKind.AGENT,
        scope_id=agent.pk,
        computed_at=timezone.now(),
        **counts,
    )
