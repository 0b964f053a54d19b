"""The demo's escalation matrix, written against the demo calls' escalations (qa_center.demo.calls
ESCALATION_REASONS), so that the escalation insight has something to say on the first login:

- most reasons have a rule their escalations follow (the destination the calls step writes);
- two rules disagree with what the agents do: refunds above the approval limit belong to senior agents, and a
  third contact on the same case goes to a senior agent, while the calls send both to a team lead;
- "Negative sentiment detected" has no rule: those escalations are "not in the matrix";
- the rules' follow-up hours (4 h to 72 h) against the calls' own follow-up times give on-time, late and, for
  the last days' escalations not followed up yet, overdue follow-ups.

Set by the demo's QA manager through the matrix's services; idempotent (levels by name, rules by type and
reason, only the missing ones are added).
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.apps import apps

from qa_center.demo.people import MANAGER

if TYPE_CHECKING:
    from qa_center.demo.seed import DemoRequest

LEVEL, DEPARTMENT = "level", "department"

#: (name, kind, order, what it handles)
LEVELS: list[tuple[str, str, int, str]] = [
    ("Agent", LEVEL, 1, "First contact: solves what the knowledge base and their approval limit allow."),
    ("Senior agent", LEVEL, 2, "Refunds and goodwill above the agent's limit; repeat contacts."),
    ("Team lead", LEVEL, 3, "A customer asking for a supervisor; the team's exceptions."),
    ("Customer care manager", LEVEL, 4, "Complaints about staff; anything a team lead cannot settle."),
    ("Field service", DEPARTMENT, 1, "Technician visits."),
    ("Network operations (Tier 2)", DEPARTMENT, 2, "Line and network faults."),
    ("Tier 2 support", DEPARTMENT, 3, "Cases past their resolution SLA."),
    ("Billing department", DEPARTMENT, 4, "Invoice corrections and billing errors."),
    ("Legal department", DEPARTMENT, 5, "Contract disputes."),
    ("Priority desk", DEPARTMENT, 6, "Business customers with service down."),
    ("Customer care specialists", DEPARTMENT, 7, "Vulnerable customers."),
    ("Complaints desk", DEPARTMENT, 8, "Regulator complaints with a deadline."),
    ("Retention desk", DEPARTMENT, 9, "Customers who want to cancel."),
]

#: (type, reason ("" = any reason of the type), goes to, follow-up hours, when to escalate)
RULES: list[tuple[str, str, str, int, str]] = [
    (
        "hierarchical",
        "",
        "Team lead",
        24,
        "The customer asks for a supervisor, or the case is beyond the agent.",
    ),
    (
        "hierarchical",
        "Refund above the agent's approval limit",
        "Senior agent",
        24,
        "Senior agents approve refunds up to twice the agent's limit.",
    ),
    ("hierarchical", "Complaint about a previous agent", "Customer care manager", 48, ""),
    (
        "functional",
        "Fault needs a technician visit",
        "Field service",
        72,
        "Book the visit while on the call.",
    ),
    ("functional", "Line fault needs network engineering", "Network operations (Tier 2)", 24, ""),
    ("functional", "Invoice correction", "Billing department", 48, ""),
    ("functional", "Contract dispute", "Legal department", 72, ""),
    ("priority", "", "Priority desk", 4, "A business customer whose service is down."),
    ("priority", "Vulnerable customer", "Customer care specialists", 8, ""),
    (
        "priority",
        "Regulator complaint with a deadline",
        "Complaints desk",
        24,
        "Note the regulator's deadline.",
    ),
    ("automatic", "No resolution within 48 hours (SLA)", "Tier 2 support", 24, ""),
    ("automatic", "Cancellation keyword detected", "Retention desk", 24, ""),
    (
        "automatic",
        "Third contact on the same case",
        "Senior agent",
        24,
        "A senior agent owns a case on its third contact.",
    ),
]


def seed(request: "DemoRequest") -> Mapping[str, int]:
    if not apps.is_installed("qa_center.kpis"):
        return {}
    from qa_center.kpis.escalations import services
    from qa_center.kpis.models import EscalationLevel, EscalationRule
    from qa_center.people.models import User

    manager = User.objects.filter(username=MANAGER).first()
    levels = {level.name: level for level in EscalationLevel.objects.all()}
    for name, kind, order, description in LEVELS:
        if name not in levels:
            level = EscalationLevel(name=name, kind=kind, order=order, description=description)
            levels[name] = services.save_level(level=level)
    existing = set(EscalationRule.objects.values_list("type", "reason"))
    added = 0
    for type, reason, handler, hours, guidance in RULES:
        if (type, reason) in existing:
            continue
        rule = EscalationRule(
            type=type, reason=reason, handler=levels[handler], followup_hours=hours, guidance=guidance
        )
        services.save_rule(rule=rule, by=manager)
        added += 1
    return {"new_escalation_rules": added}
