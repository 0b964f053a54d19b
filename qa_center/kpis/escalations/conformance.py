"""Each recorded escalation checked against the escalation matrix (issue 11), in the database.

- The rule of an escalation: the matrix's rule for its type and reason, else the rule for its type and any
  reason (a rule with a blank reason). Reasons are compared without regard to case or spaces. An escalation
  no rule matches is "not in the matrix": counted on its own, neither right nor wrong.
- Right destination: the escalation's `to_level` names the rule's level or department (for a functional
  escalation, a department), compared without regard to case or spaces ("Team lead" = "team lead" =
  "TeamLead").
- The follow-up deadline is the matrix's: escalated_at + the rule's follow-up hours. The matrix is the
  standard being checked, whatever due date the sending system wrote on the escalation. An escalation not in
  the matrix falls back on its recorded `followup_due_at`; with neither there is no deadline.
- Follow-up status: on time (done at or before the deadline), late (done after it), overdue (not done and the
  deadline has passed: the follow-up is missing), pending (not done, deadline still ahead), no deadline.
  The share on time is over the follow-ups whose deadline has come: on time ÷ (on time + late + overdue).
- Repeat escalation: an escalation of a call with a case id when another call of the same case, started in
  the same period, was escalated before it (earlier escalated_at, ties by id). Escalating one call twice (one
  level, then the next) is one contact's chain, not a repeat; a call without a case id is its own case.

The matrix is small (tens of rules): it is read once and written into the query as CASE expressions, so that
checking a million escalations is one pass over them and no rule is looked up per row.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower, Replace

from calls.models import Escalation
from qa_center.kpis.models import EscalationRule

__all__ = [
    "FollowUp",
    "MatrixRule",
    "ShiftedByHours",
    "checked",
    "matrix_rules",
    "name_key",
]


class FollowUp:
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"
    NO_DEADLINE = "no_deadline"


class ShiftedByHours(Func):
    """A timestamp `hours` later (see qa_center.sql_time.ShiftedByDays: the same, by the hour)."""

    output_field = DateTimeField()

    def __init__(self, expression, *, hours: int):
        super().__init__(expression)
        self.hours = int(hours)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + make_interval(hours => %s))", (*params, self.hours)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f000', {sql}, %s)", (*params, f"{self.hours:+d} hours")


def name_key(expression):
    """A level's (or reason's) name as compared: lower case, without spaces."""
    return Lower(Replace(expression, Value(" "), Value("")))


@dataclass(frozen=True)
class MatrixRule:
    pk: int
    type: str
    reason: str
    handler: str
    followup_hours: int


def matrix_rules() -> list[MatrixRule]:
    """The matrix's rules, the ones naming a reason first (they win over their type's any-reason rule)."""
    rules = EscalationRule.objects.select_related("handler").order_by("type", "reason", "pk")
    found = [
        MatrixRule(rule.pk, rule.type, rule.reason.strip(), rule.handler.name, rule.followup_hours)
        for rule in rules
    ]
    return sorted(found, key=lambda rule: rule.reason == "")


def _matches(rule: MatrixRule) -> Q:
    condition = Q(type=rule.type)
    if rule.reason:
        condition &= Q(matrix_reason_key=name_key(Value(rule.reason)))
    return condition


def _destination_whens(whens):
    # The first match wins: the rule's destination, else "its rule sends it elsewhere" before the next rule.
    for condition, rule in whens:
        yield When(condition & Q(matrix_level_key=name_key(Value(rule.handler))), then=Value(True))
        yield When(condition, then=Value(False))


def checked(
    escalations: QuerySet[Escalation], *, rules: list[MatrixRule], now: datetime, period=None
) -> QuerySet[Escalation]:
    """`escalations` annotated with `matrix_rule` (the rule's pk, NULL: not in the matrix), `follows_matrix` (went
    where its rule says), `followup_deadline`, `followup_status` (a FollowUp) and, with `period` (the
    [start, end) of the calls' start), `is_repeat`. (Named apart from the figures' counts, such as
    "as_matrix": an aggregate named like the annotation its filter reads would read itself.)"""
    whens = [(_matches(rule), rule) for rule in rules]
    queryset = escalations.alias(
        matrix_reason_key=name_key(F("reason")), matrix_level_key=name_key(F("to_level"))
    ).annotate(
        matrix_rule=Case(
            *[When(condition, then=Value(rule.pk)) for condition, rule in whens],
            default=None,
            output_field=BigIntegerField(),
        ),
        follows_matrix=Case(
            *_destination_whens(whens),
            default=Value(False),
            output_field=BooleanField(),
        ),
        followup_deadline=Case(
            *[
                When(condition, then=ShiftedByHours(F("escalated_at"), hours=rule.followup_hours))
                for condition, rule in whens
            ],
            default=F("followup_due_at"),
            output_field=DateTimeField(),
        ),
    )
    queryset = queryset.annotate(
        followup_status=Case(
            When(followup_deadline__isnull=True, then=Value(FollowUp.NO_DEADLINE)),
            When(
                followup_done_at__isnull=False,
                followup_done_at__lte=F("followup_deadline"),
                then=Value(FollowUp.ON_TIME),
            ),
            When(followup_done_at__isnull=False, then=Value(FollowUp.LATE)),
            When(followup_deadline__lt=now, then=Value(FollowUp.OVERDUE)),
            default=Value(FollowUp.PENDING),
            output_field=CharField(),
        )
    )
    if period is not None:
        queryset = queryset.annotate(is_repeat=repeat_escalation(period))
    return queryset


def repeat_escalation(period) -> Case:
    """True for an escalation whose case had an earlier escalation on another of its calls in `period`."""
    start, end = period
    earlier = Escalation.objects.filter(
        call__case_id=OuterRef("call__case_id"),
        call__started_at__gte=start,
        call__started_at__lt=end,
    ).filter(
        Q(escalated_at__lt=OuterRef("escalated_at"))
        | Q(escalated_at=OuterRef("escalated_at"), pk__lt=OuterRef("pk"))
    )
    earlier = earlier.exclude(call_id=OuterRef("call_id"))
    return Case(
        When(call__case_id="", then=Value(False)),
        default=Exists(earlier),
        output_field=BooleanField(),
    )
