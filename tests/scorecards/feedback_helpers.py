"""Submitted evaluations for the feedback and dispute tests, built straight with the ORM.

The scorecard is builder_helpers.DEFAULT_SECTIONS:
    Opening (weight 40): Greeting (yes/no, w1), Verified identity (yes/no, w2, critical: evaluation)
    Resolution (weight 60): Diagnosed the issue (scale 0..4, w2),
                            Tone (choice Poor 0 / Good 2 / Excellent 3, w1),
                            Offered a callback (yes/no, w1, N/A allowed)
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from scorecards.evaluations import services
from scorecards.models import Answer, Criterion, Evaluation, ScorecardVersion
from tests.factories import CallFactory, UserFactory
from tests.scorecards.builder_helpers import make_published_version

#: Every criterion earns its full points: 100%.
FULL_MARKS = {
    "Greeting": 1,
    "Verified identity": 1,
    "Diagnosed the issue": 4,
    "Tone": "Excellent",
    "Offered a callback": 1,
}
#: Greeting missed: Opening 2/3, Resolution 1 → (40 × 2/3 + 60 × 1) ÷ 100 = 86.667% (passes the default 85).
GREETING_MISSED = {**FULL_MARKS, "Greeting": 0}


def default_version(call_type) -> ScorecardVersion:
    """The call type's published version, built once per test."""
    existing = ScorecardVersion.objects.published().filter(scorecard__call_type=call_type).first()
    return existing or make_published_version(call_type)


def criterion(version: ScorecardVersion, title: str) -> Criterion:
    return Criterion.objects.get(section__version=version, title=title)


def make_evaluation(
    *,
    agent,
    version: ScorecardVersion,
    reviewer=None,
    answers: dict | None = None,
    comments: dict | None = None,
    score: Decimal | float | None = None,
    days_ago: float = 1,
    submitted_at: datetime | None = None,
    status: str = Evaluation.Status.SUBMITTED,
    calibration_session=None,
    call=None,
) -> Evaluation:
    """A submitted evaluation of a new call of `agent`.

    answers: criterion title → 1/0 (yes/no), 0..N (scale), an option label (choice) or "na"; FULL_MARKS by
    default. score: stored as given (with passed = score ≥ the pass mark) so a test can choose round numbers;
    without it, the real score is computed by services.recompute_evaluation from the answers.
    """
    reviewer = reviewer or UserFactory(username="feedback-reviewer", is_reviewer=True)
    call = call or CallFactory(agent=agent, call_type=version.scorecard.call_type)
    submitted_at = submitted_at or timezone.now() - timedelta(days=days_ago)
    evaluation = Evaluation.objects.create(
        call=call,
        agent=agent,
        team_id=call.team_id,  # as start_evaluation copies it
        version=version,
        reviewer=reviewer,
        calibration_session=calibration_session,
        status=status,
        submitted_at=submitted_at,
        strengths="Friendly and clear.",
        improvements="Confirm the customer's identity first.",
    )
    criteria = {
        c.title: c for c in Criterion.objects.filter(section__version=version).prefetch_related("options")
    }
    rows = []
    for title, value in (FULL_MARKS if answers is None else answers).items():
        rows.append(_answer(evaluation, criteria[title], value, (comments or {}).get(title, "")))
    Answer.objects.bulk_create(rows)
    if score is None:
        services.recompute_evaluation(evaluation=evaluation)
    else:
        evaluation.score = Decimal(str(score))
        evaluation.score_before_autofail = None
        evaluation.auto_failed = False
        evaluation.passed = evaluation.score >= version.pass_mark
        evaluation.save(update_fields=["score", "score_before_autofail", "auto_failed", "passed"])
    evaluation.refresh_from_db()
    return evaluation


def _answer(evaluation: Evaluation, criterion: Criterion, value, comment: str) -> Answer:
    answer = Answer(evaluation=evaluation, criterion=criterion, comment=comment)
    if value == "na":
        answer.is_na = True
        return answer
    if criterion.kind == Criterion.Kind.CHOICE:
        options = list(criterion.options.all())
        answer.option = next(option for option in options if option.label == value)
        answer.points = answer.option.points
        answer.max_points = max(option.points for option in options)
    else:
        answer.value = value
        answer.points = Decimal(value)
        answer.max_points = Decimal(1 if criterion.kind == Criterion.Kind.YES_NO else criterion.scale_max)
    return answer
