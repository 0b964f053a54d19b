"""The insight pages (issue 11, DESIGN.md capability 7): the lists behind the numbers, each rule a function.

Every page reads one range of days (a Span, inclusive) for an InsightScope (qa_center.kpis.access): the center
for a QA manager, or the teams a user may see. The counting is done in the database (grouped, filtered
aggregates); only per-agent figures, a few hundred rows at most, are combined in Python (medians, Pearson's r).

- NPS follow-up: an answer of 0–8 (a detractor or a passive) awaits a call-back, one of 9–10 (a promoter) an
  invitation to refer a friend, until someone marks it done (kpis.SurveyFollowUp). The share followed up is
  the done answers ÷ the answers of the period needing a follow-up (all NPS answers), with that n. An answer
  not linked to a call has no team: it is in the center's lists only (a QA manager's, no team chosen).
- "A process, not a person": for a criterion, an agent FAILS it in the period when at least one of their
  evaluations submitted in the period earned less than the criterion's full marks on it (the evaluations
  list's "criterion failed"). The share is failing agents ÷ agents with at least one APPLICABLE answer to it:
  agents never evaluated on it (not on that scorecard version, or only N/A) are left out. Per team (the
  evaluation's team) and for the center.
- AHT outliers: an agent's AHT is the handle time over their answered calls in the period (their agent
  snapshots' sums); in each team (the agent's current team) with at least MIN_AGENTS such agents, the
  median M of the agents' AHTs and their median absolute deviation MAD = median(|AHT − M|); an agent is an
  outlier when their AHT is beyond M ± 2 × MAD (strictly). With MAD = 0 (most agents share one AHT) the
  spread is unknown and nobody is flagged.
- QA score vs outcomes: per agent, the mean QA score and CSAT (% of answers 4–5) or FCR (% of cases resolved
  on first contact), from the agent snapshots; Pearson's r over the agents with both figures, and its n. Below
  MIN_CORRELATION_AGENTS agents, or when one figure does not vary, there is no coefficient.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from calls.models import SurveyResponse
from qa_center.kpis.access import InsightScope
from qa_center.kpis.dashboards.periods import Span
from qa_center.kpis.models import KpiSnapshot, PeriodKind, ScopeKind, SurveyFollowUp
from qa_center.people.models import Team, User
from scorecards.evaluations.selectors import APPLICABLE_ANSWER, CRITERION_FAILED, failed_answer
from scorecards.models import Answer, Criterion, Evaluation

__all__ = [
    "CALLBACK_MAX_NPS",
    "MIN_AGENTS",
    "MIN_CORRELATION_AGENTS",
    "aht_outliers",
    "failing_criteria",
    "follow_up_answers",
    "follow_up_count",
    "follow_up_kind",
    "followed_up_shares",
    "qa_vs_outcomes",
]

CALLBACK_MAX_NPS = 8  # 0–6 detractors and 7–8 passives get a call-back; 9–10 promoters a referral invitation
MIN_AGENTS = 3  # agents with an AHT a team needs for a median and a MAD that mean something
MIN_CORRELATION_AGENTS = 3
OUTLIER_MADS = 2


def _start_of_day(day: date) -> datetime:
    """Midnight of `day` in the current time zone (the evaluations and calls lists read their dates so)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _between(field_name: str, span: Span) -> Q:
    return Q(
        **{
            f"{field_name}__gte": _start_of_day(span.first),
            f"{field_name}__lt": _start_of_day(span.last + timedelta(days=1)),
        }
    )


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return 100.0 * self.part / self.whole if self.whole else None


# --- NPS follow-up ---------------------------------------------------------------------------------------------


def follow_up_kind(nps: int) -> str:
    return SurveyFollowUp.Kind.CALLBACK if nps <= CALLBACK_MAX_NPS else SurveyFollowUp.Kind.REFERRAL


def _needs(kind: str) -> Q:
    if kind == SurveyFollowUp.Kind.CALLBACK:
        return Q(nps__lte=CALLBACK_MAX_NPS)
    return Q(nps__gt=CALLBACK_MAX_NPS)


def _answers(scope: InsightScope, span: Span) -> QuerySet[SurveyResponse]:
    answers = SurveyResponse.objects.filter(_between("responded_at", span), nps__isnull=False)
    if not scope.center:
        answers = answers.filter(call__team__in=scope.teams.values("pk"))
    return answers


def follow_up_answers(*, scope: InsightScope, span: Span, kind: str, done: bool) -> QuerySet[SurveyResponse]:
    """The answers of the period awaiting the `kind` follow-up (`done` False: lowest NPS first, then the
    oldest) or already followed up (`done` True: the latest marked first)."""
    answers = (
        _answers(scope, span)
        .filter(_needs(kind), follow_up__isnull=not done)
        .select_related("call__agent", "call__team", "follow_up__done_by")
    )
    if done:
        return answers.order_by("-follow_up__done_at", "-pk")
    return answers.order_by("nps", "responded_at", "pk")


