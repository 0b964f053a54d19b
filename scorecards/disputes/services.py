"""An agent acknowledges an evaluation or disputes it per criterion; a QA manager resolves the dispute.

Every change is written to the evaluation's history (EvaluationChange: who, when, what, before → after).
Status moves are conditional UPDATEs (`WHERE status = …`) so that a double submit cannot apply a change twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qa_center.history import changes_by, record_created, record_updated
from scorecards.access import require_qa_manager
from scorecards.disputes import notifications, selectors
from scorecards.evaluations import services
from scorecards.models import Answer, Criterion, Dispute, DisputeItem, Evaluation, EvaluationChange
from scorecards.scoring import engine as scoring
from scorecards.scoring.spec import criteria_by_id, version_outline

__all__ = [
    "ScorePreview",
    "acknowledge",
    "dispute_deadline",
    "dispute_refusal",
    "disputed_answers",
    "disputes_for_managers",
    "open_dispute",
    "preview_resolution",
    "require_evaluated_agent",
    "resolve_dispute",
]

#: How many resolved disputes the managers' list shows besides the open ones.
RECENT_DISPUTES_DAYS = 30


# --- Access ------------------------------------------------------------------------------------------------


def require_evaluated_agent(user, evaluation: Evaluation) -> None:
    """Only the evaluated agent acknowledges or disputes: others who may read the evaluation get 403."""
    if not (user.is_authenticated and evaluation.agent_id is not None and evaluation.agent_id == user.pk):
        raise PermissionDenied


# --- Reads -------------------------------------------------------------------------------------------------


def dispute_deadline(evaluation: Evaluation) -> datetime | None:
    if evaluation.submitted_at is None:
        return None
    return evaluation.submitted_at + timedelta(days=settings.QA_DISPUTE_WINDOW_DAYS)


def dispute_refusal(*, evaluation: Evaluation, now: datetime | None = None) -> str | None:
    """Why this evaluation cannot be disputed now, or None when it can."""
    if evaluation.is_calibration:
        return _("Calibration evaluations do not count in your scores and cannot be disputed.")
    status = evaluation.status
    if status == Evaluation.Status.DISPUTED:
        return _("This evaluation already has an open dispute.")
    if status == Evaluation.Status.ACKNOWLEDGED:
        return _("This evaluation was acknowledged: it can no longer be disputed.")
    if status == Evaluation.Status.RESOLVED:
        return _("A dispute on this evaluation has already been resolved.")
    deadline = dispute_deadline(evaluation)
    if status != Evaluation.Status.SUBMITTED or deadline is None:
        return _("Only a submitted evaluation can be disputed.")
    if (now or timezone.now()) > deadline:
        return _(
            "The time to dispute this evaluation ended on %(deadline)s: an evaluation can be disputed within "
            "%(days)d days of being submitted."
        ) % {
            "deadline": formats.date_format(timezone.localtime(deadline), "SHORT_DATETIME_FORMAT"),
            "days": settings.QA_DISPUTE_WINDOW_DAYS,
        }
    return None


def disputes_for_managers(*, days: int = RECENT_DISPUTES_DAYS) -> tuple[QuerySet, QuerySet]:
    """(open disputes, oldest first; disputes resolved in the last `days`, newest first)."""
    base = Dispute.objects.select_related(
        "evaluation",
        "evaluation__agent",
        "evaluation__reviewer",
        "evaluation__call",
        "opened_by",
        "resolved_by",
    ).annotate(item_count=Count("items"))
    since = timezone.now() - timedelta(days=days)
    recent = (
        base.exclude(status=Dispute.Status.OPEN)
        .filter(resolved_at__gte=since)
        .order_by("-resolved_at", "-id")
    )
    return selectors.open_disputes(), recent


# --- Acknowledge -------------------------------------------------------------------------------------------


def _move(evaluation: Evaluation, *, from_status: str, to_status: str, now: datetime, **fields) -> None:
    """Change the status only if it still is `from_status` (a concurrent request may have moved it).

    The caller copies the new values onto its object once its transaction has committed."""
    updated = Evaluation.objects.filter(pk=evaluation.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if updated != 1:
        raise ValidationError(_("This evaluation was changed in the meantime: reload the page and retry."))
    record_updated(Evaluation, [evaluation.pk])


@changes_by()
def acknowledge(*, evaluation: Evaluation, by) -> Evaluation:
    """The agent has read the evaluation and accepts it (it can then no longer be disputed)."""
    require_evaluated_agent(by, evaluation)
    if evaluation.status != Evaluation.Status.SUBMITTED or evaluation.is_calibration:
        raise ValidationError(_("Only a submitted evaluation can be acknowledged."))
    now = timezone.now()
    with transaction.atomic():
        _move(
            evaluation,
            from_status=Evaluation.Status.SUBMITTED,
            to_status=Evaluation.Status.ACKNOWLEDGED,
            now=now,
            acknowledged_at=now,
        )
        EvaluationChange.objects.create(
            evaluation=evaluation,
            changed_by=by,
            action=EvaluationChange.Action.ACKNOWLEDGED,
            before={"status": Evaluation.Status.SUBMITTED},
            after={"status": Evaluation.Status.ACKNOWLEDGED},
        )
    evaluation.status, evaluation.acknowledged_at = Evaluation.Status.ACKNOWLEDGED, now
    return evaluation


# --- Open a dispute ----------------------------------------------------------------------------------------


@changes_by()
def open_dispute(*, evaluation: Evaluation, by, items: list[tuple[Criterion, str]]) -> Dispute:
    """The evaluated agent disputes some criteria, each with a reason, within the dispute window."""
    require_evaluated_agent(by, evaluation)
    refusal = dispute_refusal(evaluation=evaluation)
    if refusal:
        raise ValidationError(refusal)
    if not items:
        raise ValidationError(_("Choose at least one criterion to dispute."))
    reasons: dict[int, str] = {}
    for criterion, reason in items:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Give a reason for “%(criterion)s”.") % {"criterion": criterion.title})
        if criterion.pk in reasons:
            raise ValidationError(_("“%(criterion)s” is listed twice.") % {"criterion": criterion.title})
        reasons[criterion.pk] = reason
    in_version = Criterion.objects.filter(pk__in=reasons, section__version_id=evaluation.version_id).count()
    if in_version != len(reasons):
        raise ValidationError(_("Only the criteria of this evaluation's scorecard can be disputed."))

    now = timezone.now()
    try:
        with transaction.atomic():
            _move(
                evaluation,
                from_status=Evaluation.Status.SUBMITTED,
                to_status=Evaluation.Status.DISPUTED,
                now=now,
            )
            dispute = Dispute.objects.create(evaluation=evaluation, opened_by=by)
            record_created(
                DisputeItem.objects.bulk_create(
                    DisputeItem(dispute=dispute, criterion_id=pk, reason=reason)
                    for pk, reason in reasons.items()
                )
            )
            EvaluationChange.objects.bulk_create(
                [
                    EvaluationChange(
                        evaluation=evaluation,
                        changed_by=by,
                        action=EvaluationChange.Action.DISPUTE_OPENED,
                        before={"status": Evaluation.Status.SUBMITTED},
                        after={"status": Evaluation.Status.DISPUTED},
                    ),
                    *(
                        EvaluationChange(
                            evaluation=evaluation,
                            changed_by=by,
                            action=EvaluationChange.Action.CRITERION_DISPUTED,
                            criterion_id=pk,
                            note=reason,
                        )
                        for pk, reason in reasons.items()
                    ),
                ]
            )
            notifications.notify_dispute_opened(dispute=dispute)
    except IntegrityError as error:  # "one open dispute per evaluation", hit by a concurrent request
        raise ValidationError(_("This evaluation already has an open dispute.")) from error
    evaluation.status = Evaluation.Status.DISPUTED
    return dispute


# --- Resolve a dispute -------------------------------------------------------------------------------------


def _adjusted_value(criterion: Criterion, change: dict) -> services.AnswerValue:
    """The value of an adjustment ({"value": n} | {"option": id} | {"is_na": True}) if the criterion accepts
    it, by the same rule as the reviewer's form (services.answer_error). `criterion.options_list` is read."""
    if change.get("is_na"):
        value = scoring.NA
    elif criterion.kind == Criterion.Kind.CHOICE:
        value = _int(change.get("option"))
    else:
        value = _int(change.get("value"))
    message = _("This is not a valid answer.") if value is None else services.answer_error(criterion, value)
    if message:
        raise ValidationError(
            _("“%(criterion)s”: %(message)s") % {"criterion": criterion.title, "message": message}
        )
    return value


