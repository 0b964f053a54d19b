"""Calibration: several reviewers score the same call blind; the results report how far they agree.

The rules (issue 3, "Calibration"):
- A QA manager opens a session on a call whose call type has a published scorecard and picks at least two
  reviewers. The manager takes part too: their evaluation is the reference the others are compared with.
- Blind: while a session is open, its pages show who has submitted, never what anyone answered; and
  EvaluationQuerySet.visible_to hides the other participants' evaluations from reviewers until it closes.
- Closing: a QA manager closes the session; it closes by itself when the last participant (the reference too)
  submits (submit_evaluation calls closing.close_if_complete), and at its deadline (the beat job
  "scorecards.close_calibration_sessions", closing.close_sessions_past_deadline). Every close is a conditional
  UPDATE: idempotent, and safe when two requests race. Reading the pages never writes. Evaluations that are
  still drafts at the close, or submitted after it, are left out of the results.
- Calibration evaluations never count in an agent's scores or KPIs (Evaluation.objects.regular() leaves them
  out), are never shown to the agent, and submitting one tells the agent nothing.

Scoring happens on the evaluation pages (services.start_evaluation / submit_evaluation, "evaluations:edit"):
a calibration evaluation is filled in with the same form as a regular review.

The statistics (scorecards/agreement.py has the formulas):
- per criterion, pairwise percent agreement on the raw answer (N/A is an answer like any other);
- overall, Krippendorff's alpha with units = the criteria: interval on each rater's fraction of the
  criterion's points (N/A: no value), and nominal on the raw answer (N/A a category of its own);
- per criterion, Krippendorff's alpha (interval, on the fractions) across the closed sessions of the same
  scorecard version, units = sessions, once at least two such sessions have results;
- the spread of the total scores (population standard deviation: the raters are the whole group, not a
  sample of one) and each reviewer's deviation from the reference.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    StdDev,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Call
from qa_center.people.models import User
from scorecards.access import require_qa_manager
from scorecards.calibration.closing import close_complete_sessions, close_if_complete
from scorecards.evaluations.answers import answer_label
from scorecards.evaluations.services import published_version_for, start_evaluation, stored_value
from scorecards.models import Answer, CalibrationSession, Criterion, Evaluation, ScorecardVersion, Section
from scorecards.sampling.services import eligible_reviewers
from scorecards.scoring.agreement import INTERVAL, NOMINAL, krippendorff_alpha, percent_agreement
from scorecards.scoring.spec import version_outline

__all__ = [
    "MIN_REVIEWERS",
    "CalibrationResults",
    "calibration_results",
    "calls_for_calibration",
    "close_complete_sessions",
    "close_if_complete",
    "close_session",
    "counted_evaluations",
    "create_session",
    "participants_progress",
    "results_ready",
    "sessions_for_list",
    "start_calibration_evaluation",
]

#: Besides the manager's reference: agreement needs at least two other people to compare.
MIN_REVIEWERS = 2

Participation = CalibrationSession.participants.through

COUNTED = Evaluation.COUNTED_STATUSES


# --- Services ----------------------------------------------------------------------------------------------


@transaction.atomic
def create_session(
    *,
    call: Call,
    reviewers: Iterable[User],
    created_by: User,
    title: str = "",
    deadline: datetime | None = None,
) -> CalibrationSession:
    """Open a calibration session on `call`: `reviewers` score it blind, `created_by` (a QA manager) scores
    the reference. Raises ValidationError({form field: message}) when the choice breaks a rule."""
    require_qa_manager(created_by)
    try:
        version = published_version_for(call)
    except ValidationError as error:
        raise ValidationError({"call": error.messages}) from error
    reviewers = {reviewer.pk: reviewer for reviewer in reviewers}
    errors = {}
    if created_by.pk in reviewers:
        errors["reviewers"] = _("You take part as the reference: pick other reviewers.")
    elif len(reviewers) < MIN_REVIEWERS:
        errors["reviewers"] = _("Pick at least %(count)d reviewers.") % {"count": MIN_REVIEWERS}
    elif call.agent_id is not None and call.agent_id in reviewers:
        errors["reviewers"] = _("%(agent)s answered this call: nobody scores their own call.") % {
            "agent": reviewers[call.agent_id]
        }
    elif eligible_reviewers().filter(pk__in=reviewers).count() != len(reviewers):
        errors["reviewers"] = _("Only active QA reviewers can take part.")
    if call.agent_id is not None and call.agent_id == created_by.pk:
        errors["call"] = _("You answered this call: nobody scores their own call.")
    if deadline is not None and deadline <= timezone.now():
        errors["deadline"] = _("The deadline must lie in the future.")
    if errors:
        raise ValidationError(errors)
    session = CalibrationSession.objects.create(
        call=call, version=version, title=title.strip(), created_by=created_by, deadline=deadline
    )
    session.participants.set([*reviewers, created_by.pk])
    return session


def results_ready(*, session: CalibrationSession) -> bool:
    """Whether the session is closed (read again: it may have closed since it was loaded): its results are
    shown only then. Reads only; sessions close when their last participant submits or at their deadline."""
    if session.is_closed:
        return True
    session.closed_at = CalibrationSession.objects.values_list("closed_at", flat=True).get(pk=session.pk)
    return session.is_closed


def close_session(*, session: CalibrationSession, by: User) -> bool:
    """A QA manager closes the session: drafts left open are out of the results. False if it was closed."""
    require_qa_manager(by)
    now = timezone.now()
    closed = CalibrationSession.objects.filter(pk=session.pk, closed_at__isnull=True).update(closed_at=now)
    if closed:
        session.closed_at = now
    return bool(closed)


def start_calibration_evaluation(*, session: CalibrationSession, reviewer: User) -> Evaluation:
    """The participant's evaluation of the session's call: started, or resumed while the session is open.

    Once the session is closed, a participant who submitted gets their evaluation back to read; a draft can no
    longer be continued (the others' answers are readable by then, so it would not be blind)."""
    if not session.participants.filter(pk=reviewer.pk).exists():
        raise PermissionDenied
    if session.is_closed:
        evaluation = Evaluation.objects.filter(
            calibration_session=session, reviewer=reviewer, status__in=COUNTED
        ).first()
        if evaluation is None:
            raise ValidationError(_("This calibration session is closed."))
        return evaluation
    return start_evaluation(calibration_session=session, reviewer=reviewer)


# --- Selectors: lists and progress -------------------------------------------------------------------------


def sessions_for_list(*, user: User) -> QuerySet[CalibrationSession]:
    """The sessions `user` may see (managers all, reviewers those they take part in: the rule of
    access.get_calibration_for), open ones first, with their progress and the user's own status.
    Counted in subqueries: one query for the page."""
    evaluations = Evaluation.objects.filter(calibration_session=OuterRef("pk")).order_by()
    submitted = evaluations.filter(status__in=COUNTED)
    participations = Participation.objects.filter(calibrationsession=OuterRef("pk")).order_by()
    sessions = (
        CalibrationSession.objects.visible_to(user)
        .select_related(
            "call", "call__agent", "call__call_type", "version", "version__scorecard", "created_by"
        )
        .annotate(
            participant_count=Coalesce(
                Subquery(participations.values("calibrationsession").annotate(n=Count("pk")).values("n")), 0
            ),
            submitted_count=Coalesce(
                Subquery(submitted.values("calibration_session").annotate(n=Count("pk")).values("n")), 0
            ),
            is_participant=Exists(participations.filter(user=user)),
            my_submitted=Exists(submitted.filter(reviewer=user)),
            my_draft=Exists(evaluations.filter(reviewer=user, status=Evaluation.Status.DRAFT)),
        )
    )
    return sessions.order_by(F("closed_at").desc(nulls_first=True), "-created_at", "-pk")


def participants_progress(*, session: CalibrationSession) -> list[User]:
    """The participants, the reference first, each with `.is_reference`, `.calibration_evaluation_id`,
    `.calibration_submitted_at` (None until submitted) and `.has_draft`. Who has submitted, never what: one
    query."""
    evaluations = Evaluation.objects.filter(calibration_session=session, reviewer=OuterRef("pk")).order_by()
    return list(
        session.participants.annotate(
            calibration_evaluation_id=Subquery(evaluations.values("pk")[:1]),
            calibration_submitted_at=Subquery(
                evaluations.filter(status__in=COUNTED).values("submitted_at")[:1]
            ),
            has_draft=Exists(evaluations.filter(status=Evaluation.Status.DRAFT)),
            is_reference=Case(When(pk=session.created_by_id, then=Value(True)), default=Value(False)),
        ).order_by("-is_reference", "first_name", "last_name", "username")
    )


def calls_for_calibration(*, user: User, query: str, limit: int = 20) -> QuerySet[Call]:
    """Calls `user` may see whose call type has a published scorecard, matching `query` (external id, case or
    customer id, agent name), newest first."""
    published = ScorecardVersion.objects.published().filter(scorecard__call_type=OuterRef("call_type"))
    calls = Call.objects.visible_to(user).filter(Exists(published)).select_related("agent", "call_type")
    query = query.strip()
    if query:
        calls = calls.filter(
            Q(external_id__icontains=query)
            | Q(case_id__icontains=query)
            | Q(customer_id__icontains=query)
            | Q(agent__username__icontains=query)
            | Q(agent__first_name__icontains=query)
            | Q(agent__last_name__icontains=query)
        )
    return calls.order_by("-started_at", "-id")[:limit]


# --- Selectors: the results --------------------------------------------------------------------------------


def counted_evaluations(session: CalibrationSession) -> QuerySet[Evaluation]:
    """The evaluations in the session's results: submitted, and before the close if it is closed."""
    evaluations = Evaluation.objects.filter(calibration_session=session, status__in=COUNTED)
    if session.closed_at is not None:
        evaluations = evaluations.filter(submitted_at__lte=session.closed_at)
    return evaluations


@dataclass(frozen=True)
class Rater:
    """One column of the results: a participant's submitted evaluation."""

    evaluation_id: int
    reviewer: User
    is_reference: bool
    score: Decimal | None
    passed: bool | None
    auto_failed: bool
    # Compared with the reference's evaluation; None for the reference itself, or when there is no reference.
    score_difference: Decimal | None
    criteria_differing: int | None


@dataclass(frozen=True)
class Cell:
    """One rater's answer to one criterion."""

    label: str
    is_na: bool
    answered: bool
    percent: float | None  # share of the criterion's points, 0..100; None for N/A or unanswered
    differs: bool | None  # from the reference's answer; None in the reference's column or without reference


@dataclass(frozen=True)
class CriterionResults:
    criterion: Criterion
    cells: tuple[Cell, ...]
    percent_agreement: float | None
    differing_count: int  # how many reviewers answered otherwise than the reference
    sessions_alpha: float | None  # across the closed sessions of the version (see CalibrationResults)


@dataclass(frozen=True)
class SectionResults:
    section: Section
    criteria: tuple[CriterionResults, ...]


@dataclass(frozen=True)
class Spread:
    """The spread of the raters' total scores (evaluations with no score are left out)."""

    count: int
    minimum: float | None
    maximum: float | None
    mean: float | None
    standard_deviation: float | None

    @property
    def range(self) -> float | None:
        return None if self.count == 0 else self.maximum - self.minimum


@dataclass(frozen=True)
class CalibrationResults:
    session: CalibrationSession
    raters: tuple[Rater, ...]
    reference: Rater | None
    sections: tuple[SectionResults, ...]
    spread: Spread
    alpha_interval: float | None
    alpha_nominal: float | None
    mean_percent_agreement: float | None
    left_out: tuple[User, ...]  # participants with nothing submitted before the close
    sessions_compared: int  # closed sessions behind sessions_alpha; 0 when there are fewer than two

    @property
    def criteria(self) -> list[CriterionResults]:
        return [row for section in self.sections for row in section.criteria]


@dataclass(frozen=True)
class _StoredAnswer:
    is_na: bool
    value: int | None
    option_id: int | None
    points: Decimal | None
    max_points: Decimal | None


def _raw_answer(criterion: Criterion, answer: _StoredAnswer | None) -> Hashable | None:
    """The answer as a nominal category (None: not answered). Tagged by kind so that a "yes" and a scale's 1
    are different categories; N/A is a category of its own."""
    if answer is None:
        return None
    if answer.is_na:
        return "na"
    if criterion.kind == Criterion.Kind.CHOICE:
        return None if answer.option_id is None else ("option", answer.option_id)
    return None if answer.value is None else (criterion.kind, answer.value)


def _fraction(answer: _StoredAnswer | None) -> Fraction | None:
    """The share of the criterion's points the answer earned, 0..1 (None: N/A, unanswered, or 0 possible)."""
    if answer is None or answer.is_na or answer.points is None or not answer.max_points:
        return None
    return Fraction(answer.points) / Fraction(answer.max_points)


def _label(criterion: Criterion, answer: _StoredAnswer | None) -> str:
    return answer_label(criterion, None if answer is None else stored_value(criterion, answer))


def _answers_of(evaluation_ids: Sequence[int]) -> dict[tuple[int, int], _StoredAnswer]:
    """(evaluation id, criterion id) → answer, for all the evaluations in one query."""
    rows = (
        Answer.objects.filter(evaluation_id__in=evaluation_ids)
        .order_by()
        .values_list("evaluation_id", "criterion_id", "is_na", "value", "option_id", "points", "max_points")
    )
    return {(row[0], row[1]): _StoredAnswer(*row[2:]) for row in rows}


def _spread(evaluations: QuerySet[Evaluation]) -> Spread:
    stats = evaluations.aggregate(
        count=Count("score"),
        minimum=Min("score"),
        maximum=Max("score"),
        mean=Avg("score"),
        standard_deviation=StdDev("score"),  # population: sample=False
    )
    return Spread(
        **{
            name: (value if name == "count" or value is None else float(value))
            for name, value in stats.items()
        }
    )


def _sessions_alpha(version: ScorecardVersion) -> tuple[int, dict[int, float | None]]:
    """Per criterion of `version`, Krippendorff's alpha (interval, on the fractions) with the closed sessions
    as units: (how many sessions, {criterion id: alpha}); (0, {}) with fewer than two sessions. One query."""
    rows = (
        Answer.objects.filter(
            evaluation__calibration_session__version=version,
            evaluation__calibration_session__closed_at__isnull=False,
            evaluation__status__in=COUNTED,
            evaluation__submitted_at__lte=F("evaluation__calibration_session__closed_at"),
        )
        .order_by()
        .values_list("evaluation__calibration_session_id", "criterion_id", "is_na", "points", "max_points")
    )
    units: dict[int, dict[int, list[Fraction | None]]] = defaultdict(lambda: defaultdict(list))
    sessions = set()
    for session_id, criterion_id, is_na, points, max_points in rows:
        sessions.add(session_id)
        units[criterion_id][session_id].append(
            _fraction(_StoredAnswer(is_na, None, None, points, max_points))
        )
    if len(sessions) < 2:
        return 0, {}
    return len(sessions), {
        criterion_id: krippendorff_alpha(list(by_session.values()), INTERVAL)
        for criterion_id, by_session in units.items()
    }


def calibration_results(*, session: CalibrationSession) -> CalibrationResults:
    """Everything the results page shows, in a fixed number of queries whatever the number of raters or
    criteria: the raters' evaluations, all their answers, the score spread, the scorecard's outline, the
    participants left out, and all answers of the version's closed sessions."""
    evaluations = counted_evaluations(session)
    rows = list(
        evaluations.select_related("reviewer").order_by(
            Case(When(reviewer_id=session.created_by_id, then=Value(0)), default=Value(1)),
            "reviewer__first_name",
            "reviewer__last_name",
            "reviewer__username",
        )
    )
    ids = [evaluation.pk for evaluation in rows]
    answers = _answers_of(ids)
    outline = version_outline(session.version)
    reference = next((e for e in rows if e.reviewer_id == session.created_by_id), None)
    sessions_compared, sessions_alpha = _sessions_alpha(session.version)

    sections, differing = [], defaultdict(int)
    interval_units, nominal_units, agreements = [], [], []
    for section in outline:
        criteria = []
        for criterion in section.criteria_list:
            stored = [answers.get((e.pk, criterion.pk)) for e in rows]
            raw = [_raw_answer(criterion, a) for a in stored]
            fractions = [_fraction(a) for a in stored]
            reference_raw = raw[0] if reference is not None else None
            cells = []
            for evaluation, answer, key, fraction in zip(rows, stored, raw, fractions, strict=True):
                differs = None
                if reference is not None and evaluation is not reference and reference_raw is not None:
                    differs = key != reference_raw
                    differing[evaluation.pk] += differs
                cells.append(
                    Cell(
                        label=_label(criterion, answer),
                        is_na=answer is not None and answer.is_na,
                        answered=key is not None,
                        percent=None if fraction is None else float(fraction * 100),
                        differs=differs,
                    )
                )
            agreement = percent_agreement(raw)
            if agreement is not None:
                agreements.append(agreement)
            interval_units.append(fractions)
            nominal_units.append(raw)
            criteria.append(
                CriterionResults(
                    criterion=criterion,
                    cells=tuple(cells),
                    percent_agreement=agreement,
                    differing_count=sum(1 for cell in cells if cell.differs),
                    sessions_alpha=sessions_alpha.get(criterion.pk),
                )
            )
        if criteria:
            sections.append(SectionResults(section=section, criteria=tuple(criteria)))

    raters = tuple(
        Rater(
            evaluation_id=evaluation.pk,
            reviewer=evaluation.reviewer,
            is_reference=evaluation is reference,
            score=evaluation.score,
            passed=evaluation.passed,
            auto_failed=evaluation.auto_failed,
            score_difference=(
                evaluation.score - reference.score
                if reference is not None
                and evaluation is not reference
                and evaluation.score is not None
                and reference.score is not None
                else None
            ),
            criteria_differing=(
                differing[evaluation.pk] if reference is not None and evaluation is not reference else None
            ),
        )
        for evaluation in rows
    )
    left_out = tuple(
        session.participants.exclude(pk__in=[e.reviewer_id for e in rows]).order_by(
            "first_name", "last_name", "username"
        )
    )
    return CalibrationResults(
        session=session,
        raters=raters,
        reference=raters[0] if reference is not None else None,
        sections=tuple(sections),
        spread=_spread(evaluations),
        alpha_interval=krippendorff_alpha(interval_units, INTERVAL),
        alpha_nominal=krippendorff_alpha(nominal_units, NOMINAL),
        mean_percent_agreement=sum(agreements) / len(agreements) if agreements else None,
        left_out=left_out,
        sessions_compared=sessions_compared,
    )
