"""Reads for coaching sessions: the agenda's suggestions, the lead's week, the coaching effect, the lists and
the home pages' items. Every figure is aggregated in the database; a page's query count does not grow with
the number of sessions or evaluations.

The evaluations a lead discusses and measures are those of calls taken for the lead's teams (Evaluation.team:
the lead's scope, as on the team feedback pages), regular and submitted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast
from django.utils import timezone

from coaching.access import coachable_agents
from coaching.library.selectors import entries_for_criteria, entries_for_text, visible_clips
from coaching.models import ActionItem, AgendaItem, CoachingSession, LibraryEntry
from qa_center.people.models import User
from scorecards.feedback.selectors import CriterionStat, my_feedback
from scorecards.models import Answer, Evaluation

__all__ = [
    "AGENDA_DAYS",
    "EFFECT_DAYS",
    "AgendaSuggestions",
    "LibrarySuggestion",
    "Effect",
    "agenda_suggestions",
    "home_items_for_agent",
    "home_items_for_lead",
    "lead_week",
    "session_effect",
    "sessions_with_effect",
    "weakest_criterion_of",
]

#: The agenda suggests what happened in the agent's last 30 days.
AGENDA_DAYS = 30
#: The coaching effect compares the 30 days before a session with the 30 days after it.
EFFECT_DAYS = 30
SUGGESTED_EVALUATIONS = 20
#: The library calls suggested for the weak criteria, and for a role-play's scenario.
SUGGESTED_LIBRARY_ENTRIES = 5
SUGGESTED_SCENARIO_ENTRIES = 3
PRESELECTED_STRENGTHS = 3
#: Home page: an agent with no session in this many days and a falling score needs one.
NO_SESSION_DAYS = 30

Status = CoachingSession.Status


def _counted() -> QuerySet:
    return Evaluation.objects.regular().submitted()


def _fraction():
    # As floats: SQLite stores whole decimals as integers and would divide them as integers.
    return Cast("points", FloatField()) / Cast("max_points", FloatField())


def _applicable_answers() -> QuerySet:
    return Answer.objects.filter(is_na=False, points__isnull=False, max_points__gt=0)


def _weakest_title_of(evaluation_ref) -> Subquery:
    """The title of the evaluation's criterion that earned the smallest share of its points (below full)."""
    answers = (
        _applicable_answers()
        .filter(evaluation=evaluation_ref, points__lt=F("max_points"))
        .annotate(fraction=_fraction())
        .order_by("fraction", "criterion__section__position", "criterion__position", "pk")
        .values("criterion__title")[:1]
    )
    return Subquery(answers)


def weakest_criterion_of(evaluation: Evaluation) -> str | None:
    """The evaluation's weakest criterion by title; None when every criterion earned full points."""
    row = Evaluation.objects.filter(pk=evaluation.pk).annotate(weakest=_weakest_title_of(OuterRef("pk")))
    return row.values_list("weakest", flat=True).first()


# --- The agenda ---------------------------------------------------------------------------------------------


@dataclass
class EvaluationSuggestion:
    evaluation: Evaluation
    weakest_title: str
    failed: int  # applicable criteria that earned no points
    preselected: bool
    selected: bool = False


@dataclass
class StrengthSuggestion:
    stat: CriterionStat
    preselected: bool
    selected: bool = False

    @property
    def title(self) -> str:
        return self.stat.title


@dataclass
class LibrarySuggestion:
    """An exemplary call of the library: tagged with criteria the agent struggles with (`weak`, those of its
    criteria), or, for a role-play, an example of the scenario done well (`for_scenario`). Never preselected:
    the lead picks."""

    entry: LibraryEntry
    weak: list[str]
    for_scenario: bool = False
    selected: bool = False

    @property
    def criteria(self) -> list[str]:
        return [criterion.title for criterion in self.entry.criteria.all()]


@dataclass
class AgendaSuggestions:
    """What the agenda builder offers: evaluations, strengths, and the library's exemplary calls tagged with
    `weak_titles` (and, for a role-play, those of its scenario)."""

    evaluations: list[EvaluationSuggestion]
    strengths: list[StrengthSuggestion]
    weak_titles: list[str]
    library: list[LibrarySuggestion] = field(default_factory=list)
    free_items: list[AgendaItem] = field(default_factory=list)
    prepared: bool = False


