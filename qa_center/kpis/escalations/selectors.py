"""What the escalation pages read: the matrix, the escalation figures of a period by type, reason, agent, team
and call type, and the overdue follow-ups (qa_center.kpis.escalations.conformance says how each escalation is
checked against the matrix).

- The period is the calls': escalations of answered calls that started in it, as the escalation rate counts
  them (calls.kpis: escalated answered calls ÷ answered calls; qa_center.kpis.definitions.escalation_rate), so
  that the rate here, the KPI snapshots and the call list's drill-down agree.
- A team lead's figures are those of the calls of the teams they lead; `team_ids` None: the whole center.
- Rate of a type or reason: its escalated calls ÷ every answered call of the scope; of an agent, a team or a
  call type: its escalated calls ÷ its own answered calls.
- Figures over escalations (one call escalated twice counts twice): the share handled as the matrix says
  (right destination ÷ escalations in the matrix), follow-up on time (÷ follow-ups whose deadline has come)
  and repeat escalations (÷ escalations).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from calls import kpis as call_kpis
from calls.models import Call, CallType, Escalation
from qa_center.kpis import definitions
from qa_center.kpis.escalations.conformance import FollowUp, checked, matrix_rules
from qa_center.kpis.models import EscalationLevel, EscalationRule
from qa_center.kpis.periods import local_bounds
from qa_center.people.models import Team, User
from qa_center.rates import rate

__all__ = [
    "DIMENSIONS",
    "Figures",
    "Insight",
    "Row",
    "insight",
    "levels",
    "overdue_followups",
    "rules",
]

# Table → the escalation's column it groups by.
DIMENSIONS: dict[str, str] = {
    "type": "type",
    "reason": "reason",
    "agent": "call__agent_id",
    "team": "call__team_id",
    "call_type": "call__call_type_id",
}
# The answered calls' column for the tables whose rate is over their own calls.
_CALL_COLUMNS = {"agent": "agent_id", "team": "team_id", "call_type": "call_type_id"}


def levels() -> QuerySet[EscalationLevel]:
    return EscalationLevel.objects.all()


def rules() -> QuerySet[EscalationRule]:
    return EscalationRule.objects.select_related("handler", "updated_by").order_by("type", "reason", "pk")


def _figure_counts() -> dict:
    return {
        "escalated_calls": Count("call", distinct=True),
        "escalations": Count("pk"),
        "in_matrix": Count("pk", filter=Q(matrix_rule__isnull=False)),
        "as_matrix": Count("pk", filter=Q(follows_matrix=True)),
        "on_time": Count("pk", filter=Q(followup_status=FollowUp.ON_TIME)),
        "late": Count("pk", filter=Q(followup_status=FollowUp.LATE)),
        "overdue": Count("pk", filter=Q(followup_status=FollowUp.OVERDUE)),
        "pending": Count("pk", filter=Q(followup_status=FollowUp.PENDING)),
        "repeats": Count("pk", filter=Q(is_repeat=True)),
    }


@dataclass
class Figures:
    """The counts of one row and the figures made of them (None: no data)."""

    answered_calls: int = 0
    escalated_calls: int = 0
    escalations: int = 0
    in_matrix: int = 0
    as_matrix: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    repeats: int = 0

    @property
    def rate(self) -> float | None:
        return definitions.escalation_rate(self.escalated_calls, self.answered_calls)

    @property
    def not_in_matrix(self) -> int:
        return self.escalations - self.in_matrix

    @property
    def matrix_share(self) -> float | None:
        return rate(self.as_matrix, self.in_matrix)

    @property
    def followups_due(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_share(self) -> float | None:
        return rate(self.on_time, self.followups_due)

    @property
    def repeat_share(self) -> float | None:
        return rate(self.repeats, self.escalations)


@dataclass
class Row:
    key: object
    label: str
    figures: Figures
    calls_url: str = ""  # the drill-down to the escalated calls ("" when the call list cannot filter it)


@dataclass
class Insight:
    first: object
    last: object
    total: Figures
    tables: dict[str, list[Row]] = field(default_factory=dict)


def _scoped(queryset, column: str, team_ids):
    return queryset if team_ids is None else queryset.filter(**{f"{column}__in": team_ids})


def _labels(table: str, keys) -> dict:
    keys = [key for key in keys if key is not None]
    if table == "type":
        return {
            key: str(Escalation.Type(key).label) if key in Escalation.Type.values else key for key in keys
        }
    if table == "reason":
        return {key: key for key in keys}
    if table == "agent":  # what str(user) needs
        found = User.objects.filter(pk__in=keys).only("pk", "first_name", "last_name", "username")
    else:
        found = {"team": Team, "call_type": CallType}[table].objects.filter(pk__in=keys)
    return {obj.pk: str(obj) for obj in found}


def _nobody(table: str) -> str:
    return {"agent": _("No agent"), "team": _("No team"), "call_type": _("No call type")}[table]


def _calls_url(table: str, key, base: dict) -> str:
    if key is None:
        return ""
    name = {"type": "escalation_type", "reason": "escalation_reason"}.get(table, table)
    return f"{reverse('calls:list')}?{urlencode(base | {name: key})}"


def _answered_calls(answered) -> tuple[int, dict[str, Counter]]:
    """Every answered call of the scope, and per agent, team and call type, from one grouped query (a few
    hundred rows: one per agent, team and call type that occur together)."""
    combinations = answered.values_list(*_CALL_COLUMNS.values()).annotate(n=Count("pk")).order_by()
    wholes = {table: Counter() for table in _CALL_COLUMNS}
    total = 0
    for *keys, n in combinations:
        total += n
        for table, key in zip(_CALL_COLUMNS, keys, strict=True):
            wholes[table][key] += n
    return total, wholes


def insight(*, team_ids: tuple[int, ...] | None, first, last, now: datetime) -> Insight:
    """The escalation figures of the calls that started on [first, last] (local days), in a constant number of
    queries: the matrix, the answered calls, the escalated calls, one per table and the tables' names."""
    start, end = local_bounds(first, last)
    answered = _scoped(
        Call.objects.filter(answered=True, started_at__gte=start, started_at__lt=end), "team_id", team_ids
    )
    answered_calls, wholes = _answered_calls(answered)
    escalations = _scoped(
        call_kpis.escalations_of_answered_calls().filter(
            call__started_at__gte=start, call__started_at__lt=end
        ),
        "call__team_id",
        team_ids,
    )
    escalated_calls = escalations.aggregate(n=Count("call", distinct=True))["n"]
    escalations = checked(escalations, rules=matrix_rules(), now=now, period=(start, end))
    counts = _figure_counts()
    base = {
        "escalated": "yes",
        "answered": "yes",
        "date_from": first.isoformat(),
        "date_to": last.isoformat(),
    }
    tables = {}
    for table, column in DIMENSIONS.items():
        grouped = list(escalations.values(column).annotate(**counts).order_by(column))
        labels = _labels(table, [row[column] for row in grouped])
        rows = []
        for row in grouped:
            key = row.pop(column)
            whole = wholes[table][key] if table in wholes else answered_calls
            label = labels.get(key, key) if key is not None else _nobody(table)
            rows.append(Row(key, label, Figures(answered_calls=whole, **row), _calls_url(table, key, base)))
        rows.sort(key=lambda row: (-row.figures.escalated_calls, str(row.label)))
        tables[table] = rows
    # Every escalation has one type: the types' counts add up to the center's (but for the escalated calls,
    # a call escalated with two types being one call).
    total = Figures(answered_calls=answered_calls)
    for name in counts:
        setattr(total, name, sum(getattr(row.figures, name) for row in tables["type"]))
    total.escalated_calls = escalated_calls
    return Insight(first=first, last=last, total=total, tables=tables)


def overdue_followups(*, team_ids: tuple[int, ...] | None, now: datetime) -> QuerySet[Escalation]:
    """Escalations whose customer follow-up is overdue (not done, the deadline passed), the oldest deadline
    first, whatever period their call is in: the lead's to-do list."""
    escalations = _scoped(
        Escalation.objects.filter(followup_done_at__isnull=True), "call__team_id", team_ids
    ).select_related("call__agent", "call__team", "call__call_type")
    return (
        checked(escalations, rules=matrix_rules(), now=now)
        .filter(followup_status=FollowUp.OVERDUE)
        .order_by("followup_deadline", "pk")
    )