@dataclass(frozen=True)
class FollowUpShares:
    callback: Share
    referral: Share

    @property
    def total(self) -> Share:
        return Share(self.callback.part + self.referral.part, self.callback.whole + self.referral.whole)


def followed_up_shares(*, scope: InsightScope, span: Span) -> FollowUpShares:
    """The share of the period's answers followed up, per kind and together: one query."""
    done = Q(follow_up__isnull=False)
    callback, referral = _needs(SurveyFollowUp.Kind.CALLBACK), _needs(SurveyFollowUp.Kind.REFERRAL)
    row = _answers(scope, span).aggregate(
        callback=Count("pk", filter=callback),
        callback_done=Count("pk", filter=callback & done),
        referral=Count("pk", filter=referral),
        referral_done=Count("pk", filter=referral & done),
    )
    return FollowUpShares(
        callback=Share(row["callback_done"], row["callback"]),
        referral=Share(row["referral_done"], row["referral"]),
    )


def follow_up_count(shares: FollowUpShares, *, kind: str, done: bool) -> int:
    """How many answers follow_up_answers lists for `kind` and `done`, read from the shares of the same scope
    and period (the answers needing that follow-up, and those done), so that the list needs no COUNT of its
    own: at a million calls each is a pass over the period's answers and their calls."""
    share = shares.callback if kind == SurveyFollowUp.Kind.CALLBACK else shares.referral
    return share.part if done else share.whole - share.part


# --- "A process, not a person": criteria failing across agents ------------------------------------------------


@dataclass(frozen=True)
class CriterionFailure:
    criterion: Criterion
    team: Team | None  # None: the center
    failing_agents: int
    agents: int  # agents with an applicable answer to the criterion
    drill_down: str

    @property
    def share(self) -> Share:
        return Share(self.failing_agents, self.agents)


def _evaluations_url(span: Span, **params) -> str:
    query = {"date_from": span.first.isoformat(), "date_to": span.last.isoformat(), **params}
    return reverse("evaluations:list") + "?" + urlencode(query)


def failing_criteria(*, scope: InsightScope, span: Span) -> list[CriterionFailure]:
    """For each criterion answered in the period, the share of agents failing it, per team and (for the
    center) overall; the highest share first. Four queries whatever the volume."""
    answers = Answer.objects.filter(
        APPLICABLE_ANSWER,
        _between("evaluation__submitted_at", span),
        evaluation__status__in=Evaluation.COUNTED_STATUSES,
        evaluation__calibration_session__isnull=True,
    )
    if not scope.center:
        answers = answers.filter(evaluation__team__in=scope.teams.values("pk"))
    counts = {
        "agents": Count("evaluation__agent", distinct=True),
        "failing": Count("evaluation__agent", distinct=True, filter=failed_answer()),
    }
    # Evaluations of no team count for the center only.
    rows = [
        (row["criterion"], row["evaluation__team"], row)
        for row in answers.values("criterion", "evaluation__team").annotate(**counts).order_by()
        if row["evaluation__team"] is not None
    ]
    if scope.center:
        rows += [
            (row["criterion"], None, row) for row in answers.values("criterion").annotate(**counts).order_by()
        ]
    criteria = Criterion.objects.select_related("section__version__scorecard").in_bulk(
        {criterion for criterion, _team, _row in rows}
    )
    teams = Team.objects.in_bulk({team for _criterion, team, _row in rows if team is not None})
    failures = []
    for criterion_pk, team_pk, row in rows:
        params = {"criterion": criterion_pk, "criterion_result": CRITERION_FAILED}
        if team_pk is not None:
            params["team"] = team_pk
        failures.append(
            CriterionFailure(
                criterion=criteria[criterion_pk],
                team=teams.get(team_pk) if team_pk is not None else None,
                failing_agents=row["failing"],
                agents=row["agents"],
                drill_down=_evaluations_url(span, **params),
            )
        )
    failures.sort(key=lambda f: (-(f.share.value or 0), -f.agents, f.criterion.pk, f.team is not None))
    return failures


# --- Per-agent figures from the snapshots ---------------------------------------------------------------------


def _agent_sums(scope: InsightScope, span: Span, *names: str) -> dict[int, dict]:
    """The agents' day snapshots of the period summed per agent (one query): {agent pk: {name: sum}}."""
    days = KpiSnapshot.objects.filter(
        period_kind=PeriodKind.DAY,
        scope_kind=ScopeKind.AGENT,
        period_start__gte=span.first,
        period_start__lte=span.last,
    )
    if not scope.center:
        days = days.filter(scope_id__in=User.objects.filter(team__in=scope.teams.values("pk")).values("pk"))
    rows = days.values("scope_id").annotate(**{name: Sum(name) for name in names}).order_by()
    return {row["scope_id"]: row for row in rows}


def _agents(pks) -> dict[int, User]:
    return User.objects.select_related("team").in_bulk(set(pks))


