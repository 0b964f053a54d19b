"""What an improvement action's page and list show (issue 11): the figure the action should move, before the
change and after it, with the n behind each figure, and whether the target is met after.

The windows: `window_days` days before `starts_on` (the day before it the last) against as many from
`starts_on` on, cut at today while they run. A KPI is read from the scope's day snapshots summed over each
window, exactly as a dashboard sums its periods (qa_center.kpis.dashboards.selectors.span_counts; the
formulas are qa_center.kpis.definitions'). A criterion's figure is its failed share: the evaluations counted
in the KPIs (regular, submitted) of the scope, submitted in the window, whose answer to the criterion applied
(not N/A) and earned less than full marks, ÷ those whose answer applied (the QA reports' "share failed",
scorecards.evaluations.selectors' APPLICABLE_ANSWER and failed_answer). One query each, whatever the data.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import CallType
from qa_center.kpis import definitions
from qa_center.kpis.dashboards.periods import Span
from qa_center.kpis.dashboards.selectors import span_counts
from qa_center.kpis.models import CENTER_ID, ImprovementAction, KpiSnapshot, ScopeKind
from qa_center.kpis.periods import local_bounds
from qa_center.people.models import Team, User
from qa_center.rates import rate
from scorecards.evaluations.selectors import APPLICABLE_ANSWER, CRITERION_FAILED, failed_answer
from scorecards.kpis import counted_evaluations
from scorecards.models import Answer
from scorecards.reporting.selectors import evaluations_url

__all__ = [
    "Effect",
    "Figure",
    "ListFilters",
    "Windows",
    "actions",
    "effect",
    "is_overdue",
    "scope_label",
    "scope_labels",
    "windows",
]


@dataclass(frozen=True)
class Windows:
    before: Span
    after: Span | None  # None: the change has not started yet
    full_after: Span  # the whole after window, however much of it has passed

    @property
    def after_complete(self) -> bool:
        return self.after is not None and self.after == self.full_after


def windows(action: ImprovementAction, today: date | None = None) -> Windows:
    today = today or timezone.localdate()
    days = timedelta(days=action.window_days)
    before = Span(action.starts_on - days, action.starts_on - timedelta(days=1))
    full_after = Span(action.starts_on, action.starts_on + days - timedelta(days=1))
    after = None
    if action.starts_on <= today:
        after = Span(action.starts_on, min(full_after.last, today))
    return Windows(before=before, after=after, full_after=full_after)


@dataclass(frozen=True)
class Figure:
    """A figure over one window and what it is of: "72.9 % of 5,000"."""

    value: float | None
    part: float
    whole: int
    link: str = ""  # the evaluations behind it, where the evaluations list can list them


@dataclass(frozen=True)
class Effect:
    """The action's figure before and after the change, and its target."""

    label: str
    unit: str  # a definitions unit (RATE for a criterion's failed share)
    whole_label: str  # what the n counts
    windows: Windows
    before: Figure
    after: Figure | None
    target: float | None
    higher_is_better: bool
    kpi: definitions.Kpi | None = None  # None: a criterion's failed share

    @property
    def change(self) -> float | None:
        if self.after is None or self.after.value is None or self.before.value is None:
            return None
        return self.after.value - self.before.value

    @property
    def change_is_better(self) -> bool | None:
        if not self.change:
            return None
        return (self.change > 0) == self.higher_is_better

    @property
    def target_met(self) -> bool | None:
        """Whether the figure after the change meets the target (None: no target or no figure yet)."""
        if self.target is None or self.after is None or self.after.value is None:
            return None
        if self.higher_is_better:
            return self.after.value >= self.target
        return self.after.value <= self.target


def _spans(won: Windows) -> dict[str, Span]:
    spans = {"before": won.before}
    if won.after is not None:
        spans["after"] = won.after
    return spans


def kpi_effect(action: ImprovementAction, won: Windows) -> Effect:
    """The action's KPI over its scope's snapshots (one query)."""
    kpi = definitions.by_key(action.kpi)
    counts = span_counts(action.scope_kind, action.scope_id, _spans(won))
    figures = {
        name: Figure(value=kpi.value(row), part=row[kpi.part], whole=row[kpi.whole])
        for name, row in counts.items()
    }
    return Effect(
        label=str(kpi.label),
        unit=kpi.unit,
        whole_label=str(KpiSnapshot._meta.get_field(kpi.whole).verbose_name),
        windows=won,
        before=figures["before"],
        after=figures.get("after"),
        target=action.target,
        higher_is_better=action.higher_is_better,
        kpi=kpi,
    )


_SCOPE_OF_EVALUATION = {
    ScopeKind.TEAM: "evaluation__team_id",
    ScopeKind.AGENT: "evaluation__agent_id",
    ScopeKind.CALL_TYPE: "evaluation__call__call_type_id",
}
# The evaluations list's filter for a scope (none for a call type: the list filters by scorecard).
_LIST_FILTER = {ScopeKind.TEAM: "team", ScopeKind.AGENT: "agent"}


def _submitted_in(span: Span) -> Q:
    start, end = local_bounds(span.first, span.last)
    return Q(evaluation__submitted_at__gte=start, evaluation__submitted_at__lt=end)


