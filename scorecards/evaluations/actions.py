"""Who may do what with an evaluation: one answer for every page that offers a button for it. Its own module:
it reads the dispute rules, which themselves import the evaluation services (who may score a call is there:
services.scoring_refusal)."""

from dataclasses import dataclass
from datetime import datetime

from qa_center.people import roles
from scorecards.disputes.services import dispute_deadline, dispute_refusal
from scorecards.models import Evaluation

__all__ = ["EvaluationActions", "evaluation_actions"]


@dataclass(frozen=True)
class EvaluationActions:
    can_edit: bool  # the reviewer, while it is a draft
    can_acknowledge: bool  # the evaluated agent, while it is submitted
    can_dispute: bool  # the evaluated agent, within the dispute window
    can_resolve: bool  # a QA manager, while a dispute is open
    dispute_deadline: datetime | None  # only for the evaluated agent
    has_history: bool


def evaluation_actions(user, evaluation: Evaluation, *, now: datetime | None = None) -> EvaluationActions:
    """What `user` (who may read `evaluation`) may do with it. No query."""
    own = user.is_authenticated and evaluation.agent_id == user.pk and not evaluation.is_calibration
    return EvaluationActions(
        can_edit=evaluation.status == Evaluation.Status.DRAFT and evaluation.reviewer_id == user.pk,
        can_acknowledge=own and evaluation.status == Evaluation.Status.SUBMITTED,
        can_dispute=own and dispute_refusal(evaluation=evaluation, now=now) is None,
        can_resolve=evaluation.status == Evaluation.Status.DISPUTED and roles.is_manager(user),
        dispute_deadline=dispute_deadline(evaluation) if own else None,
        has_history=evaluation.status != Evaluation.Status.DRAFT,
    )
