"""Object-level access for scorecards and evaluations: one helper per model (404 hides, 403 forbids).

The rule, in this order: a role that may never reach this kind of object gets 403 whatever the pk (that reveals
nothing); an object the user may not see is 404, even when they could not change it either; an object they
may see but not change is 403. Views look every object up here, never with get_object_or_404 of their own.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from calls.access import require_qa_manager
from qa_center.people import roles
from qa_center.people.models import Team, User
from qa_center.people.permissions import require
from scorecards.feedback.selectors import team_agents
from scorecards.kpis import counted_evaluations
from scorecards.models import (
    Assignment,
    CalibrationSession,
    Criterion,
    Dispute,
    Evaluation,
    RecordingNote,
    SamplingRule,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
    Section,
)

__all__ = [
    "get_assignment_for",
    "get_calibration_for",
    "get_criterion_for",
    "get_dispute_for",
    "get_evaluation_for",
    "get_note_for",
    "get_report_scope_for",
    "get_sampling_rule_for",
    "get_sampling_run_for",
    "get_scorecard_for",
    "get_section_for",
    "get_team_agent_for",
    "get_version_for",
    "require_evaluation_finder",
    "require_qa_manager",
    "require_reviewer",
]


def require_reviewer(user) -> None:
    require("scorecards.review", user)


def require_evaluation_finder(user) -> None:
    """The evaluations list is for QA managers, team leads and reviewers: 403 for anyone else (an agent has
    "My feedback")."""
    require("scorecards.find_evaluations", user)


@dataclass(frozen=True)
class ReportScope:
    """What the QA reports (scorecards.reporting) show `user`: the counted evaluations they may read in
    figures, the teams they may pick, the team asked for, and whether they see the reviewers' table.
    `link_team`: for a team lead who also reviews, the evaluations list adds their own reviews (of any team)
    to their teams' evaluations, so the report's drill-down links name their team; None otherwise (and for
    a reviewing lead of several teams, whose unfiltered links may then list their own reviews of other
    teams too)."""

    evaluations: QuerySet
    teams: QuerySet
    team: Team | None
    sees_reviewers: bool
    link_team: Team | None = None


def get_report_scope_for(user, *, team_pk=None) -> ReportScope:
    """The QA reports are for QA managers (every team, and the reviewers' table) and team leads (the
    evaluations of the teams they lead, Evaluation.team__lead: the evaluations list's rule; no reviewers'
    table, calibration being the managers' business); 403 for anyone else. `team_pk` (the filter's
    team, as asked): a team the user may not see is 404; a value that is not a number is left to the form."""
    manager = roles.is_manager(user)
    if not (manager or roles.is_team_lead(user)):
        raise PermissionDenied
    evaluations = counted_evaluations()
    teams = Team.objects.order_by("name")
    link_team = None
    if not manager:
        evaluations = evaluations.filter(team__lead=user)
        teams = teams.filter(lead=user)
        if roles.is_reviewer(user):
            led = list(teams[:2])
            link_team = led[0] if len(led) == 1 else None
    team = None
    if team_pk not in (None, "") and str(team_pk).isdigit():
        team = get_object_or_404(teams, pk=team_pk)
    return ReportScope(
        evaluations=evaluations, teams=teams, team=team, sees_reviewers=manager, link_team=link_team
    )


def get_evaluation_for(user, pk, *, for_change: bool = False) -> Evaluation:
    """The evaluation if `user` may read it, else 404. With for_change, only its reviewer may go on, and only
    while it is a draft: others who can read it get 403."""
    queryset = Evaluation.objects.visible_to(user).select_related(
        "call", "call__call_type", "agent", "agent__team", "reviewer", "version", "version__scorecard"
    )
    evaluation = get_object_or_404(queryset, pk=pk)
    if for_change:
        _require_change(user, evaluation)
    return evaluation


def _require_change(user, evaluation: Evaluation) -> None:
    require("scorecards.change_evaluation", user, evaluation)


def get_note_for(user, pk, *, evaluation_pk, for_change: bool = False) -> RecordingNote:
    """A note pinned to the recording of evaluation `evaluation_pk`: 404 unless the user may read that
    evaluation and the note is on it; with for_change, 403 for anyone but the reviewer of the draft."""
    evaluation = get_evaluation_for(user, evaluation_pk)
    note = get_object_or_404(RecordingNote, pk=pk, evaluation=evaluation)
    if for_change:
        _require_change(user, evaluation)
    note.evaluation = evaluation
    return note


def get_scorecard_for(user, pk, *, for_change: bool = False) -> Scorecard:
    """Any signed-in user may read a scorecard (agents comment on criteria); only QA managers change one.
    A scorecard with nothing published yet is the managers' work in progress: 404 for others, not 403."""
    queryset = Scorecard.objects.select_related("call_type")
    if not roles.is_manager(user):
        queryset = queryset.filter(versions__status=ScorecardVersion.Status.PUBLISHED)
    scorecard = get_object_or_404(queryset, pk=pk)
    if for_change:
        require("scorecards.change_scorecard", user, scorecard)
    return scorecard


