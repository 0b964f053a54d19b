"""The reviewer's workflow: start (or resume) an evaluation, save a draft, submit it, re-score it after a
change; notes pinned to the recording; the explanation of a score (DESIGN.md capability 3, "Scoring an
evaluation").

Answers come in as {criterion id: value}, the value being what the reviewer picked: 1/0 for yes/no, 0..N for a
scale, the option's id for a choice, or scoring.NA; a criterion missing (or None) is not answered yet. The
points an answer earns are derived here, from the evaluation's own (frozen) scorecard version, never trusted
from a form.
"""

from collections.abc import Collection, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Call
from calls.services import record_evaluation_result
from qa_center.history import changes_by, record_created
from qa_center.people import roles
from qa_center.people.models import User
from qa_center.people.names import sort_key, sort_key_expression
from scorecards.calibration.closing import close_if_complete
from scorecards.evaluations.notifications import notify_evaluation_submitted
from scorecards.models import (
    Answer,
    Assignment,
    CalibrationSession,
    Criterion,
    Evaluation,
    EvaluationChange,
    RecordingNote,
    ScorecardVersion,
    Section,
)
from scorecards.scoring import engine as scoring
from scorecards.scoring.explain import Explanation, explain_score
from scorecards.scoring.spec import build_spec, criteria_by_id, spec_from_outline, version_outline

__all__ = [
    "AnswerValue",
    "add_recording_note",
    "answer_error",
    "answer_points",
    "answer_row",
    "answer_state",
    "delete_recording_note",
    "evaluation_score",
    "explained_score",
    "move_draft_to_published",
    "published_version_for",
    "record_on_call",
    "record_results_on_calls",
    "points_of",
    "recompute_evaluation",
    "save_draft",
    "score_change",
    "score_fields",
    "scoring_refusal",
    "score_state",
    "set_answer",
    "start_evaluation",
    "stored_answers",
    "stored_value",
    "submit_evaluation",
]

AnswerValue = int | scoring._NotApplicable

_SCORE_FIELDS = ["score", "score_before_autofail", "auto_failed", "passed"]


# --- Answers and their points ------------------------------------------------------------------------------


def answer_error(criterion: Criterion, value: AnswerValue) -> str | None:
    """Why `value` is not a valid answer to `criterion` (None: it is)."""
    if value is scoring.NA:
        return None if criterion.allows_na else _("N/A is not allowed for this criterion.")
    if isinstance(value, bool) or not isinstance(value, int):
        return _("This is not a valid answer.")
    if criterion.kind == Criterion.Kind.CHOICE:
        if all(option.pk != value for option in criterion.options_list):
            return _("Choose one of the options.")
        return None
    highest = 1 if criterion.kind == Criterion.Kind.YES_NO else criterion.scale_max
    if not 0 <= value <= highest:
        return _("Choose a value from 0 to %(max)d.") % {"max": highest}
    return None


def answer_points(criterion: Criterion, value: AnswerValue) -> Decimal | scoring._NotApplicable:
    """The points a valid answer earns (NA stays NA)."""
    if value is scoring.NA:
        return scoring.NA
    if criterion.kind == Criterion.Kind.CHOICE:
        return next(option.points for option in criterion.options_list if option.pk == value)
    return Decimal(value)


def points_of(criteria: Mapping[int, Criterion], answers: Mapping[int, AnswerValue | None]) -> dict:
    """The engine's input ({criterion id: points | NA}) for the valid answers among `answers`; others are left
    out, as if not answered (the live preview scores what it can while the reviewer fills in the form)."""
    points = {}
    for criterion_id, value in answers.items():
        criterion = criteria.get(criterion_id)
        if value is None or criterion is None or answer_error(criterion, value):
            continue
        points[criterion_id] = answer_points(criterion, value)
    return points


def stored_value(criterion: Criterion, answer: Answer) -> AnswerValue | None:
    """An Answer row as the value a reviewer picked (None: not answered yet)."""
    if answer.is_na:
        return scoring.NA
    if criterion.kind == Criterion.Kind.CHOICE:
        return answer.option_id
    return answer.value