def _apply(answer: Answer, change: dict) -> None:
    criterion = answer.criterion
    criterion.options_list = list(criterion.options.all())  # what services.answer_error reads
    services.set_answer(answer, criterion, _adjusted_value(criterion, change))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def disputed_answers(*, dispute: Dispute) -> list[tuple[DisputeItem, Answer]]:
    """Each disputed criterion (its options prefetched) with the evaluation's answer to it: a new, unsaved
    answer if the criterion was left unanswered. Three queries."""
    items = list(
        dispute.items.select_related("criterion", "criterion__section").prefetch_related("criterion__options")
    )
    answers = {
        answer.criterion_id: answer
        for answer in Answer.objects.filter(
            evaluation_id=dispute.evaluation_id, criterion__in=[item.criterion_id for item in items]
        ).select_related("option")
    }
    pairs = []
    for item in items:
        answer = answers.get(item.criterion_id) or Answer(evaluation_id=dispute.evaluation_id)
        answer.criterion = item.criterion  # the one with the prefetched options
        pairs.append((item, answer))
    return pairs


def _adjust(dispute: Dispute, adjustments: dict[int, dict]) -> list[tuple[Answer, dict]]:
    """Write the changed answers; return (answer, its state before) for those that really changed."""
    answers = {item.criterion_id: answer for item, answer in disputed_answers(dispute=dispute)}
    changed = []
    for criterion_id, change in adjustments.items():
        answer = answers.get(_int(criterion_id))
        if answer is None:
            raise ValidationError(_("Only the disputed criteria can be adjusted."))
        before = services.answer_state(answer)
        _apply(answer, change)
        if (answer.is_na, answer.value, answer.option_id) == (
            before["is_na"],
            before["value"],
            before["option"],
        ):
            continue
        answer.save()
        changed.append((answer, before))
    return changed


