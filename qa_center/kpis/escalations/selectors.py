"""What the escalation pages read: the matrix, the escalation figures of a period by type, reason, agent, team,
call type and topic, the escalations behind each figure, and the overdue follow-ups (qa_center.kpis.escalations.conformance says how each escalation is
checked against the matrix).

- The period is the calls': escalations of answered calls that started in it, as the escalation rate counts
  them (calls.kpis: escalated answered calls ÷ answered calls; qa_center.kpis.definitions.escalation_rate), so
  that the rate here, the KPI snapshots and the call list's drill-down agree.
- A team lead's figures are those of the calls of the teams they lead; `team_ids` None: the whole center.
- Rate of a type or reason: its escalated calls ÷ every answered call of the scope; of an agent, a team, a
  call type or a topic: its escalated calls ÷ its own answered calls.
- Figures over escalations (one call escalated twice counts twice): the share handled as the matrix says
  (right destination ÷ escalations in the matrix), follow-up on time (÷ follow-ups whose deadline has come)
  and repeat escalations (÷ escalations).
- Cost: every escalation of the period is checked once (a CTE, materialised) and grouped three ways in one
  statement (by call: agent × team × call type × topic; by type; by reason), the call tables rolled up from the
  first grouping in Python (a call has one agent, team, call type and topic, so its distinct calls add up).
  With the answered calls (one grouped query) that is two queries over the period's rows, whatever the
  tables; at 1,000,000 calls the compiled CASE expressions of the matrix, repeated per figure and table,
  had cost more than the database did.
- Each figure's escalations (`escalation_list`) are those the figure counts, by the same checked queryset.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
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
    "FIGURES",
    "escalation_list",
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
    "topic": "call__topic",
}
# The answered calls' column for the tables whose rate is over their own calls.
_CALL_COLUMNS = {"agent": "agent_id", "team": "team_id", "call_type": "call_type_id", "topic": "topic"}
# Each table's column in the checked escalations' CTE (named apart from the model's fields).
_CTE_COLUMNS = {
    "type": "e_type",
    "reason": "e_reason",
    "agent": "e_agent",
    "team": "e_team",
    "call_type": "e_call_type",
    "topic": "e_topic",
}
# The figures whose escalations can be listed (escalation_list): the condition on the checked escalations.
FIGURES: dict[str, Q] = {
    "not_as_matrix": Q(matrix_rule__isnull=False, follows_matrix=False),
    "not_in_matrix": Q(matrix_rule__isnull=True),
    "late": Q(followup_status=FollowUp.LATE),
    "overdue": Q(followup_status=FollowUp.OVERDUE),
    "repeats": Q(is_repeat=True),
}


def levels() -> QuerySet[EscalationLevel]:
    return EscalationLevel.objects.all()


def rules() -> QuerySet[EscalationRule]:
    return EscalationRule.objects.select_related("handler", "updated_by").order_by("type", "reason", "pk")


# The counts of a row over the checked escalations' CTE: (name, SQL, params), in Figures' order.
_COUNTS: tuple[tuple[str, str, tuple], ...] = (
    ("escalated_calls", "COUNT(DISTINCT e_call)", ()),
    ("escalations", "COUNT(*)", ()),
    ("in_matrix", "SUM(CASE WHEN e_rule IS NOT NULL THEN 1 ELSE 0 END)", ()),
    ("as_matrix", "SUM(CASE WHEN e_follows THEN 1 ELSE 0 END)", ()),
    *(
        (name, "SUM(CASE WHEN e_status = %s THEN 1 ELSE 0 END)", (status,))
        for name, status in (
            ("on_time", FollowUp.ON_TIME),
            ("late", FollowUp.LATE),
            ("overdue", FollowUp.OVERDUE),
            ("pending", FollowUp.PENDING),
        )
    ),
    ("repeats", "SUM(CASE WHEN e_repeat THEN 1 ELSE 0 END)", ()),
)
_COUNT_NAMES = tuple(name for name, _sql, _params in _COUNTS)
# The groupings of the one statement: (name, the CTE's columns it groups by).
_GROUPINGS = (
    ("calls", ("e_agent", "e_team", "e_call_type", "e_topic")),
    ("type", ("e_type",)),
    ("reason", ("e_reason",)),
)
_KEYS = ("e_agent", "e_team", "e_call_type", "e_topic", "e_type", "e_reason")


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
    def not_as_matrix(self) -> int:
        return self.in_matrix - self.as_matrix

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
    # Figure (a FIGURES key) → the list of the escalations it counts, for the figures that are not 0.
    urls: dict[str, str] = field(default_factory=dict)


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
    if table in ("reason", "topic"):
        return {key: key for key in keys}
    if table == "agent":  # what str(user) needs
        found = User.objects.filter(pk__in=keys).only("pk", "first_name", "last_name", "username")
    else:
        found = {"team": Team, "call_type": CallType}[table].objects.filter(pk__in=keys)
    return {obj.pk: str(obj) for obj in found}


def _nobody(table: str) -> str:
    return {
        "agent": _("No agent"),
        "team": _("No team"),
        "call_type": _("No call type"),
        "topic": _("No topic"),
    }[table]


def _no_key(key) -> bool:
    """A row of calls without an agent, team, call type or topic: no filter finds it."""
    return key is None or key == ""


class _Links:
    """The drill-downs of one insight: the pages' paths and the period's encoded query written once, a row's
    link adding its key (a table at a million calls has a row per agent, each with up to six links)."""

    def __init__(self, first: date, last: date):
        self.calls = (
            reverse("calls:list")
            + "?"
            + urlencode(
                {
                    "escalated": "yes",
                    "answered": "yes",
                    "date_from": first.isoformat(),
                    "date_to": last.isoformat(),
                }
            )
        )
        self.escalations = (
            reverse("escalations:list")
            + "?"
            + urlencode({"first": first.isoformat(), "last": last.isoformat()})
        )

    def calls_url(self, table: str, key) -> str:
        if _no_key(key):
            return ""
        name = {"type": "escalation_type", "reason": "escalation_reason"}.get(table, table)
        return f"{self.calls}&{urlencode({name: key})}"

    def figure_urls(self, table: str, key, figures: "Figures") -> dict[str, str]:
        if _no_key(key):
            return {}
        counts = {
            "not_as_matrix": figures.not_as_matrix,
            "not_in_matrix": figures.not_in_matrix,
            "late": figures.late,
            "overdue": figures.overdue,
            "repeats": figures.repeats,
        }
        row = f"{self.escalations}&{urlencode({'table': table, 'key': key})}&figure="
        return {figure: row + figure for figure, n in counts.items() if n}


def _answered_calls(answered) -> tuple[int, dict[str, Counter]]:
    """Every answered call of the scope, and per agent, team, call type and topic, from one grouped query (a
    row per agent, team, call type and topic that occur together)."""
    combinations = answered.values_list(*_CALL_COLUMNS.values()).annotate(n=Count("pk")).order_by()
    wholes = {table: Counter() for table in _CALL_COLUMNS}
    total = 0
    for *keys, n in combinations:
        total += n
        for table, key in zip(_CALL_COLUMNS, keys, strict=True):
            wholes[table][key] += n
    return total, wholes


def _period_escalations(*, team_ids, start: datetime, end: datetime) -> QuerySet[Escalation]:
    """The escalations of the scope's answered calls that started on [start, end)."""
    return _scoped(
        call_kpis.escalations_of_answered_calls().filter(
            call__started_at__gte=start, call__started_at__lt=end
        ),
        "call__team_id",
        team_ids,
    )