def stored_answers(evaluation: Evaluation) -> dict[int, Answer]:
    """criterion id → the evaluation's Answer row (one query)."""
    return {answer.criterion_id: answer for answer in Answer.objects.filter(evaluation=evaluation)}


def evaluation_score(
    version: ScorecardVersion, answers: Mapping[int, object], *, outline: list[Section] | None = None
) -> scoring.ScoreResult:
    """Score {criterion id: points | scoring.NA} on a version with the pure engine.

    The spec costs spec.build_spec's two queries, or none when the caller already holds the version's
    spec.version_outline (the live score is asked for on every change in the form: every query counts).
    """
    spec = build_spec(version) if outline is None else spec_from_outline(version, outline)
    return scoring.score(spec, answers)


def score_fields(result: scoring.ScoreResult) -> dict:
    """An engine result as the Evaluation fields that store it: the one way a score is written down."""
    return {
        "score": result.as_decimal(result.score),
        "score_before_autofail": result.as_decimal(result.score_before_autofail),
        "auto_failed": result.auto_failed,
        "passed": result.passed,
    }


def explained_score(
    version: ScorecardVersion, outline: list[Section], answers: Mapping[int, AnswerValue]
) -> Explanation:
    """The score `answers` give on `version`, explained (valid answers only; others count as unanswered):
    the live score, the read view and "try it" alike. No query: `outline` is spec.version_outline's."""
    result = evaluation_score(version, points_of(criteria_by_id(outline), answers), outline=outline)
    return explain_score(result, outline)


def set_answer(answer: Answer, criterion: Criterion, value: AnswerValue | None) -> Answer:
    """Put a (valid) value on an Answer row, with the points it earns: the one way an answer is written, by the
    reviewer's form and by a dispute's adjustment alike."""
    answer.is_na, answer.value, answer.option_id, answer.points = False, None, None, None
    if value is scoring.NA:
        answer.is_na = True
    elif value is not None and criterion.kind == Criterion.Kind.CHOICE:
        answer.option_id, answer.points = value, answer_points(criterion, value)
    elif value is not None:
        answer.value, answer.points = value, answer_points(criterion, value)
    return answer


def answer_row(
    *, evaluation: Evaluation, criterion: Criterion, value: AnswerValue | None, comment: str = ""
) -> Answer:
    """A new (unsaved) Answer row for `value`; `criterion` comes from spec.version_outline (its max_points)."""
    answer = Answer(
        evaluation=evaluation, criterion=criterion, comment=comment, max_points=criterion.max_points
    )
    return set_answer(answer, criterion, value)


# --- The history -------------------------------------------------------------------------------------------


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)  # JSON has no decimal type; a string keeps it exact


def answer_state(answer: Answer) -> dict:
    """An answer as stored in the history: enough to show it later even if nothing else is loaded."""
    return {
        "is_na": answer.is_na,
        "value": answer.value,
        "option": answer.option_id,
        "option_label": answer.option.label if answer.option_id else None,
        "points": _number(answer.points),
        "max_points": _number(answer.max_points),
    }


def score_state(evaluation: Evaluation) -> dict:
    """The evaluation's score fields as stored in the history."""
    return {
        "score": _number(evaluation.score),
        "score_before_autofail": _number(evaluation.score_before_autofail),
        "auto_failed": evaluation.auto_failed,
        "passed": evaluation.passed,
    }


def score_change(
    *, evaluation: Evaluation, by, action: str, before: dict, after: dict | None = None
) -> EvaluationChange:
    """An unsaved history row whose `after` is `after` plus the evaluation's score as it is now."""
    return EvaluationChange(
        evaluation=evaluation,
        changed_by=by,
        action=action,
        before=before,
        after={**(after or {}), **score_state(evaluation)},
    )


# --- Starting and resuming ---------------------------------------------------------------------------------


def published_version_for(call) -> ScorecardVersion:
    """The version a call is scored on: the published one of its call type."""
    version = (
        ScorecardVersion.objects.published().filter(scorecard__call_type_id=call.call_type_id).first()
        if call.call_type_id
        else None
    )
    if version is None:
        raise ValidationError(_("There is no published scorecard for this call's type yet."))
    return version