def resolve_refusal(*, dispute: Dispute, user) -> str | None:
    """Why `user` may not resolve this dispute, or None. Separation of duties: nobody judges a dispute about
    their own scoring. Another QA manager resolves it; where the center has a single QA manager, an
    administrator (a superuser, who never scores) does."""
    if dispute.evaluation.reviewer_id == user.pk:
        return _(
            "You scored this evaluation, so another QA manager (or an administrator) resolves its dispute."
        )
    return None


@changes_by()
def resolve_dispute(
    *, dispute: Dispute, by, decision: str, note: str, adjustments: dict[int, dict] | None = None
) -> Dispute:
    """Uphold the evaluation, or adjust disputed answers and recompute the score. Writes the history."""
    require_qa_manager(by)
    if refusal := resolve_refusal(dispute=dispute, user=by):
        raise ValidationError(refusal)
    adjustments = adjustments or {}
    note = (note or "").strip()
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError(_("This dispute has already been resolved."))
    if decision not in (Dispute.Status.UPHELD, Dispute.Status.ADJUSTED):
        raise ValidationError(_("Choose whether the evaluation is upheld or adjusted."))
    if not note:
        raise ValidationError(_("Explain the decision: the agent and the reviewer will read it."))
    if decision == Dispute.Status.UPHELD and adjustments:
        raise ValidationError(_("An upheld evaluation keeps its answers: choose “adjusted” to change them."))

    evaluation = dispute.evaluation
    now = timezone.now()
    with transaction.atomic():
        # The dispute's own conditional update first: a second manager resolving at the same time stops here.
        updated = Dispute.objects.filter(pk=dispute.pk, status=Dispute.Status.OPEN).update(
            status=decision, resolved_by=by, resolved_at=now, resolution_note=note
        )
        if updated != 1:
            raise ValidationError(_("This dispute has already been resolved."))
        record_updated(Dispute, [dispute.pk])
        history = []
        if decision == Dispute.Status.ADJUSTED:
            history = _adjust_and_rescore(
                dispute=dispute, evaluation=evaluation, by=by, adjustments=adjustments, note=note
            )
        # After the recomputation, which may save the whole evaluation with the status it was loaded with.
        _move(
            evaluation, from_status=Evaluation.Status.DISPUTED, to_status=Evaluation.Status.RESOLVED, now=now
        )
        history.append(
            EvaluationChange(
                evaluation=evaluation,
                changed_by=by,
                action=EvaluationChange.Action.DISPUTE_RESOLVED,
                before={"status": Evaluation.Status.DISPUTED},
                after={"status": Evaluation.Status.RESOLVED, "decision": decision},
                note=note,
            )
        )
        EvaluationChange.objects.bulk_create(history)
        dispute.status, dispute.resolved_by, dispute.resolved_at, dispute.resolution_note = (
            decision,
            by,
            now,
            note,
        )
        notifications.notify_dispute_resolved(dispute=dispute)
    evaluation.status = Evaluation.Status.RESOLVED
    return dispute


