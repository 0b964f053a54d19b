"""Evaluations for tests, built the way reviewers build them: through scorecards.evaluations.services
(start_evaluation, save_draft, submit_evaluation), the dispute services for the statuses after a submission,
and scorecards.calibration.services for calibration sessions.

The services compute everything: answers' points, score, pass, the history row of the submission, the agent's
notification, the assignment marked done, a calibration session closing. Only two things are ever set by
hand, with a queryset update after the services ran (`pin`): a chosen round score, when a test pins averages
and pass rates that the answers could not give, and a submission date in the past, for dispute windows and
weekly trends.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from scorecards.calibration import services as calibration
from scorecards.disputes import services as disputes
from scorecards.evaluations.services import save_draft, start_evaluation, submit_evaluation
from scorecards.models import CalibrationSession, CriterionOption, Evaluation, ScorecardVersion
from scorecards.scoring import engine as scoring
from tests.factories.calls import CallFactory
from tests.factories.people import UserFactory
from tests.factories.scorecards import criteria_of

NA = scoring.NA

# --- Answer sets of scorecards.DEFAULT_SECTIONS, by criterion title ------------------------------------------

#: Every criterion answered, not with full marks: 83.3% under weighted sections (Opening 100%, Resolution
#: (2 × 3/4 + 1 × 2/3) ÷ 3), below the default pass mark of 85.
COMPLETE_ANSWERS = {
    "Greeting": 1,
    "Verified identity": 1,
    "Diagnosed the issue": 3,
    "Tone": "Good",
    "Offered a callback": NA,
}
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


def value_of(criterion, value):
    """A title-level answer as the services take it: an option label becomes the option's id."""
    if isinstance(value, str):
        return CriterionOption.objects.get(criterion=criterion, label=value).pk
    return value


def answers_by_id(version: ScorecardVersion, answers: dict) -> dict:
    """Answers by criterion title (1/0, a scale value, an option label, NA) → by criterion id."""
    criteria = criteria_of(version)
    return {criteria[title].pk: value_of(criteria[title], value) for title, value in answers.items()}


# --- Drafts and submissions --------------------------------------------------------------------------------


def draft(
    call,
    reviewer,
    answers: dict | None = None,
    *,
    comments: dict | None = None,
    strengths: str = "Friendly tone.",
    improvements: str = "",
    **start,
) -> Evaluation:
    """`reviewer`'s draft on `call` (start_evaluation + save_draft), filled with `answers` and `comments` by
    criterion title. `start` goes to start_evaluation: assignment=..., calibration_session=..."""
    evaluation = start_evaluation(call=call, reviewer=reviewer, **start)
    criteria = criteria_of(evaluation.version)
    save_draft(
        evaluation=evaluation,
        answers=answers_by_id(evaluation.version, answers or {}),
        comments={criteria[title].pk: comment for title, comment in (comments or {}).items()},
        strengths=strengths,
        improvements=improvements,
        by=reviewer,
    )
    return evaluation


def submitted(call, reviewer, answers: dict | None = None, **kwargs) -> Evaluation:
    """`reviewer`'s submitted evaluation of `call`: `draft`, then submit_evaluation. COMPLETE_ANSWERS unless
    told (for a DEFAULT_SECTIONS scorecard)."""
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS if answers is None else answers, **kwargs)
    submit_evaluation(evaluation=evaluation, by=reviewer)
    evaluation.refresh_from_db()
    return evaluation


def pin(
    evaluation: Evaluation,
    *,
    score: Decimal | float | int | None = None,
    submitted_at: datetime | None = None,
) -> Evaluation:
    """The one thing not computed: a chosen score (passed = score ≥ the pass mark, no auto-fail) and/or a
    submission date, set with a queryset update after the services have submitted the evaluation."""
    fields = {}
    if score is not None:
        score = Decimal(str(score))
        fields.update(
            score=score,
            score_before_autofail=None,
            auto_failed=False,
            passed=score >= evaluation.version.pass_mark,
        )
    if submitted_at is not None:
        fields["submitted_at"] = submitted_at
    if fields:
        Evaluation.objects.filter(pk=evaluation.pk).update(**fields)
        evaluation.refresh_from_db()
    return evaluation


def evaluation_of(
    agent,
    *,
    version: ScorecardVersion,
    reviewer=None,
    answers: dict | None = None,
    comments: dict | None = None,
    score: Decimal | float | int | None = None,
    days_ago: float = 1,
    submitted_at: datetime | None = None,
    status: str = Evaluation.Status.SUBMITTED,
    manager=None,
    call=None,
) -> Evaluation:
    """An evaluation of a new call of `agent`, on the call type's published `version`, submitted `days_ago`
    days ago (or at `submitted_at`); FULL_MARKS unless told.

    score: the real score is the services' from the answers; give one to pin a round number instead (`pin`).
    status: SUBMITTED, or DRAFT (never submitted, no date), or where the agent's and the QA managers' actions
    take it: ACKNOWLEDGED (disputes.acknowledge), DISPUTED (disputes.open_dispute on the first criterion),
    RESOLVED (then disputes.resolve_dispute, upheld, by `manager`). They run before the date is pinned: the
    dispute window counts from the real submission.
    """
    reviewer = reviewer or UserFactory(username="feedback-reviewer", is_reviewer=True)
    call = call or CallFactory(agent=agent, call_type=version.scorecard.call_type)
    answers = FULL_MARKS if answers is None else answers
    if status == Evaluation.Status.DRAFT:
        evaluation = draft(call, reviewer, answers, comments=comments)
    else:
        evaluation = submitted(call, reviewer, answers, comments=comments)
    assert evaluation.version_id == version.pk, "the services score a call on its type's published version"
    if status == Evaluation.Status.DRAFT:
        return evaluation  # nothing to pin: a draft has neither a score nor a submission date
    if status in (Evaluation.Status.DISPUTED, Evaluation.Status.RESOLVED):
        first = evaluation.answers.order_by("criterion__section__position", "criterion__position").first()
        dispute = disputes.open_dispute(
            evaluation=evaluation, by=agent, items=[(first.criterion, "I disagree with this answer.")]
        )
        if status == Evaluation.Status.RESOLVED:
            assert manager is not None, "a QA manager resolves the dispute"
            disputes.resolve_dispute(
                dispute=dispute, by=manager, decision="upheld", note="The answer stands."
            )
    elif status == Evaluation.Status.ACKNOWLEDGED:
        disputes.acknowledge(evaluation=evaluation, by=agent)
    return pin(
        evaluation, score=score, submitted_at=submitted_at or timezone.now() - timedelta(days=days_ago)
    )


# --- Calibration -------------------------------------------------------------------------------------------


def make_session(call, manager, reviewers, **kwargs) -> CalibrationSession:
    """An open calibration session on `call` (calibration.create_session): `manager` is the reference,
    `reviewers` take part. kwargs: title, deadline."""
    return calibration.create_session(call=call, reviewers=reviewers, created_by=manager, **kwargs)


def calibrated(
    session: CalibrationSession,
    reviewer,
    answers: dict,
    *,
    submit: bool = True,
    strengths: str = "Friendly tone.",
) -> Evaluation:
    """`reviewer`'s calibration evaluation in `session`, answers by criterion title; submitted unless told
    (the last participant's submission closes the session)."""
    evaluation = draft(session.call, reviewer, answers, calibration_session=session, strengths=strengths)
    if submit:
        submit_evaluation(evaluation=evaluation, by=reviewer)
    evaluation.refresh_from_db()
    return evaluation