def _agenda_evaluations(session: CoachingSession, *, since: datetime, weak_titles: list[str]) -> QuerySet:
    failed = Q(answers__is_na=False, answers__max_points__gt=0, answers__points=0)
    on_weak = _applicable_answers().filter(
        evaluation=OuterRef("pk"), criterion__title__in=weak_titles, points__lt=F("max_points")
    )
    return (
        _counted()
        .filter(agent=session.agent_id, team__lead=session.lead_id, submitted_at__gte=since)
        .annotate(
            failed_count=Count("answers", filter=failed),
            weakest_title=_weakest_title_of(OuterRef("pk")),
            on_weak=Exists(on_weak),
        )
        .select_related("call", "call__call_type")
        .order_by(F("score").asc(nulls_last=True), "-submitted_at", "-pk")
    )


def agenda_suggestions(session: CoachingSession, *, now: datetime | None = None) -> AgendaSuggestions:
    """The agent's evaluations of the last AGENDA_DAYS, preselected when one of their criteria failed (no
    points) or is one of the agent's weakest; the agent's strengths, the first PRESELECTED_STRENGTHS
    preselected. Until the lead first saves the agenda, what is preselected (and what is already on it) shows
    checked; afterwards exactly what they picked."""
    now = now or timezone.now()
    since = now - timedelta(days=AGENDA_DAYS)
    feedback = my_feedback(agent=session.agent, days=AGENDA_DAYS, lead=session.lead)
    weak_titles = [stat.title for stat in feedback.weakest]
    items = list(
        session.agenda_items.select_related(
            "evaluation__call", "evaluation__call__call_type", "entry", "entry__call_type"
        ).prefetch_related("entry__criteria")
    )
    prepared = session.agenda_prepared_at is not None
    on_agenda = {item.evaluation_id: item for item in items if item.kind == AgendaItem.Kind.EVALUATION}
    strengths_on_agenda = {item.criterion_title for item in items if item.kind == AgendaItem.Kind.STRENGTH}

    evaluations = []
    for evaluation in _agenda_evaluations(session, since=since, weak_titles=weak_titles)[
        :SUGGESTED_EVALUATIONS
    ]:
        preselected = bool(evaluation.failed_count or evaluation.on_weak)
        suggestion = EvaluationSuggestion(
            evaluation=evaluation,
            weakest_title=evaluation.weakest_title or "",
            failed=evaluation.failed_count,
            preselected=preselected,
            selected=evaluation.pk in on_agenda or (preselected and not prepared),
        )
        evaluations.append(suggestion)
    listed = {suggestion.evaluation.pk for suggestion in evaluations}
    for evaluation_id, item in on_agenda.items():
        if evaluation_id not in listed:  # older than the period (e.g. a session started from it): kept
            evaluations.append(
                EvaluationSuggestion(
                    evaluation=item.evaluation,
                    weakest_title=item.criterion_title,
                    failed=0,
                    preselected=False,
                    selected=True,
                )
            )
    strengths = [
        StrengthSuggestion(
            stat=stat,
            preselected=index < PRESELECTED_STRENGTHS,
            selected=stat.title in strengths_on_agenda or (index < PRESELECTED_STRENGTHS and not prepared),
        )
        for index, stat in enumerate(feedback.strengths)
    ]
    return AgendaSuggestions(
        evaluations=evaluations,
        strengths=strengths,
        weak_titles=weak_titles,
        library=_library_suggestions(session, weak_titles=weak_titles, items=items),
        free_items=[item for item in items if item.kind == AgendaItem.Kind.FREE],
        prepared=prepared,
    )


