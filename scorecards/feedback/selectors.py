"""Read queries for the agents' and team leads' feedback pages, and the evaluation history's wording.

Only regular (non-calibration) submitted evaluations count; every number is aggregated in the database.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, FloatField, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, TruncWeek
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qa_center.people.models import User
from qa_center.rates import mean, rate, rate_expression
from scorecards.evaluations.answers import answer_label
from scorecards.kpis import counted_evaluations, evaluation_counts
from scorecards.models import Answer, Criterion, Dispute, Evaluation, EvaluationChange
from scorecards.scoring import engine as scoring

__all__ = [
    "CRITERION_MIN_ANSWERS",
    "FEEDBACK_DAYS",
    "RECENT_DAYS",
    "CriterionStat",
    "Feedback",
    "HistoryRow",
    "ScoreTrend",
    "TeamFeedback",
    "TeamWeek",
    "WeekPoint",
    "agents_below_pass_mark",
    "describe_answer",
    "describe_answer_state",
    "evaluation_history",
    "my_feedback",
    "score_trend",
    "start_of_week",
    "team_agents",
    "team_feedback",
    "team_week",
]

FEEDBACK_DAYS = 90
#: A criterion answered fewer times than this says nothing yet about the agent.
CRITERION_MIN_ANSWERS = 3
#: A strength: full points on at least this share of a criterion's answers.
STRENGTH_MIN_FULL_RATE = 0.5
TOP_CRITERIA = 5
#: The home pages compare the last this many days with the same length of time before.
RECENT_DAYS = 30


@dataclass(frozen=True)
class WeekPoint:
    week: date  # the Monday the week starts on
    average: float
    count: int


@dataclass(frozen=True)
class CriterionStat:
    title: str
    answers: int
    full: int  # answers that earned the criterion's full points
    average: float  # mean fraction of the points earned, 0..1

    @property
    def full_rate(self) -> float:
        return self.full / self.answers

    @property
    def average_percent(self) -> float:
        return 100 * self.average


@dataclass(frozen=True)
class Summary:
    count: int
    scored: int
    average: float | None  # None: no evaluation with a score ("no data", not 0)
    passed: int
    judged: int
    auto_failed: int
    disputed: int

    @property
    def pass_rate(self) -> float | None:
        return rate(self.passed, self.judged)


@dataclass(frozen=True)
class Feedback:
    agent: User
    since: datetime
    days: int
    evaluations: QuerySet  # every submitted regular evaluation, newest first (not only the period's)
    summary: Summary
    trend: list[WeekPoint]
    strengths: list[CriterionStat]
    weakest: list[CriterionStat]

    def chart_data(self) -> dict:
        return _chart_data(self.trend)


@dataclass(frozen=True)
class TeamFeedback:
    lead: User
    since: datetime
    days: int
    agents: QuerySet  # the lead's agents annotated with their period's numbers
    summary: Summary
    trend: list[WeekPoint]
    strengths: list[CriterionStat]
    weakest: list[CriterionStat]

    def chart_data(self) -> dict:
        return _chart_data(self.trend)


def _chart_data(trend: list[WeekPoint]) -> dict:
    return {
        "labels": [date_format(point.week, "SHORT_DATE_FORMAT") for point in trend],
        "averages": [round(point.average, 1) for point in trend],
        "counts": [point.count for point in trend],
    }


# --- Building blocks over any set of evaluations ------------------------------------------------------------


def _counted() -> QuerySet:
    return counted_evaluations()


def _summary(evaluations: QuerySet) -> Summary:
    """The QA counts of scorecards.kpis (the snapshots' too), in one query."""
    row = evaluations.aggregate(**evaluation_counts())
    return Summary(
        count=row["evaluations"],
        scored=row["scored_evaluations"],
        average=mean(row["score_total"], row["scored_evaluations"]),
        passed=row["passed_evaluations"],
        judged=row["judged_evaluations"],
        auto_failed=row["auto_failed_evaluations"],
        disputed=row["disputed_evaluations"],
    )


def _trend(evaluations: QuerySet) -> list[WeekPoint]:
    """Mean score per week (in the site's time zone); evaluations without a score are left out."""
    rows = (
        evaluations.scored()
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(average=Avg("score"), count=Count("id"))
        .order_by("week")
    )
    return [
        WeekPoint(week=_as_date(row["week"]), average=float(row["average"]), count=row["count"])
        for row in rows
    ]


def _as_date(value: date | datetime) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def _criteria_stats(evaluations: QuerySet) -> list[CriterionStat]:
    """Per criterion title (so that versions of a scorecard add up): applicable answers, full-point answers
    and the mean fraction of points earned, for criteria answered at least CRITERION_MIN_ANSWERS times."""
    # As floats: SQLite stores whole decimals as integers and would divide them as integers.
    fraction = Cast("points", FloatField()) / Cast("max_points", FloatField())
    rows = (
        Answer.objects.filter(evaluation__in=evaluations, is_na=False, points__isnull=False, max_points__gt=0)
        .values("criterion__title")
        .annotate(
            answers=Count("id"),
            full=Count("id", filter=Q(points__gte=F("max_points"))),
            average=Avg(fraction),
        )
        .filter(answers__gte=CRITERION_MIN_ANSWERS)
        .order_by("criterion__title")
    )
    return [
        CriterionStat(
            title=row["criterion__title"], answers=row["answers"], full=row["full"], average=row["average"]
        )
        for row in rows
    ]


def _strengths_and_weakest(stats: list[CriterionStat]) -> tuple[list[CriterionStat], list[CriterionStat]]:
    """Strengths: the criteria most often answered with full points (at least half of the time); weakest: the
    lowest mean fraction among the others. `stats` is one row per criterion, already aggregated."""
    strengths = sorted(
        (s for s in stats if s.full and s.full_rate >= STRENGTH_MIN_FULL_RATE),
        key=lambda s: (-s.full_rate, -s.full, s.title),
    )[:TOP_CRITERIA]
    chosen = {s.title for s in strengths}
    weakest = sorted(
        (s for s in stats if s.average < 1 and s.title not in chosen),
        key=lambda s: (s.average, -s.answers, s.title),
    )[:TOP_CRITERIA]
    return strengths, weakest


def _since(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


# --- The agent's feedback -----------------------------------------------------------------------------------


def my_feedback(*, agent: User, days: int = FEEDBACK_DAYS, lead: User | None = None) -> Feedback:
    """The agent's submitted regular evaluations, and over the last `days`: summary, weekly trend, strengths,
    weakest criteria. With `lead`, only those of calls taken for the lead's teams (what the lead may read)."""
    since = _since(days)
    evaluations = _counted().for_agent(agent)
    if lead is not None:
        evaluations = evaluations.filter(team__lead=lead)
    period = evaluations.filter(submitted_at__gte=since)
    strengths, weakest = _strengths_and_weakest(_criteria_stats(period))
    return Feedback(
        agent=agent,
        since=since,
        days=days,
        evaluations=evaluations.select_related("reviewer", "call", "call__call_type", "version__scorecard"),
        summary=_summary(period),
        trend=_trend(period),
        strengths=strengths,
        weakest=weakest,
    )


# --- The team lead's view -----------------------------------------------------------------------------------


def team_agents(*, lead: User) -> QuerySet:
    """The agents of the teams `lead` leads, and those who have moved on but have evaluations of calls taken for
    those teams (Evaluation.team is the lead's scope): the only people whose feedback a team lead sees."""
    evaluated_for_team = _counted().filter(agent=OuterRef("pk"), team__lead=lead)
    return User.objects.filter(
        Q(team__lead=lead) | Q(Exists(evaluated_for_team)), is_agent=True
    ).select_related("team")


def team_feedback(*, lead: User, days: int = FEEDBACK_DAYS) -> TeamFeedback:
    """Per agent of the lead's teams, over the last `days`: evaluations, average score, pass rate, last
    evaluation; and for the whole of those teams: summary, weekly trend, strengths and weakest criteria."""
    since = _since(days)
    counted = Q(
        evaluations__calibration_session__isnull=True,
        evaluations__status__in=Evaluation.COUNTED_STATUSES,
        evaluations__team__lead=lead,
    )
    in_period = counted & Q(evaluations__submitted_at__gte=since)
    agents = (
        team_agents(lead=lead)
        .annotate(
            evaluation_count=Count("evaluations", filter=in_period),
            average_score=Avg("evaluations__score", filter=in_period),
            passed_count=Count("evaluations", filter=in_period & Q(evaluations__passed=True)),
            judged_count=Count("evaluations__passed", filter=in_period),
            last_evaluated_at=Max("evaluations__submitted_at", filter=counted),
        )
        .annotate(pass_rate=rate_expression("passed_count", "judged_count"))
        .order_by("team__name", "first_name", "last_name", "username")
    )
    period = _counted().filter(agent__is_agent=True, team__lead=lead, submitted_at__gte=since)
    strengths, weakest = _strengths_and_weakest(_criteria_stats(period))
    return TeamFeedback(
        lead=lead,
        since=since,
        days=days,
        agents=agents,
        summary=_summary(period),
        trend=_trend(period),
        strengths=strengths,
        weakest=weakest,
    )


# --- The history of an evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    change: EvaluationChange
    what: str
    before: str
    after: str


def evaluation_history(*, evaluation: Evaluation) -> list[HistoryRow]:
    """The evaluation's changes, oldest first, each with words for what changed and its before → after."""
    changes = evaluation.changes.select_related("changed_by", "criterion").order_by("changed_at", "id")
    return [
        HistoryRow(
            change=change,
            what=_what(change),
            before=_describe(change, change.before),
            after=_describe(change, change.after),
        )
        for change in changes
    ]


def _what(change: EvaluationChange) -> str:
    # A value the choices do not know (an older or hand-written row) is shown as stored.
    return change.get_action_display()


def _describe(change: EvaluationChange, state) -> str:
    if not state:
        return ""
    if not isinstance(state, dict):
        return str(state)
    if change.action == EvaluationChange.Action.ANSWER_ADJUSTED:
        return describe_answer_state(change.criterion, state)
    if "score" in state:
        return _describe_score(state)
    if "status" in state:
        text = str(Evaluation.Status(state["status"]).label) if state["status"] in Evaluation.Status else ""
        if state.get("decision") in Dispute.Status:
            text = f"{text}: {Dispute.Status(state['decision']).label}"
        return text or str(state["status"])
    return ", ".join(f"{key}: {value}" for key, value in state.items())


def describe_answer(answer: Answer) -> str:
    """The reviewer's answer in words, with its points ("No (0 / 1 points)")."""
    state = {
        "is_na": answer.is_na,
        "value": answer.value,
        "option_label": answer.option.label if answer.option_id else None,
        "points": None if answer.points is None else str(answer.points),
        "max_points": None if answer.max_points is None else str(answer.max_points),
    }
    return describe_answer_state(answer.criterion, state)


def describe_answer_state(criterion: Criterion | None, state: dict) -> str:
    """An answer as the history stored it: "Yes (1 / 1 points)", "3 / 4 (…)", "Good (2 / 3 points)"."""
    if state.get("is_na"):
        return answer_label(criterion, scoring.NA)
    if state.get("option_label"):
        answer = state["option_label"]  # stored: the words it had then
    elif criterion is not None and criterion.kind != Criterion.Kind.CHOICE and state.get("value") is not None:
        answer = answer_label(criterion, state["value"])
    else:
        answer = "" if state.get("value") is None else str(state["value"])
    if state.get("points") is None:
        return answer or _("not answered")
    points = _("%(points)s / %(max)s points") % {
        "points": floatformat(Decimal(state["points"]), -2),
        "max": floatformat(Decimal(state["max_points"] or 0), -2),
    }
    return f"{answer} ({points})"


def _describe_score(state: dict) -> str:
    if state.get("score") is None:
        return _("no score")
    text = f"{floatformat(Decimal(state['score']), 2)}%"
    if state.get("auto_failed") and state.get("score_before_autofail") is not None:
        text += " " + _("(auto-failed; %(before)s%% before)") % {
            "before": floatformat(Decimal(state["score_before_autofail"]), 2)
        }
    if state.get("passed") is True:
        text += " · " + _("passed")
    elif state.get("passed") is False:
        text += " · " + _("not passed")
    return text


# --- What the home pages show --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreTrend:
    latest: Evaluation | None  # the agent's last submitted evaluation with a score
    recent: float | None  # mean score over the last `days` (None: no data)
    previous: float | None  # mean score over the `days` before those
    days: int

    @property
    def change(self) -> float | None:
        """Recent minus previous mean, in points; None when either period has no data."""
        if self.recent is None or self.previous is None:
            return None
        return self.recent - self.previous

    @property
    def change_size(self) -> float | None:
        """How far the mean moved, whichever way."""
        return None if self.change is None else abs(self.change)


def score_trend(*, agent: User, now: datetime, days: int = RECENT_DAYS) -> ScoreTrend:
    """The agent's latest score, and their mean score over the last `days` against the `days` before (two
    queries). Submitted regular evaluations only; those without a score are left out."""
    scored = _counted().for_agent(agent).scored()
    latest = scored.select_related("call", "version__scorecard").order_by("-submitted_at", "-pk").first()
    start, middle = now - timedelta(days=2 * days), now - timedelta(days=days)
    row = scored.filter(submitted_at__gte=start).aggregate(
        recent=Avg("score", filter=Q(submitted_at__gte=middle)),
        previous=Avg("score", filter=Q(submitted_at__lt=middle)),
    )
    return ScoreTrend(
        latest=latest,
        recent=None if row["recent"] is None else float(row["recent"]),
        previous=None if row["previous"] is None else float(row["previous"]),
        days=days,
    )


@dataclass(frozen=True)
class TeamWeek:
    since: datetime  # Monday 00:00 of this week, in the current time zone
    summary: Summary
    latest: QuerySet  # the week's evaluations, newest first


def start_of_week(now: datetime) -> datetime:
    """Monday 00:00 of the week of `now`, in the current time zone."""
    day = timezone.localtime(now).date()
    monday = day - timedelta(days=day.weekday())
    return timezone.make_aware(datetime.combine(monday, datetime.min.time()))


def team_week(*, lead: User, now: datetime) -> TeamWeek:
    """The evaluations of calls taken for the teams `lead` leads, submitted since Monday: summed up (one query)
    and listed newest first (a queryset: the caller slices it)."""
    since = start_of_week(now)
    week = _counted().filter(team__lead=lead, submitted_at__gte=since)
    return TeamWeek(
        since=since,
        summary=_summary(week),
        latest=week.select_related("agent", "call", "call__call_type").order_by("-submitted_at", "-pk"),
    )


def agents_below_pass_mark(*, lead: User, now: datetime, days: int = RECENT_DAYS) -> QuerySet:
    """The agents of the lead's teams (team_agents) whose mean score over the last `days` is below the pass
    mark, lowest first, annotated with `average_score`, `pass_mark` and `evaluation_count`.

    Each evaluation is judged by its own scorecard version's pass mark, so the mean score is compared with the
    mean pass mark of the same evaluations: with one scorecard, exactly "below its pass mark"."""
    scored = Q(
        evaluations__calibration_session__isnull=True,
        evaluations__status__in=Evaluation.COUNTED_STATUSES,
        evaluations__team__lead=lead,
        evaluations__submitted_at__gte=now - timedelta(days=days),
        evaluations__score__isnull=False,
    )
    return (
        team_agents(lead=lead)
        .annotate(
            evaluation_count=Count("evaluations", filter=scored),
            average_score=Avg("evaluations__score", filter=scored),
            pass_mark=Avg("evaluations__version__pass_mark", filter=scored),
        )
        .filter(evaluation_count__gt=0, average_score__lt=F("pass_mark"))
        .order_by("average_score", "first_name", "last_name", "username")
    )