def scoring_refusal(user, call) -> str | None:
    """Why `user` may not start scoring `call` by itself (outside a queue or a calibration), None when they may.
    No query: the call page asks it for its "Score this call" button. What depends on other rows (a published
    scorecard, another reviewer's evaluation) is start_evaluation's to refuse."""
    if not roles.works_center_wide(user):
        return _("Only reviewers and QA managers score calls.")
    if call.agent_id is not None and call.agent_id == user.pk:
        return _("You cannot evaluate your own call.")
    if not call.answered:
        return _("This call was not answered: there is no conversation to score.")
    return None


def _name_key(user_id: int | None):
    """The sort key of the person `user_id`, read inside the INSERT itself (no query of its own)."""
    if user_id is None:
        return ""
    person = User.objects.filter(pk=user_id).annotate(key=sort_key_expression()).values("key")[:1]
    return Coalesce(Subquery(person), Value(""))


def refresh_name_sort_keys(user_ids: Collection[int]) -> int:
    """The evaluations' copies of these people's names, rewritten (registered with qa_center.people.names)."""
    changed = 0
    for person, column in (("agent_id", "agent_sort"), ("reviewer_id", "reviewer_sort")):
        key = User.objects.filter(pk=OuterRef(person)).annotate(key=sort_key_expression()).values("key")[:1]
        changed += Evaluation.objects.filter(**{f"{person}__in": list(user_ids)}).update(
            **{column: Coalesce(Subquery(key), Value(""))}
        )
    return changed