def _adjust_and_rescore(
    *, dispute: Dispute, evaluation: Evaluation, by, adjustments: dict[int, dict], note: str
) -> list[EvaluationChange]:
    """Change the answers, recompute the score; return the history rows (each answer, then the score)."""
    score_before = services.score_state(evaluation)
    changed = _adjust(dispute, adjustments)
    if not changed:
        raise ValidationError(_("No answer was changed: choose “upheld” to keep the evaluation as it is."))
    services.recompute_evaluation(evaluation=evaluation)
    evaluation.refresh_from_db(fields=["score", "score_before_autofail", "auto_failed", "passed"])
    fresh = Answer.objects.select_related("option").in_bulk([answer.pk for answer, _before in changed])
    history = [
        EvaluationChange(
            evaluation=evaluation,
            changed_by=by,
            action=EvaluationChange.Action.ANSWER_ADJUSTED,
            criterion_id=answer.criterion_id,
            before=before,
            after=services.answer_state(fresh[answer.pk]),
            note=note,
        )
        for answer, before in changed
    ]
    if services.score_state(evaluation) != score_before:
        history.append(
            services.score_change(
                evaluation=evaluation,
                by=by,
                action=EvaluationChange.Action.SCORE_CHANGED,
                before=score_before,
            )
        )
    return history


@dataclass(frozen=True)
class ScorePreview:
    score: Decimal | None
    passed: bool | None
    auto_failed: bool
    score_before_autofail: Decimal | None


def preview_resolution(*, dispute: Dispute, adjustments: dict[int, dict]) -> ScorePreview:
    """The score the evaluation would get with these adjustments: the pure engine on its answers with the
    adjustments applied in memory, by the rules a real resolution applies. Writes nothing."""
    evaluation = dispute.evaluation
    outline = version_outline(evaluation.version)
    criteria = criteria_by_id(outline)
    values = {
        criterion_id: services.stored_value(criteria[criterion_id], answer)
        for criterion_id, answer in services.stored_answers(evaluation).items()
        if criterion_id in criteria
    }
    disputed = set(dispute.items.values_list("criterion_id", flat=True))
    for criterion_id, change in adjustments.items():
        criterion_id = _int(criterion_id)
        if criterion_id not in disputed or criterion_id not in criteria:
            raise ValidationError(_("Only the disputed criteria can be adjusted."))
        values[criterion_id] = _adjusted_value(criteria[criterion_id], change)
    points = {}
    for criterion_id, value in values.items():
        if value is None:
            continue
        if message := services.answer_error(criteria[criterion_id], value):
            raise ValidationError({criterion_id: message})  # as recompute_evaluation would
        points[criterion_id] = services.answer_points(criteria[criterion_id], value)
    result = services.evaluation_score(evaluation.version, points, outline=outline)
    return ScorePreview(**services.score_fields(result))
