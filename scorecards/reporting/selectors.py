"""The QA reports (issue 10): scores and rates by team, agent, scorecard section and criterion, and the
reviewers' volume, scores given and drift from calibration references; every figure with its n and the
evaluations list's filters that list the evaluations behind it (the drill-down).

Every figure is counted in the database (values() + annotate(), one query a table) over the evaluations
scorecards.kpis counts (regular and submitted: never a draft, never a calibration evaluation), narrowed by the
evaluations list's own filters (scorecards.evaluations.selectors.filter_evaluations) so that a figure's drill-
down lists exactly the evaluations counted. The formulas are the KPIs' (qa_center.rates, qa_center.kpis.
definitions): mean score over the scored evaluations (an all-N/A evaluation has no score and is in no mean),
pass rate over the judged ones (those with a score: the engine judges every scored evaluation), auto-fail and
dispute rates over all; an empty denominator is "no data" (None), never 0.

Criteria and sections (DESIGN.md, Scoring): an answer counts when it applies (not N/A, with points out of a
maximum above 0). A criterion's "share failed" is the share of its applicable answers that earned less than
the criterion's maximum (a "no", a scale below its top, an option worth less than the best: what the
evaluations list's `criterion_result=failed` lists); its "mean points share" is the mean of points earned ÷
maximum points. A section's mean share is Σ(criterion weight × share) ÷ Σ(criterion weight) over every
applicable answer of the section in the period: the section score's formula pooled over the evaluations,
before any auto-fail zeroes a section. Criteria belong to a scorecard version, so the table groups by version.

Reviewers' drift: in each closed calibration session (closed in the period; its call's team and its version's
scorecard for the team and scorecard filters), a reviewer's score minus the reference's (the evaluation of the
session's creator, scorecards.calibration.services); the drift is the mean over the sessions where both have a
score. Positive: more lenient than the reference; negative: harsher; |drift| ≥ DRIFT_FLAG points is flagged.
Beside it, without calibration: the reviewer's scores against the mean of all reviewers' on the same scorecard
(`peer_gaps`), which tells leniency apart from an easy scorecard but not from easy calls.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from qa_center.people.models import Team, User
from qa_center.rates import mean, mean_expression, rate, rate_expression
from scorecards.evaluations.selectors import (
    APPLICABLE_ANSWER,
    CRITERION_ANSWERED,
    CRITERION_FAILED,
    EvaluationFilters,
    failed_answer,
    filter_evaluations,
)
from scorecards.kpis import evaluation_counts
from scorecards.models import Answer, CalibrationSession, Evaluation, Scorecard

#: A reviewer whose mean distance from the calibration references is at least this many points is flagged.
DRIFT_FLAG = 5.0


@dataclass(frozen=True, kw_only=True)
class ReportFilters:
    date_from: date
    date_to: date
    team: Team | None = None
    scorecard: Scorecard | None = None
    # The team the drill-down links name when none is picked (scorecards.access.ReportScope.link_team).
    link_team: Team | None = None

    def evaluation_filters(self) -> EvaluationFilters:
        return EvaluationFilters(
            date_from=self.date_from, date_to=self.date_to, team=self.team, scorecard=self.scorecard
        )

    def params(self) -> dict:
        """The period, team and scorecard as the evaluations list's query string takes them."""
        params = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        if (team := self.team or self.link_team) is not None:
            params["team"] = team.pk
        if self.scorecard is not None:
            params["scorecard"] = self.scorecard.pk
        return params


def evaluations_url(params: dict) -> str:
    """The evaluations list showing the evaluations that match `params` (its GET filters)."""
    return f"{reverse('evaluations:list')}?{urlencode(params)}"


def _name(first: str, last: str, username: str) -> str:
    """As str(user): the full name, else the username."""
    return f"{first} {last}".strip() or username


# --- Scores and rates by team, by agent, by reviewer ---------------------------------------------------------


def _figures() -> dict:
    """The KPIs' formulas over evaluation_counts()' aggregates."""
    return {
        "mean_score": mean_expression("score_total", "scored_evaluations"),
        "pass_rate": rate_expression("passed_evaluations", "judged_evaluations"),
        "auto_fail_rate": rate_expression("auto_failed_evaluations", "evaluations"),
        "dispute_rate": rate_expression("disputed_evaluations", "evaluations"),
    }


# The links of a QaRow: the evaluations list's extra filter for each figure (none for all the evaluations).
_ROW_LINKS = (
    ("evaluations", ""),
    ("scored", urlencode({"score_min": 0})),  # a score ≥ 0: every scored (and so judged) evaluation
    ("passed", urlencode({"passed": "pass"})),
    ("auto_failed", urlencode({"auto_failed": "yes"})),
    ("disputed", urlencode({"disputed": "yes"})),
)