def _checked_sql(escalations: QuerySet[Escalation]) -> tuple[str, tuple]:
    """The SELECT of the checked escalations, one row each with the CTE's columns."""
    columns = escalations.values(
        e_call=F("call_id"),
        e_type=F("type"),
        e_reason=F("reason"),
        e_agent=F("call__agent_id"),
        e_team=F("call__team_id"),
        e_call_type=F("call__call_type_id"),
        e_topic=F("call__topic"),
        e_rule=F("matrix_rule"),
        e_follows=F("follows_matrix"),
        e_status=F("followup_status"),
        e_repeat=F("is_repeat"),
    ).order_by()
    sql, params = columns.query.sql_with_params()
    return sql, tuple(params)


def _grouped(escalations: QuerySet[Escalation]) -> dict[str, list[dict]]:
    """The figure counts of the checked `escalations` in each of _GROUPINGS, in one statement."""
    sql, params = _checked_sql(escalations)
    counts = ", ".join(f"{count_sql} AS {name}" for name, count_sql, _params in _COUNTS)
    count_params = tuple(param for _name, _sql, params in _COUNTS for param in params)
    parts, all_params = [], list(params)
    for name, columns in _GROUPINGS:
        keys = ", ".join(key if key in columns else f"NULL AS {key}" for key in _KEYS)
        group = ", ".join(columns)
        # The grouping's name as a literal (one of _GROUPINGS'): PostgreSQL types no parameter in a UNION's list.
        parts.append(f"SELECT '{name}' AS e_grouping, {keys}, {counts} FROM checked GROUP BY {group}")  # noqa: S608
        all_params += count_params
    # MATERIALIZED: the three groupings read one evaluation of the matrix's CASE expressions per escalation.
    statement = f"WITH checked AS MATERIALIZED ({sql}) " + " UNION ALL ".join(parts)
    found: dict[str, list[dict]] = {name: [] for name, _columns in _GROUPINGS}
    with connection.cursor() as cursor:
        cursor.execute(statement, all_params)
        names = ["e_grouping", *_KEYS, *_COUNT_NAMES]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            found[row.pop("e_grouping")].append(row)
    return found