def _criterion_link(action: ImprovementAction, span: Span, result: str | None = None) -> str:
    if action.scope_kind != ScopeKind.CENTER and action.scope_kind not in _LIST_FILTER:
        return ""
    params = {
        "date_from": span.first.isoformat(),
        "date_to": span.last.isoformat(),
        "criterion": action.criterion_id,
    }
    if action.scope_kind in _LIST_FILTER:
        params[_LIST_FILTER[action.scope_kind]] = action.scope_id
    if result:
        params["criterion_result"] = result
    return evaluations_url(params)


def criterion_effect(action: ImprovementAction, won: Windows) -> Effect:
    """The criterion's failed share over the scope's evaluations (one query). The evaluations are narrowed to
    the windows inside the subquery, so that it searches the submission dates' index rather than scanning
    every evaluation ever submitted (tests/benchmarks/bench_insight.py)."""
    spans = _spans(won)
    where, in_windows = Q(), Q()
    for span in spans.values():
        where |= _submitted_in(span)
        start, end = local_bounds(span.first, span.last)
        in_windows |= Q(submitted_at__gte=start, submitted_at__lt=end)
    evaluations = counted_evaluations().filter(in_windows).values("pk")
    answers = Answer.objects.filter(
        APPLICABLE_ANSWER, criterion_id=action.criterion_id, evaluation__in=evaluations
    )
    if action.scope_kind in _SCOPE_OF_EVALUATION:
        answers = answers.filter(**{_SCOPE_OF_EVALUATION[action.scope_kind]: action.scope_id})
    sums = {}
    for name, span in spans.items():
        sums[f"{name}_answered"] = Count("pk", filter=_submitted_in(span))
        sums[f"{name}_failed"] = Count("pk", filter=_submitted_in(span) & failed_answer())
    row = answers.filter(where).order_by().aggregate(**sums)
    figures = {
        name: Figure(
            value=rate(row[f"{name}_failed"], row[f"{name}_answered"]),
            part=row[f"{name}_failed"],
            whole=row[f"{name}_answered"],
            link=_criterion_link(action, span, CRITERION_FAILED),
        )
        for name, span in spans.items()
    }
    return Effect(
        label=_("Share failing “%(criterion)s”") % {"criterion": action.criterion.title},
        unit=definitions.RATE,
        whole_label=_("evaluations that answered the criterion (not N/A)"),
        windows=won,
        before=figures["before"],
        after=figures.get("after"),
        target=action.target,
        higher_is_better=action.higher_is_better,
    )


def effect(action: ImprovementAction, today: date | None = None) -> Effect:
    """The action's figure before vs after (its criterion's failed share if it names one, else its KPI)."""
    won = windows(action, today)
    if action.criterion_id is not None:
        return criterion_effect(action, won)
    return kpi_effect(action, won)


def is_overdue(action: ImprovementAction, today: date | None = None) -> bool:
    return action.status == ImprovementAction.Status.OPEN and action.due_on < (today or timezone.localdate())


# --- Scopes ---------------------------------------------------------------------------------------------------

_SCOPE_MODELS = {ScopeKind.TEAM: Team, ScopeKind.AGENT: User, ScopeKind.CALL_TYPE: CallType}


def scope_label(scope_kind: str, scope_id: int) -> str:
    if scope_kind == ScopeKind.CENTER or scope_kind not in _SCOPE_MODELS:
        return _("The whole center")
    scope = _SCOPE_MODELS[scope_kind].objects.filter(pk=scope_id).first()
    return str(scope) if scope is not None else _("(deleted)")


def scope_labels(rows) -> dict[tuple[str, int], str]:
    """{(scope kind, id) → its name} for many actions: one query per kind of scope."""
    wanted: dict[str, set[int]] = {kind: set() for kind in _SCOPE_MODELS}
    for row in rows:
        if row.scope_kind in wanted:
            wanted[row.scope_kind].add(row.scope_id)
    labels = {(ScopeKind.CENTER.value, CENTER_ID): _("The whole center")}
    for kind, model in _SCOPE_MODELS.items():
        if not wanted[kind]:
            continue
        for scope in model.objects.filter(pk__in=wanted[kind]):
            labels[(kind, scope.pk)] = str(scope)
    return labels


# --- The list -------------------------------------------------------------------------------------------------

OPEN, CLOSED, ALL = "open", "closed", "all"


@dataclass(frozen=True, kw_only=True)
class ListFilters:
    status: str = OPEN  # OPEN, CLOSED (done or cancelled) or ALL, or one status
    owner: User | None = None


def actions(visible: QuerySet[ImprovementAction], filters: ListFilters) -> QuerySet[ImprovementAction]:
    rows = visible.select_related("owner", "criterion")
    if filters.status == OPEN:
        rows = rows.filter(status=ImprovementAction.Status.OPEN)
    elif filters.status == CLOSED:
        rows = rows.exclude(status=ImprovementAction.Status.OPEN)
    elif filters.status in ImprovementAction.Status.values:
        rows = rows.filter(status=filters.status)
    if filters.owner is not None:
        rows = rows.filter(owner=filters.owner)
    return rows.order_by("due_on", "id")