def _calls_url(agent: User, span: Span) -> str:
    query = {"agent": agent.pk, "date_from": span.first.isoformat(), "date_to": span.last.isoformat()}
    return reverse("calls:list") + "?" + urlencode(query)


# --- AHT outliers ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentAht:
    agent: User
    aht: float
    calls: int  # answered calls with a known handle time
    calls_url: str


@dataclass
class TeamAht:
    team: Team | None  # None: agents of no team
    agents: list[AgentAht]
    median: float | None = None
    mad: float | None = None
    high: list[AgentAht] = field(default_factory=list)
    low: list[AgentAht] = field(default_factory=list)

    @property
    def lower_bound(self) -> float | None:
        return None if self.median is None else self.median - OUTLIER_MADS * self.mad

    @property
    def upper_bound(self) -> float | None:
        return None if self.median is None else self.median + OUTLIER_MADS * self.mad


def outlier_rule(team: TeamAht) -> TeamAht:
    """The team's median AHT, its MAD and the agents beyond median ± 2 × MAD (see the module's docstring)."""
    values = [agent.aht for agent in team.agents]
    if len(values) < MIN_AGENTS:
        return team
    team.median = statistics.median(values)
    team.mad = statistics.median(abs(value - team.median) for value in values)
    if team.mad == 0:
        return team
    team.high = sorted((a for a in team.agents if a.aht > team.upper_bound), key=lambda a: -a.aht)
    team.low = sorted((a for a in team.agents if a.aht < team.lower_bound), key=lambda a: a.aht)
    return team


def aht_outliers(*, scope: InsightScope, span: Span) -> list[TeamAht]:
    """Each team's agents' AHTs, median, MAD and outliers (two queries, the per-agent figures in Python)."""
    sums = _agent_sums(scope, span, "handles", "handle_total")
    sums = {pk: row for pk, row in sums.items() if row["handles"]}
    agents = _agents(sums)
    by_team: dict[int | None, TeamAht] = {}
    for pk, row in sums.items():
        agent = agents.get(pk)
        if agent is None:
            continue
        team = by_team.setdefault(agent.team_id, TeamAht(team=agent.team, agents=[]))
        team.agents.append(
            AgentAht(
                agent=agent,
                aht=row["handle_total"] / row["handles"],
                calls=row["handles"],
                calls_url=_calls_url(agent, span),
            )
        )
    teams = [outlier_rule(team) for team in by_team.values()]
    for team in teams:
        team.agents.sort(key=lambda a: a.aht)
    teams.sort(key=lambda t: (t.team is None, t.team.name if t.team else ""))
    return teams


# --- QA score vs outcomes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentOutcomes:
    agent: User
    qa_score: float | None
    evaluations: int
    csat: float | None
    csat_answers: int
    fcr: float | None
    cases: int


@dataclass(frozen=True)
class Correlation:
    r: float | None
    n: int


@dataclass(frozen=True)
class QaOutcomes:
    agents: list[AgentOutcomes]
    csat: Correlation
    fcr: Correlation


def pearson(pairs: list[tuple[float, float]]) -> Correlation:
    """Pearson's r of the pairs and their n; None below MIN_CORRELATION_AGENTS or when a figure is constant."""
    n = len(pairs)
    if n < MIN_CORRELATION_AGENTS:
        return Correlation(None, n)
    xs, ys = zip(*pairs, strict=True)
    try:
        return Correlation(statistics.correlation(xs, ys), n)
    except statistics.StatisticsError:
        return Correlation(None, n)


def _ratio(part, whole, scale=1.0) -> float | None:
    return scale * part / whole if whole else None


def qa_vs_outcomes(*, scope: InsightScope, span: Span) -> QaOutcomes:
    sums = _agent_sums(
        scope, span, "score_total", "scored_evaluations", "satisfied", "csat_answers", "fcr_cases", "cases"
    )
    agents = _agents(sums)
    rows = []
    for pk, row in sums.items():
        agent = agents.get(pk)
        if agent is None or not (row["scored_evaluations"] or row["csat_answers"] or row["cases"]):
            continue
        rows.append(
            AgentOutcomes(
                agent=agent,
                qa_score=_ratio(row["score_total"], row["scored_evaluations"]),
                evaluations=row["scored_evaluations"],
                csat=_ratio(row["satisfied"], row["csat_answers"], 100.0),
                csat_answers=row["csat_answers"],
                fcr=_ratio(row["fcr_cases"], row["cases"], 100.0),
                cases=row["cases"],
            )
        )
    rows.sort(key=lambda r: (r.agent.last_name, r.agent.first_name, r.agent.username))
    scored = [r for r in rows if r.qa_score is not None]
    return QaOutcomes(
        agents=rows,
        csat=pearson([(r.qa_score, r.csat) for r in scored if r.csat is not None]),
        fcr=pearson([(r.qa_score, r.fcr) for r in scored if r.fcr is not None]),
    )