def _library_suggestions(
    session: CoachingSession, *, weak_titles: list[str], items: list[AgendaItem]
) -> list[LibrarySuggestion]:
    """The approved entries tagged with the weak criteria (coaching.library.selectors.entries_for_criteria);
    for a role-play first the entries whose tags occur in its scenario (entries_for_text); then the entries
    already on the agenda that are no longer suggested (kept, ticked). Three queries per lookup."""
    on_agenda = {item.entry_id: item.entry for item in items if item.kind == AgendaItem.Kind.LIBRARY}
    suggestions: dict[int, LibrarySuggestion] = {}
    if session.kind == CoachingSession.Kind.ROLE_PLAY and session.scenario:
        for entry in entries_for_text(session.lead, session.scenario, SUGGESTED_SCENARIO_ENTRIES):
            suggestions[entry.pk] = LibrarySuggestion(entry=entry, weak=[], for_scenario=True)
    found = entries_for_criteria(session.lead, weak_titles, SUGGESTED_LIBRARY_ENTRIES)
    for entry in [*found, *on_agenda.values()]:
        suggestions.setdefault(entry.pk, LibrarySuggestion(entry=entry, weak=[]))
    weak = set(weak_titles)
    for suggestion in suggestions.values():
        suggestion.weak = [title for title in suggestion.criteria if title in weak]
        suggestion.selected = suggestion.entry.pk in on_agenda
    return list(suggestions.values())


def agenda_of(session: CoachingSession, *, viewer: User | None = None) -> list[AgendaItem]:
    """The session's agenda, each library entry with its criteria and the clips `viewer` may hear
    (entry.visible_clips: internal-only clips are left out for agents)."""
    items = session.agenda_items.select_related(
        "evaluation", "evaluation__call", "evaluation__call__call_type", "entry", "entry__call_type"
    )
    if viewer is not None:
        items = items.prefetch_related(
            "entry__criteria",
            Prefetch("entry__clips", queryset=visible_clips(viewer), to_attr="visible_clips"),
        )
    return list(items)


# --- The lead's week ----------------------------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date) -> datetime:
    """The instant `day` begins in the center's time zone (a DST change makes some days 23 or 25 hours)."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class CalendarDay:
    day: date
    sessions: list[CoachingSession]


def lead_week(*, lead: User, monday: date) -> list[CalendarDay]:
    """The seven days from `monday` with the sessions `lead` takes part in (cancelled ones are left out)."""
    start, end = local_midnight(monday), local_midnight(monday + timedelta(days=7))
    sessions = (
        CoachingSession.objects.live()
        .of_person(lead)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("agent", "lead")
        .order_by("starts_at", "pk")
    )
    by_day: dict[date, list[CoachingSession]] = {monday + timedelta(days=n): [] for n in range(7)}
    for session in sessions:
        day = timezone.localtime(session.starts_at).date()
        by_day.get(max(day, monday), by_day[monday]).append(session)
    return [CalendarDay(day=day, sessions=sessions) for day, sessions in by_day.items()]


# --- The coaching effect ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    average: float | None  # None: no evaluation in the window ("no data", never 0)
    count: int


@dataclass(frozen=True)
class CriterionEffect:
    title: str
    before: Figure
    after: Figure


@dataclass(frozen=True)
class Effect:
    days: int
    before: Figure
    after: Figure
    criteria: list[CriterionEffect]

    @property
    def change(self) -> float | None:
        if self.before.average is None or self.after.average is None:
            return None
        return self.after.average - self.before.average


def _windows(session: CoachingSession, days: int) -> tuple[Q, Q]:
    """Calls the agent took in the `days` before the session started, and in those after it ended."""
    span = timedelta(days=days)
    before = Q(call__started_at__gte=session.starts_at - span, call__started_at__lt=session.starts_at)
    after = Q(call__started_at__gte=session.ends_at, call__started_at__lt=session.ends_at + span)
    return before, after


def _prefixed(condition: Q, prefix: str) -> Q:
    """The same window on a related evaluation (`evaluation__call__started_at...`)."""
    return Q(*[(f"{prefix}{key}", value) for key, value in condition.children])


def session_effect(session: CoachingSession, *, days: int = EFFECT_DAYS) -> Effect:
    """The agent's QA score and the scores of the criteria on the agenda, before vs after (two queries, and the
    agenda's criteria are read with it)."""
    before, after = _windows(session, days)
    evaluations = _counted().filter(agent=session.agent_id, team__lead=session.lead_id)
    row = evaluations.aggregate(
        before_average=Avg("score", filter=before),
        before_count=Count("score", filter=before),
        after_average=Avg("score", filter=after),
        after_count=Count("score", filter=after),
    )
    titles = list(
        session.agenda_items.exclude(criterion_title="")
        .values_list("criterion_title", flat=True)
        .distinct()
        .order_by("criterion_title")
    )
    criteria = []
    if titles:
        answer_before, answer_after = _prefixed(before, "evaluation__"), _prefixed(after, "evaluation__")
        rows = (
            _applicable_answers()
            .filter(evaluation__in=evaluations.filter(before | after), criterion__title__in=titles)
            .values("criterion__title")
            .annotate(
                before_average=Avg(_fraction(), filter=answer_before),
                before_count=Count("id", filter=answer_before),
                after_average=Avg(_fraction(), filter=answer_after),
                after_count=Count("id", filter=answer_after),
            )
            .order_by("criterion__title")
        )
        found = {r["criterion__title"]: r for r in rows}
        for title in titles:
            r = found.get(title, {})
            criteria.append(
                CriterionEffect(
                    title=title,
                    before=_figure(r.get("before_average"), r.get("before_count", 0), percent=True),
                    after=_figure(r.get("after_average"), r.get("after_count", 0), percent=True),
                )
            )
    return Effect(
        days=days,
        before=_figure(row["before_average"], row["before_count"]),
        after=_figure(row["after_average"], row["after_count"]),
        criteria=criteria,
    )


