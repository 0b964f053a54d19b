"""Object-level access for scorecards and evaluations: one helper per model (404 hides, 403 forbids)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from calls.access import require_qa_manager
from qa_center.people import roles
from scorecards.models import (
    Assignment,
    CalibrationSession,
    Dispute,
    Evaluation,
    SamplingRule,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
)

__all__ = [
    "get_assignment_for",
    "get_calibration_for",
    "get_dispute_for",
    "get_evaluation_for",
    "get_sampling_rule_for",
    "get_sampling_run_for",
    "get_scorecard_for",
    "get_version_for",
    "require_qa_manager",
    "require_reviewer",
]


def require_reviewer(user) -> None:
    if not roles.works_center_wide(user):
        raise PermissionDenied


def get_evaluation_for(user, pk, *, for_change: bool = False) -> Evaluation:
    """The evaluation if `user` may read it, else 404. With for_change, only its reviewer may go on, and only
    while it is a draft: others who can read it get 403."""
    queryset = Evaluation.objects.visible_to(user).select_related(
        "call", "call__call_type", "agent", "agent__team", "reviewer", "version", "version__scorecard"
    )
    evaluation = get_object_or_404(queryset, pk=pk)
    if for_change and not (
        evaluation.reviewer_id == user.pk and evaluation.status == Evaluation.Status.DRAFT
    ):
        raise PermissionDenied
    return evaluation


def get_scorecard_for(user, pk, *, for_change: bool = False) -> Scorecard:
    """Any signed-in user may read a scorecard (agents comment on criteria); only QA managers change one."""
    if for_change:
        require_qa_manager(user)
    queryset = Scorecard.objects.select_related("call_type")
    if not roles.is_manager(user):
        # A scorecard with nothing published yet is the managers' work in progress.
        queryset = queryset.filter(versions__status=ScorecardVersion.Status.PUBLISHED)
    return get_object_or_404(queryset, pk=pk)


def get_version_for(user, pk, *, for_change: bool = False) -> ScorecardVersion:
    """Drafts are the QA managers' work in progress: others get 404 for them."""
    queryset = ScorecardVersion.objects.select_related("scorecard", "scorecard__call_type")
    if not roles.is_manager(user):
        queryset = queryset.exclude(status=ScorecardVersion.Status.DRAFT)
    version = get_object_or_404(queryset, pk=pk)
    if for_change:
        require_qa_manager(user)
    return version


def get_calibration_for(user, pk) -> CalibrationSession:
    """QA managers see every session; reviewers only those they take part in."""
    queryset = CalibrationSession.objects.visible_to(user).select_related(
        "call", "version", "version__scorecard"
    )
    return get_object_or_404(queryset, pk=pk)


def get_assignment_for(user, pk, *, for_change: bool = False) -> Assignment:
    """A reviewer reaches only their own assignments (others: 404); QA managers reach all. Moving an assignment
    between queues (for_change) is the QA manager's job: 403 for anyone else."""
    if for_change:
        require_qa_manager(user)
    queryset = Assignment.objects.select_related("call", "call__agent", "reviewer")
    if not roles.is_manager(user):
        queryset = queryset.filter(reviewer=user)
    return get_object_or_404(queryset, pk=pk)


def get_sampling_rule_for(user, pk) -> SamplingRule:
    require_qa_manager(user)
    return get_object_or_404(SamplingRule.objects.select_related("call_type"), pk=pk)


def get_sampling_run_for(user, pk) -> SamplingRun:
    require_qa_manager(user)
    return get_object_or_404(SamplingRun.objects.select_related("created_by"), pk=pk)


def get_dispute_for(user, pk) -> Dispute:
    """Resolving disputes is the QA managers' job: 403 for anyone else, 404 for a missing dispute."""
    require_qa_manager(user)
    queryset = Dispute.objects.select_related(
        "evaluation",
        "evaluation__agent",
        "evaluation__reviewer",
        "evaluation__call",
        "evaluation__call__call_type",
        "evaluation__version",
        "evaluation__version__scorecard",
        "opened_by",
        "resolved_by",
    )
    return get_object_or_404(queryset, pk=pk)
