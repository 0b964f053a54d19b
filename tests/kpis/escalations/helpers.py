"""The escalation matrix of the tests: the hierarchical chain, two departments, and rules for each type."""

from datetime import date

from qa_center.kpis.models import EscalationLevel, EscalationRule
from tests.factories import CallFactory, EscalationFactory

HIERARCHICAL, FUNCTIONAL, PRIORITY = "hierarchical", "functional", "priority"


def make_matrix():
    """Agent → Senior agent → Team lead → Manager; Billing and Technical departments. Rules: hierarchical any
    reason → Team lead in 24 h, hierarchical "Legal threat" → Manager in 4 h, functional "Billing error" →
    Billing in 48 h, functional "Outage" → Technical in 8 h. No rule for priority escalations."""
    names = ["Agent", "Senior agent", "Team lead", "Manager"]
    levels = {
        name: EscalationLevel.objects.create(name=name, order=order)
        for order, name in enumerate(names, start=1)
    }
    for order, name in enumerate(["Billing", "Technical"], start=1):
        levels[name] = EscalationLevel.objects.create(
            name=name, kind=EscalationLevel.Kind.DEPARTMENT, order=order
        )
    rules = {
        "any": EscalationRule.objects.create(
            type=HIERARCHICAL, handler=levels["Team lead"], followup_hours=24
        ),
        "legal": EscalationRule.objects.create(
            type=HIERARCHICAL, reason="Legal threat", handler=levels["Manager"], followup_hours=4
        ),
        "billing": EscalationRule.objects.create(
            type=FUNCTIONAL, reason="Billing error", handler=levels["Billing"], followup_hours=48
        ),
        "outage": EscalationRule.objects.create(
            type=FUNCTIONAL, reason="Outage", handler=levels["Technical"], followup_hours=8
        ),
    }
    return levels, rules


def local(day, hour=10, minute=0):
    """A time of `day` in the center's zone (settings.TIME_ZONE)."""
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


DAY = date(2026, 3, 10)


def escalated_call(agent, *, type=HIERARCHICAL, reason="Wants a supervisor", to_level="Team lead", **fields):
    call = CallFactory(agent=agent, started_at=local(DAY), **fields)
    return EscalationFactory(
        call=call, type=type, reason=reason, to_level=to_level, escalated_at=local(DAY, 11)
    )