def get_version_for(user, pk, *, for_change: bool = False) -> ScorecardVersion:
    """Drafts are the QA managers' work in progress: others get 404 for them."""
    queryset = ScorecardVersion.objects.select_related("scorecard", "scorecard__call_type")
    if not roles.is_manager(user):
        queryset = queryset.exclude(status=ScorecardVersion.Status.DRAFT)
    version = get_object_or_404(queryset, pk=pk)
    if for_change:
        require("scorecards.change_scorecard", user, version.scorecard)
    return version


# Sections and criteria (options are edited with theirs) have no access rule of their own: the version they belong to decides, so a
# draft's parts are 404 to non-managers like the draft itself, and changing a part is 403 to all but managers.


def _visible_parts(queryset, user, version_path: str):
    if not roles.is_manager(user):
        queryset = queryset.exclude(**{f"{version_path}__status": ScorecardVersion.Status.DRAFT})
    return queryset.select_related(
        version_path, f"{version_path}__scorecard", f"{version_path}__scorecard__call_type"
    )


def _part_for(queryset, user, pk, *, version_path: str, for_change: bool):
    part = get_object_or_404(_visible_parts(queryset, user, version_path), pk=pk)
    if for_change:
        require("scorecards.change_scorecard", user)
    return part


def get_section_for(user, pk, *, for_change: bool = False) -> Section:
    """The section if its version is visible to `user` (see get_version_for), else 404; for_change: 403 for
    anyone but QA managers."""
    return _part_for(Section.objects.all(), user, pk, version_path="version", for_change=for_change)


def get_criterion_for(user, pk, *, for_change: bool = False) -> Criterion:
    """The criterion if its version is visible to `user`, else 404; for_change: 403 for all but QA managers."""
    queryset = Criterion.objects.select_related("section")
    return _part_for(queryset, user, pk, version_path="section__version", for_change=for_change)


def get_calibration_for(user, pk) -> CalibrationSession:
    """QA managers see every session; reviewers only those they take part in."""
    queryset = CalibrationSession.objects.visible_to(user).select_related(
        "call", "version", "version__scorecard"
    )
    return get_object_or_404(queryset, pk=pk)


def get_assignment_for(user, pk, *, for_change: bool = False) -> Assignment:
    """Assignments are the reviewers' and QA managers' business: 403 for anyone else. A reviewer reaches only
    their own (others: 404); QA managers reach all. Moving an assignment between queues (for_change) is the QA
    manager's job: 403 for the reviewer whose assignment it is."""
    require_reviewer(user)
    queryset = Assignment.objects.select_related("call", "call__agent", "reviewer")
    if not roles.is_manager(user):
        queryset = queryset.filter(reviewer=user)
    assignment = get_object_or_404(queryset, pk=pk)
    if for_change:
        require("scorecards.change_assignment", user, assignment)
    return assignment


def get_sampling_rule_for(user, pk) -> SamplingRule:
    require("scorecards.manage_sampling", user)
    return get_object_or_404(SamplingRule.objects.select_related("call_type"), pk=pk)


def get_sampling_run_for(user, pk) -> SamplingRun:
    require("scorecards.manage_sampling", user)
    return get_object_or_404(SamplingRun.objects.select_related("created_by"), pk=pk)


def get_dispute_for(user, pk) -> Dispute:
    """Resolving disputes is the QA managers' job: 403 for anyone else, 404 for a missing dispute."""
    require("scorecards.resolve_dispute", user)
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


def get_team_agent_for(user, pk) -> User:
    """An agent of a team `user` leads: team leads only (others: 403); another team's agent is 404."""
    if not roles.is_team_lead(user):
        raise PermissionDenied
    return get_object_or_404(team_agents(lead=user), pk=pk)