def _tables(found: dict[str, list[dict]]) -> dict[str, dict[object, Figures]]:
    """Each table's figures per key: type and reason as grouped, the call tables rolled up by key."""
    tables: dict[str, dict[object, Figures]] = {table: {} for table in DIMENSIONS}
    for grouping, tables_of in (("type", ("type",)), ("reason", ("reason",)), ("calls", _CALL_COLUMNS)):
        for row in found[grouping]:
            for table in tables_of:
                figures = tables[table].setdefault(row[_CTE_COLUMNS[table]], Figures())
                for name in _COUNT_NAMES:
                    setattr(figures, name, getattr(figures, name) + (row[name] or 0))
    return tables


def insight(*, team_ids: tuple[int, ...] | None, first, last, now: datetime) -> Insight:
    """The escalation figures of the calls that started on [first, last] (local days), in a constant number of
    queries: the answered calls, the matrix, the checked escalations grouped, and the tables' names (3)."""
    start, end = local_bounds(first, last)
    answered = _scoped(
        Call.objects.filter(answered=True, started_at__gte=start, started_at__lt=end), "team_id", team_ids
    )
    answered_calls, wholes = _answered_calls(answered)
    escalations = checked(
        _period_escalations(team_ids=team_ids, start=start, end=end),
        rules=matrix_rules(),
        now=now,
        period=(start, end),
    )
    figures = _tables(_grouped(escalations))
    links = _Links(first, last)
    tables = {}
    for table in DIMENSIONS:
        labels = _labels(table, list(figures[table]))
        rows = []
        for key, counts in figures[table].items():
            counts.answered_calls = wholes[table][key] if table in wholes else answered_calls
            label = labels.get(key, key) if not _no_key(key) else _nobody(table)
            urls = links.figure_urls(table, key, counts)
            rows.append(Row(key, label, counts, links.calls_url(table, key), urls))
        rows.sort(key=lambda row: (-row.figures.escalated_calls, str(row.label)))
        tables[table] = rows
    # Every escalation has one type: the types' counts add up to the center's; the escalated calls are the
    # call tables' (a call escalated with two types being one call).
    total = Figures(answered_calls=answered_calls)
    for name in _COUNT_NAMES:
        setattr(total, name, sum(getattr(row.figures, name) for row in tables["type"]))
    total.escalated_calls = sum(row.figures.escalated_calls for row in tables["agent"])
    return Insight(first=first, last=last, total=total, tables=tables)


def escalation_list(
    *,
    team_ids: tuple[int, ...] | None,
    first: date,
    last: date,
    now: datetime,
    figure: str,
    table: str = "",
    key=None,
) -> QuerySet[Escalation]:
    """The escalations one figure of the insight counts (a FIGURES key), of one table's row (`table` and its
    `key`) or of the whole scope, with their calls, in the order they were escalated."""
    start, end = local_bounds(first, last)
    escalations = _period_escalations(team_ids=team_ids, start=start, end=end)
    if table:
        escalations = escalations.filter(**{DIMENSIONS[table]: key})
    escalations = checked(escalations, rules=matrix_rules(), now=now, period=(start, end))
    return (
        escalations.filter(FIGURES[figure])
        .select_related("call__agent", "call__team", "call__call_type")
        .order_by("escalated_at", "pk")
    )


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