def _figure(value, count: int, *, percent: bool = False) -> Figure:
    if value is None or not count:
        return Figure(average=None, count=count or 0)
    return Figure(average=float(value) * (100 if percent else 1), count=count)


def _window_subquery(aggregate, *, start, end) -> Subquery:
    evaluations = (
        _counted()
        .filter(
            agent=OuterRef("agent"),
            team__lead=OuterRef("lead"),
            score__isnull=False,
            call__started_at__gte=start,
            call__started_at__lt=end,
        )
        .order_by()
        .values("agent")
        .annotate(value=aggregate)
        .values("value")
    )
    return Subquery(evaluations)


def sessions_with_effect(sessions: QuerySet, *, days: int = EFFECT_DAYS) -> QuerySet:
    """`sessions` annotated with the agent's QA score before and after each, and the evaluations behind them
    (correlated subqueries: one query for the whole list)."""
    span = timedelta(days=days)
    before_start = ExpressionWrapper(OuterRef("starts_at") - span, output_field=DateTimeField())
    after_end = ExpressionWrapper(OuterRef("ends_at") + span, output_field=DateTimeField())
    return sessions.annotate(
        before_average=_window_subquery(Avg("score"), start=before_start, end=OuterRef("starts_at")),
        before_count=_window_subquery(Count("score"), start=before_start, end=OuterRef("starts_at")),
        after_average=_window_subquery(Avg("score"), start=OuterRef("ends_at"), end=after_end),
        after_count=_window_subquery(Count("score"), start=OuterRef("ends_at"), end=after_end),
    )


# --- Lists --------------------------------------------------------------------------------------------------