@dataclass
class QaRow:
    """One row of a scores-and-rates table. `params`: the list's filters that select the row's evaluations
    (with the period's); None when the list has no filter for it (no team, no agent): no drill-down then."""

    label: str
    params: dict | None
    evaluations: int
    scored_evaluations: int
    mean_score: float | None
    passed_evaluations: int
    judged_evaluations: int
    pass_rate: float | None
    auto_failed_evaluations: int
    auto_fail_rate: float | None
    disputed_evaluations: int
    dispute_rate: float | None
    team: str = ""
    links: dict = field(default_factory=dict)
    # The reviewers' table only: their drift from the calibration references, and their mean score given
    # against the mean of all reviewers' on the same scorecards (peer_gap).
    drift: float | None = None
    drift_sessions: int = 0
    peer_gap: float | None = None

    def __post_init__(self):
        if self.params is not None:
            # The row's own filters encoded once, each link's extra filter appended (the same URLs as
            # evaluations_url(params | extra): a report at volume has a row per agent, five links each).
            url = evaluations_url(self.params)
            self.links = {name: f"{url}&{extra}" if extra else url for name, extra in _ROW_LINKS}

    @property
    def drift_flagged(self) -> bool:
        return self.drift is not None and abs(self.drift) >= DRIFT_FLAG


_COUNTED = (
    "evaluations",
    "scored_evaluations",
    "mean_score",
    "passed_evaluations",
    "judged_evaluations",
    "pass_rate",
    "auto_failed_evaluations",
    "auto_fail_rate",
    "disputed_evaluations",
    "dispute_rate",
)


def _counted_rows(evaluations: QuerySet[Evaluation], group: tuple[str, ...], order: tuple[str, ...]):
    return (
        evaluations.order_by()
        .values(*group)
        .annotate(**evaluation_counts())
        .annotate(**_figures())
        .order_by(*order)
    )


def _qa_row(row: dict, *, label: str, params: dict | None, **extra) -> QaRow:
    return QaRow(label=label, params=params, **{name: row[name] for name in _COUNTED}, **extra)


def report_evaluations(scope: QuerySet[Evaluation], filters: ReportFilters) -> QuerySet[Evaluation]:
    """The evaluations a report counts: `scope` (the user's, scorecards.access.get_report_scope_for) in the
    filters' period, team and scorecard, narrowed as the evaluations list narrows its own."""
    return filter_evaluations(scope, filters.evaluation_filters())


def total_row(evaluations: QuerySet[Evaluation], filters: ReportFilters) -> QaRow:
    row = evaluations.order_by().aggregate(**evaluation_counts())
    row |= {
        "mean_score": mean(row["score_total"], row["scored_evaluations"]),
        "pass_rate": rate(row["passed_evaluations"], row["judged_evaluations"]),
        "auto_fail_rate": rate(row["auto_failed_evaluations"], row["evaluations"]),
        "dispute_rate": rate(row["disputed_evaluations"], row["evaluations"]),
    }
    return _qa_row(row, label=_("All"), params=filters.params())


def team_rows(evaluations: QuerySet[Evaluation], filters: ReportFilters) -> list[QaRow]:
    rows = _counted_rows(evaluations, ("team", "team__name"), ("team__name", "team"))
    base = filters.params()
    return [
        _qa_row(
            row,
            label=row["team__name"] or _("No team"),
            params=None if row["team"] is None else base | {"team": row["team"]},
        )
        for row in rows
    ]


def agent_rows(evaluations: QuerySet[Evaluation], filters: ReportFilters) -> list[QaRow]:
    """By agent and by the team the call was taken for: an agent who moved team has a row per team, so that
    each row's drill-down (agent and team) lists exactly its evaluations."""
    group = ("agent", "agent__first_name", "agent__last_name", "agent__username", "team", "team__name")
    order = ("agent__first_name", "agent__last_name", "agent__username", "agent", "team__name", "team")
    base = filters.params()
    result = []
    for row in _counted_rows(evaluations, group, order):
        if row["agent"] is None:
            label, params = _("No agent"), None
        else:
            label = _name(row["agent__first_name"], row["agent__last_name"], row["agent__username"])
            params = None if row["team"] is None else base | {"agent": row["agent"], "team": row["team"]}
        result.append(_qa_row(row, label=label, params=params, team=row["team__name"] or ""))
    return result