@changes_by("reviewer")
@transaction.atomic
def start_evaluation(
    *,
    assignment: Assignment | None = None,
    call=None,
    reviewer,
    calibration_session: CalibrationSession | None = None,
) -> Evaluation:
    """The reviewer's evaluation of a call: their existing one (draft or submitted) if they have it, else a
    new draft on the published version of the call type's scorecard (a calibration session's own version).

    Give an assignment (from the reviewer's queue), a calibration session, or a call scored without either (an
    open assignment of that call to the reviewer is then used). Nobody evaluates their own call.
    """
    if assignment is not None:
        # Locked so that two clicks on "Start" cannot create two evaluations of one assignment.
        assignment = Assignment.objects.select_for_update().select_related("call").get(pk=assignment.pk)
        if assignment.reviewer_id != reviewer.pk:
            raise PermissionDenied
        if assignment.status == Assignment.Status.CANCELLED:
            raise ValidationError(_("This assignment was cancelled."))
        call = assignment.call
        existing = Evaluation.objects.filter(assignment=assignment).first()
    elif calibration_session is not None:
        if not calibration_session.participants.filter(pk=reviewer.pk).exists():
            raise PermissionDenied
        call = calibration_session.call
        existing = Evaluation.objects.filter(
            calibration_session=calibration_session, reviewer=reviewer
        ).first()
        if existing is None and calibration_session.is_closed:
            raise ValidationError(_("This calibration session is closed."))
    elif call is not None:
        # Locked so that two clicks on "Score this call" cannot create two evaluations of it.
        Call.objects.select_for_update().values_list("pk", flat=True).get(pk=call.pk)
        if refusal := scoring_refusal(reviewer, call):
            raise ValidationError(refusal)
        open_assignment = Assignment.objects.filter(
            call=call, reviewer=reviewer, status=Assignment.Status.OPEN
        ).first()
        if open_assignment is not None:
            return start_evaluation(assignment=open_assignment, reviewer=reviewer)
        # One regular evaluation of a call: a second one would count the call twice in the agent's scores.
        existing = (
            Evaluation.objects.filter(call=call, reviewer=reviewer, calibration_session__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if existing is None:
            if Assignment.objects.filter(call=call, status=Assignment.Status.OPEN).exists():
                raise ValidationError(_("This call is already in another reviewer's queue."))
            # The friendly answer; the database's evaluation_one_regular_per_call is the rule (below).
            if Evaluation.objects.filter(call=call, calibration_session__isnull=True).exists():
                raise ValidationError(_already_evaluated())
    else:
        raise TypeError("start_evaluation needs an assignment, a calibration session or a call")

    if existing is not None:
        return existing
    if call.agent_id is not None and call.agent_id == reviewer.pk:
        raise ValidationError(_("You cannot evaluate your own call."))
    version = calibration_session.version if calibration_session is not None else published_version_for(call)
    try:
        # A savepoint: a request that lost the race to another reviewer gets the message, not a broken
        # transaction.
        with transaction.atomic():
            return Evaluation.objects.create(
                call=call,
                agent_id=call.agent_id,
                team_id=call.team_id,
                version=version,
                reviewer=reviewer,
                assignment=assignment,
                calibration_session=calibration_session,
                agent_sort=_name_key(call.agent_id),
                reviewer_sort=sort_key(reviewer.first_name, reviewer.last_name, reviewer.username),
            )
    except IntegrityError:
        if calibration_session is not None:
            raise
        raise ValidationError(_already_evaluated()) from None


def _already_evaluated() -> str:
    return _("This call has already been evaluated by another reviewer.")


# --- Drafts and submitting ---------------------------------------------------------------------------------


def _lock_draft(evaluation_id: int, by) -> str:
    """Re-read the evaluation under a row lock; only its reviewer changes it, only while it is a draft.
    Returns the stored strengths (the submit checks what was saved, not what an old instance holds)."""
    status, reviewer_id, strengths, session_closed_at = (
        Evaluation.objects.select_for_update(of=("self",))
        .filter(pk=evaluation_id)
        .values_list("status", "reviewer_id", "strengths", "calibration_session__closed_at")
        .get()
    )
    if reviewer_id != by.pk:
        raise PermissionDenied
    if status != Evaluation.Status.DRAFT:
        raise ValidationError(_("This evaluation has been submitted: it can no longer be changed."))
    if session_closed_at is not None:
        # Once a calibration closes the others' answers are visible: a late answer would not be blind.
        raise ValidationError(
            _("This calibration session is closed: the evaluation can no longer be changed.")
        )
    return strengths


def _carried_value(old: Criterion, new: Criterion, answer: Answer) -> AnswerValue | None:
    """The old answer as an answer to the new version's same-titled criterion, or None if it does not fit."""
    if old.kind != new.kind:
        return None
    value = stored_value(old, answer)
    if value is scoring.NA:
        return value if new.allows_na else None
    if value is None or new.kind == Criterion.Kind.YES_NO:
        return value
    if new.kind == Criterion.Kind.SCALE:
        return value if value <= new.scale_max else None
    label = next((option.label for option in old.options_list if option.pk == value), None)
    return next((option.pk for option in new.options_list if option.label == label), None)


@changes_by()
@transaction.atomic
def move_draft_to_published(*, evaluation: Evaluation, by) -> tuple[int, int]:
    """Move a draft started on a version that has since been retired to the published version, carrying each
    answer and comment to the criterion of the same title where it still fits (same kind, value in range, an
    option of the same label). Returns (answers carried, answers left behind). A draft has no history yet, so
    none is written; the reviewer re-checks the answers before submitting as always."""
    _lock_draft(evaluation.pk, by)
    if evaluation.calibration_session_id is not None:
        raise ValidationError(_("A calibration evaluation stays on its session's version."))
    published = published_version_for(evaluation.call)
    if published.pk == evaluation.version_id:
        raise ValidationError(_("This draft is already on the published version."))
    old_criteria = criteria_by_id(version_outline(evaluation.version))
    new_by_title = {}
    for criterion in criteria_by_id(version_outline(published)).values():
        new_by_title.setdefault(criterion.title, criterion)
    old_answers = stored_answers(evaluation)
    rows, carried, left = [], 0, 0
    for criterion_id, answer in old_answers.items():
        old = old_criteria.get(criterion_id)
        if old is None:
            continue
        new = new_by_title.get(old.title)
        value = None if new is None else _carried_value(old, new, answer)
        if new is not None and (value is not None or answer.comment):
            rows.append(answer_row(evaluation=evaluation, criterion=new, value=value, comment=answer.comment))
        if stored_value(old, answer) is not None:
            carried, left = (carried + 1, left) if value is not None else (carried, left + 1)
    Answer.objects.filter(evaluation=evaluation).delete()
    record_created(Answer.objects.bulk_create(rows))
    evaluation.version = published
    evaluation.save(update_fields=["version", "updated_at"])
    return carried, left


@changes_by()
@transaction.atomic
def save_draft(
    *,
    evaluation: Evaluation,
    answers: Mapping[int, AnswerValue | None],
    comments: Mapping[int, str],
    strengths: str,
    improvements: str,
    by,
) -> Evaluation:
    """Store the reviewer's work so far: answers may be missing, but those given must be valid.

    Raises ValidationError({criterion id: message}) for invalid answers; nothing is saved then.
    """
    _lock_draft(evaluation.pk, by)
    criteria = criteria_by_id(version_outline(evaluation.version))
    if set(answers) - set(criteria) or set(comments) - set(criteria):
        raise ValidationError(_("Some answers are not about this evaluation's scorecard."))
    errors = {
        criterion_id: message
        for criterion_id, value in answers.items()
        if value is not None and (message := answer_error(criteria[criterion_id], value))
    }
    if errors:
        raise ValidationError(errors)

    rows = []
    for criterion_id, criterion in criteria.items():
        value, comment = answers.get(criterion_id), (comments.get(criterion_id) or "").strip()
        if value is not None or comment:
            rows.append(answer_row(evaluation=evaluation, criterion=criterion, value=value, comment=comment))
    Answer.objects.filter(evaluation=evaluation).exclude(
        criterion_id__in=[row.criterion_id for row in rows]
    ).delete()
    if rows:
        # The upsert sends no signal: the history gets the answers it added and those it really changed (a
        # draft saved again unchanged records nothing).
        before = {
            state[0]: state[1:]
            for state in Answer.objects.filter(evaluation=evaluation).values_list(
                "criterion_id", *_ANSWER_STATE
            )
        }
        Answer.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["evaluation", "criterion"],
            update_fields=["is_na", "value", "option", "points", "max_points", "comment"],
        )
        record_created(row for row in rows if row.criterion_id not in before)
        Answer.history.bulk_history_create(
            [
                row
                for row in rows
                if row.criterion_id in before and _answer_state(row) != before[row.criterion_id]
            ],
            update=True,
        )
    evaluation.strengths, evaluation.improvements = strengths.strip(), improvements.strip()
    evaluation.save(update_fields=["strengths", "improvements", "updated_at"])
    return evaluation


# What a history row of an answer is compared on (the upsert writes these).
_ANSWER_STATE = ("is_na", "value", "option_id", "points", "max_points", "comment")


def _answer_state(answer: Answer) -> tuple:
    return tuple(getattr(answer, name) for name in _ANSWER_STATE)


def _score_and_store(
    evaluation: Evaluation, outline: list[Section], answers: list[Answer]
) -> scoring.ScoreResult:
    """Derive each answer's points from its value, store them, score the evaluation and set (not save) its
    score fields."""
    criteria = criteria_by_id(outline)
    values = {}
    before = {answer.pk: (answer.points, answer.max_points) for answer in answers}
    for answer in answers:
        criterion = criteria[answer.criterion_id]
        value = stored_value(criterion, answer)
        if value is not None and (message := answer_error(criterion, value)):
            raise ValidationError({criterion.pk: message})
        points = None if value is None else answer_points(criterion, value)
        answer.points = None if points is scoring.NA else points
        answer.max_points = criterion.max_points
        if value is not None:
            values[criterion.pk] = points
    if answers:
        Answer.objects.bulk_update(answers, ["points", "max_points"])
        Answer.history.bulk_history_create(
            [answer for answer in answers if (answer.points, answer.max_points) != before[answer.pk]],
            update=True,
        )
    result = evaluation_score(evaluation.version, values, outline=outline)
    for name, value in score_fields(result).items():
        setattr(evaluation, name, value)
    return result


def record_on_call(evaluation: Evaluation) -> None:
    """Copy a submitted regular evaluation's result onto its call (Call.evaluated_at, evaluation_score,
    evaluation_passed: what the call list shows and filters). The one function every write of a score calls:
    the submission and a dispute's re-scoring. Calibration evaluations are not the call's result."""
    if evaluation.calibration_session_id is not None or evaluation.status not in Evaluation.COUNTED_STATUSES:
        return
    record_evaluation_result(
        call_id=evaluation.call_id,
        evaluated_at=evaluation.submitted_at,
        score=evaluation.score,
        passed=evaluation.passed,
    )


def record_results_on_calls() -> int:
    """record_on_call for every call at once (one UPDATE): for evaluations written around the services, such
    as bulk-seeded demo data. Returns the number of calls that carry a result."""
    result = Evaluation.objects.filter(
        call_id=OuterRef("pk"), calibration_session__isnull=True, status__in=Evaluation.COUNTED_STATUSES
    )
    return Call.objects.filter(Exists(result)).update(
        evaluated_at=Subquery(result.values("submitted_at")[:1]),
        evaluation_score=Subquery(result.values("score")[:1]),
        evaluation_passed=Subquery(result.values("passed")[:1]),
    )


@changes_by()
def submit_evaluation(*, evaluation: Evaluation, by) -> scoring.ScoreResult:
    """Submit the saved draft: every criterion answered (or N/A where allowed), at least one strength.

    Scores it, stores every answer's points, marks the assignment done, writes the history, tells the agent.
    Raises ValidationError({criterion id or "strengths": message}) when the draft is not complete.
    """
    with transaction.atomic():
        strengths = _lock_draft(evaluation.pk, by)
        outline = version_outline(evaluation.version)
        criteria = criteria_by_id(outline)
        answers = stored_answers(evaluation)
        errors = {}
        for criterion_id, criterion in criteria.items():
            answer = answers.get(criterion_id)
            value = None if answer is None else stored_value(criterion, answer)
            if value is None:
                errors[criterion_id] = (
                    _("Answer this criterion, or mark it N/A.")
                    if criterion.allows_na
                    else _("Answer this criterion.")
                )
            elif message := answer_error(criterion, value):
                errors[criterion_id] = message
        if not strengths.strip():
            errors["strengths"] = _("Name at least one strength: feedback must recognise what went well.")
        if errors:
            raise ValidationError(errors)

        result = _score_and_store(evaluation, outline, list(answers.values()))
        evaluation.status, evaluation.submitted_at = Evaluation.Status.SUBMITTED, timezone.now()
        evaluation.save(update_fields=[*_SCORE_FIELDS, "status", "submitted_at", "updated_at"])
        record_on_call(evaluation)
        if evaluation.assignment_id is not None:
            Assignment.objects.filter(pk=evaluation.assignment_id, status=Assignment.Status.OPEN).update(
                status=Assignment.Status.DONE
            )
        score_change(
            evaluation=evaluation,
            by=by,
            action=EvaluationChange.Action.SUBMITTED,
            before={"status": Evaluation.Status.DRAFT},
            after={"status": Evaluation.Status.SUBMITTED},
        ).save()
        if evaluation.calibration_session_id is not None:
            close_if_complete(session=evaluation.calibration_session)
        notify_evaluation_submitted(evaluation)
    return result


@transaction.atomic
def recompute_evaluation(*, evaluation: Evaluation) -> scoring.ScoreResult:
    """Score the evaluation again from its stored answers (after a dispute adjusted one) and save the result.

    The history of the change is the caller's to write: it knows why the answer changed.
    """
    outline = version_outline(evaluation.version)
    result = _score_and_store(evaluation, outline, list(stored_answers(evaluation).values()))
    evaluation.save(update_fields=[*_SCORE_FIELDS, "updated_at"])
    record_on_call(evaluation)
    return result


# --- Notes on the recording --------------------------------------------------------------------------------


@transaction.atomic
def add_recording_note(*, evaluation: Evaluation, at_seconds: Decimal, body: str, by) -> RecordingNote:
    """Pin a note to a moment of the recording (the reviewer, while the evaluation is a draft)."""
    _lock_draft(evaluation.pk, by)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the note first.")})
    if at_seconds < 0:
        raise ValidationError({"at_seconds": _("The time cannot be negative.")})
    return RecordingNote.objects.create(evaluation=evaluation, at_seconds=at_seconds, body=body, author=by)


@transaction.atomic
def delete_recording_note(*, note: RecordingNote, by) -> None:
    _lock_draft(note.evaluation_id, by)
    note.delete()