def upcoming_sessions(*, user: User, now: datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    return (
        CoachingSession.objects.of_person(user)
        .filter(status=Status.SCHEDULED, ends_at__gt=now)
        .select_related("lead", "agent")
        .order_by("starts_at", "pk")
    )


def past_sessions(*, user: User, now: datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    return (
        CoachingSession.objects.of_person(user)
        .filter(Q(ends_at__lte=now) | ~Q(status=Status.SCHEDULED))
        .select_related("lead", "agent")
        .order_by("-starts_at", "-pk")
    )


def open_action_items(*, owner: User) -> QuerySet:
    """The action items `owner` has to do: theirs as the agent of a session, or as its lead."""
    mine = Q(owner=ActionItem.Owner.AGENT, session__agent=owner) | Q(
        owner=ActionItem.Owner.LEAD, session__lead=owner
    )
    return (
        ActionItem.objects.filter(mine, done_at__isnull=True)
        .exclude(session__status=Status.CANCELLED)
        .select_related("session", "session__agent", "session__lead")
        .order_by("due_on", "pk")
    )


def overdue_action_items_of_lead(*, lead: User, today: date | None = None) -> QuerySet:
    """Open action items past their due date in the sessions `lead` ran, whoever owns them."""
    today = today or timezone.localdate()
    return (
        ActionItem.objects.filter(session__lead=lead, done_at__isnull=True, due_on__lt=today)
        .exclude(session__status=Status.CANCELLED)
        .select_related("session", "session__agent", "session__lead")
        .order_by("due_on", "pk")
    )


# --- The home pages -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadHome:
    today: list[CoachingSession]
    this_week: list[CoachingSession]  # after today, to the end of the week
    agendas_to_prepare: list[CoachingSession]
    overdue_action_items: list[ActionItem]
    agents_to_coach: list[User]  # annotated: recent_average, recent_count, previous_average, previous_count


@dataclass(frozen=True)
class AgentHome:
    next_session: CoachingSession | None
    open_action_items: list[ActionItem]


HOME_LIMIT = 10


def agents_to_coach(*, lead: User, now: datetime | None = None) -> QuerySet:
    """The lead's agents with no session in the last NO_SESSION_DAYS (none held or booked since) whose mean score
    of the last 30 days is below that of the 30 days before (both with evaluations behind them)."""
    now = now or timezone.now()
    span = timedelta(days=NO_SESSION_DAYS)
    recent_session = CoachingSession.objects.live().filter(agent=OuterRef("pk"), starts_at__gte=now - span)
    base = Q(
        evaluations__calibration_session__isnull=True,
        evaluations__status__in=Evaluation.COUNTED_STATUSES,
        evaluations__team__lead=lead,
        evaluations__score__isnull=False,
    )
    recent = base & Q(evaluations__submitted_at__gte=now - span)
    previous = base & Q(
        evaluations__submitted_at__gte=now - 2 * span, evaluations__submitted_at__lt=now - span
    )
    return (
        coachable_agents(lead)
        .exclude(Exists(recent_session))
        .annotate(
            recent_average=Avg("evaluations__score", filter=recent),
            recent_count=Count("evaluations", filter=recent),
            previous_average=Avg("evaluations__score", filter=previous),
            previous_count=Count("evaluations", filter=previous),
        )
        .filter(recent_count__gt=0, previous_count__gt=0, recent_average__lt=F("previous_average"))
        .order_by(F("recent_average") - F("previous_average"), "pk")
    )


def home_items_for_lead(user: User, *, now: datetime | None = None) -> LeadHome:
    """The team lead's coaching on the home page: sessions today and the rest of this week, agendas still to
    prepare (the next 7 days), overdue action items, and agents who need a session (four queries)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    tomorrow = local_midnight(today + timedelta(days=1))
    week_end = local_midnight(monday_of(today) + timedelta(days=7))
    scheduled = CoachingSession.objects.filter(lead=user, status=Status.SCHEDULED).select_related("agent")
    this_week = list(
        scheduled.filter(
            starts_at__gte=local_midnight(today), starts_at__lt=max(week_end, tomorrow)
        ).order_by("starts_at", "pk")
    )
    return LeadHome(
        today=[s for s in this_week if s.starts_at < tomorrow],
        this_week=[s for s in this_week if s.starts_at >= tomorrow],
        agendas_to_prepare=list(
            scheduled.filter(
                agenda_prepared_at__isnull=True, ends_at__gt=now, starts_at__lt=now + timedelta(days=7)
            ).order_by("starts_at", "pk")[:HOME_LIMIT]
        ),
        overdue_action_items=list(overdue_action_items_of_lead(lead=user, today=today)[:HOME_LIMIT]),
        agents_to_coach=list(agents_to_coach(lead=user, now=now)[:HOME_LIMIT]),
    )


def home_items_for_agent(user: User, *, now: datetime | None = None) -> AgentHome:
    """The agent's next session and their open action items (two queries)."""
    now = now or timezone.now()
    next_session = (
        CoachingSession.objects.filter(agent=user, status=Status.SCHEDULED, ends_at__gt=now)
        .select_related("lead")
        .order_by("starts_at", "pk")
        .first()
    )
    items = ActionItem.objects.filter(
        owner=ActionItem.Owner.AGENT, session__agent=user, done_at__isnull=True
    ).exclude(session__status=Status.CANCELLED)
    return AgentHome(
        next_session=next_session,
        open_action_items=list(
            items.select_related("session", "session__lead").order_by("due_on", "pk")[:HOME_LIMIT]
        ),
    )