# --- Reviewers ----------------------------------------------------------------------------------------------


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def drift_rows(filters: ReportFilters) -> QuerySet:
    """Per reviewer: the closed calibration sessions of the period where both they and the reference scored,
    and the sum of (their score − the reference's) over them (one query)."""
    sessions = CalibrationSession.objects.filter(
        closed_at__gte=_start_of_day(filters.date_from),
        closed_at__lt=_start_of_day(filters.date_to + timedelta(days=1)),
    )
    if filters.team is not None:
        sessions = sessions.filter(call__team=filters.team)
    if filters.scorecard is not None:
        sessions = sessions.filter(version__scorecard=filters.scorecard)
    scored = Evaluation.objects.submitted().scored()
    reference = scored.filter(
        calibration_session=OuterRef("calibration_session"),
        reviewer=OuterRef("calibration_session__created_by"),
    ).values("score")[:1]
    return (
        scored.filter(calibration_session__in=sessions)
        .exclude(reviewer=F("calibration_session__created_by"))
        .annotate(reference_score=Subquery(reference))
        .filter(reference_score__isnull=False)
        .order_by()
        .values("reviewer")
        .annotate(
            # One calibration evaluation per reviewer and session (a constraint): evaluations = sessions.
            drift_sessions=Count("pk"),
            drift_total=Sum(Cast("score", FloatField()) - Cast("reference_score", FloatField())),
        )
    )


def peer_gaps(evaluations: QuerySet[Evaluation]) -> dict[int, float]:
    """Per reviewer: the mean, over their scored evaluations, of (the score − the mean score of every
    reviewer's evaluations on the same scorecard in the report), so that a reviewer who scores mostly an easy
    scorecard is not called lenient for it. One query: the sums per reviewer and scorecard also give each
    scorecard's mean (the rows are aggregates, a few per reviewer)."""
    rows = list(
        evaluations.scored()
        .order_by()
        .values("reviewer", "version__scorecard")
        .annotate(total=Sum(Cast("score", FloatField())), scored=Count("pk"))
    )
    totals: dict[int, list[float]] = {}
    for row in rows:
        scorecard = totals.setdefault(row["version__scorecard"], [0.0, 0])
        scorecard[0] += row["total"]
        scorecard[1] += row["scored"]
    gaps: dict[int, list[float]] = {}
    for row in rows:
        total, scored = totals[row["version__scorecard"]]
        gap = gaps.setdefault(row["reviewer"], [0.0, 0])
        gap[0] += row["total"] - row["scored"] * total / scored
        gap[1] += row["scored"]
    return {reviewer: mean(total, count) for reviewer, (total, count) in gaps.items()}


def reviewer_rows(evaluations: QuerySet[Evaluation], filters: ReportFilters) -> list[QaRow]:
    """Volume, mean score and pass rate given (regular evaluations), against their peers on the same
    scorecards, and the drift from calibration references; a reviewer with only calibration sessions in the
    period has a row too (three queries, four with such a reviewer)."""
    group = ("reviewer", "reviewer__first_name", "reviewer__last_name", "reviewer__username")
    rows = {row["reviewer"]: row for row in _counted_rows(evaluations, group, ())}
    drifts = {row["reviewer"]: row for row in drift_rows(filters)}
    gaps = peer_gaps(evaluations)
    missing = set(drifts) - set(rows)
    if missing:
        for person in User.objects.filter(pk__in=missing).values("pk", "first_name", "last_name", "username"):
            rows[person["pk"]] = {
                **dict.fromkeys(_COUNTED, 0),
                **dict.fromkeys(("mean_score", "pass_rate", "auto_fail_rate", "dispute_rate")),
                "reviewer": person["pk"],
                "reviewer__first_name": person["first_name"],
                "reviewer__last_name": person["last_name"],
                "reviewer__username": person["username"],
            }
    base = filters.params()
    result = []
    for pk, row in rows.items():
        drift = drifts.get(pk)
        result.append(
            _qa_row(
                row,
                label=_name(
                    row["reviewer__first_name"], row["reviewer__last_name"], row["reviewer__username"]
                ),
                # No drill-down without regular evaluations: the list offers only reviewers who have some.
                params=base | {"reviewer": pk} if row["evaluations"] else None,
                drift=None if drift is None else mean(drift["drift_total"], drift["drift_sessions"]),
                drift_sessions=0 if drift is None else drift["drift_sessions"],
                peer_gap=gaps.get(pk),
            )
        )
    return sorted(result, key=lambda row: row.label.casefold())


# --- Scorecards, sections, criteria -------------------------------------------------------------------------


@dataclass
class CriterionRow:
    pk: int
    title: str
    answered: int
    not_applicable: int
    failed: int
    failed_share: float | None
    mean_share: float | None
    links: dict


@dataclass
class SectionRow:
    pk: int
    title: str
    evaluations: int
    mean_share: float | None
    link: str
    criteria: list[CriterionRow] = field(default_factory=list)


@dataclass
class VersionBlock:
    pk: int
    scorecard: str
    number: int
    sections: list[SectionRow] = field(default_factory=list)


def _share(answers_filter: Q) -> Sum:
    return Sum(Cast("points", FloatField()) / Cast("max_points", FloatField()), filter=answers_filter)


def criterion_blocks(evaluations: QuerySet[Evaluation], filters: ReportFilters) -> list[VersionBlock]:
    """By scorecard version → section → criterion, in the scorecard's order (two queries: the criteria's
    figures and the sections')."""
    answers = Answer.objects.filter(evaluation__in=evaluations.order_by().values("pk")).order_by()
    applicable = APPLICABLE_ANSWER
    section = "criterion__section"
    version = f"{section}__version"
    section_rows = (
        answers.values(section, f"{section}__title", f"{section}__position", version, f"{version}__number")
        .annotate(
            scorecard_name=F(f"{version}__scorecard__name"),
            section_evaluations=Count("evaluation", distinct=True, filter=applicable),
            weighted=Sum(
                Cast("criterion__weight", FloatField())
                * Cast("points", FloatField())
                / Cast("max_points", FloatField()),
                filter=applicable,
            ),
            weights=Sum(Cast("criterion__weight", FloatField()), filter=applicable),
        )
        .annotate(section_share=rate_expression("weighted", "weights"))
        .order_by("scorecard_name", f"{version}__number", f"{section}__position", section)
    )
    criterion_rows = (
        answers.values("criterion", "criterion__title", "criterion__position", section)
        .annotate(
            answered=Count("pk", filter=applicable),
            not_applicable=Count("pk", filter=Q(is_na=True)),
            failed=Count("pk", filter=applicable & failed_answer()),
            share_total=_share(applicable),
        )
        .annotate(
            failed_share=rate_expression("failed", "answered"),
            mean_share=rate_expression("share_total", "answered"),
        )
        .order_by(section, "criterion__position", "criterion")
    )
    base = filters.params()
    blocks: dict[int, VersionBlock] = {}
    sections: dict[int, SectionRow] = {}
    for row in section_rows:
        block = blocks.setdefault(
            row[version],
            VersionBlock(pk=row[version], scorecard=row["scorecard_name"], number=row[f"{version}__number"]),
        )
        sections[row[section]] = SectionRow(
            pk=row[section],
            title=row[f"{section}__title"],
            evaluations=row["section_evaluations"],
            mean_share=row["section_share"],
            link=evaluations_url(base | {"section": row[section]}),
        )
        block.sections.append(sections[row[section]])
    for row in criterion_rows:
        params = base | {"criterion": row["criterion"]}
        sections[row[section]].criteria.append(
            CriterionRow(
                pk=row["criterion"],
                title=row["criterion__title"],
                answered=row["answered"],
                not_applicable=row["not_applicable"],
                failed=row["failed"],
                failed_share=row["failed_share"],
                mean_share=row["mean_share"],
                links={
                    "answered": evaluations_url(params | {"criterion_result": CRITERION_ANSWERED}),
                    "failed": evaluations_url(params | {"criterion_result": CRITERION_FAILED}),
                },
            )
        )
    return list(blocks.values())


# --- The whole report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QaReport:
    total: QaRow
    teams: list[QaRow]
    agents: list[QaRow]
    scorecards: list[VersionBlock]
    reviewers: list[QaRow] | None  # None: not the user's to see


def qa_report(
    scope: QuerySet[Evaluation], filters: ReportFilters, *, sees_reviewers: bool, tables=None
) -> QaReport:
    """Every table of the report (or only those named in `tables`: "teams", "agents", "scorecards",
    "reviewers"; the total always), the same number of queries however many evaluations."""
    evaluations = report_evaluations(scope, filters)
    wanted = set(tables) if tables is not None else {"teams", "agents", "scorecards", "reviewers"}
    return QaReport(
        total=total_row(evaluations, filters),
        teams=team_rows(evaluations, filters) if "teams" in wanted else [],
        agents=agent_rows(evaluations, filters) if "agents" in wanted else [],
        scorecards=criterion_blocks(evaluations, filters) if "scorecards" in wanted else [],
        reviewers=reviewer_rows(evaluations, filters) if sees_reviewers and "reviewers" in wanted else None,
    )
