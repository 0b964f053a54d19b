"""The scorecards' and evaluations' object rules (qa_center.people.permissions says how they are written once).

Reading: Evaluation.objects.visible_to and CalibrationSession.objects.visible_to (their docstrings give the rules);
an answer, a note or a dispute is read with its evaluation. A scorecard or version is read by everyone once
published: drafts are the QA managers' work in progress.
Changing: an evaluation (its answers, its notes) only by its reviewer while it is a draft; scorecards, sampling,
disputes' decisions and moving assignments by QA managers; a reviewer's own assignments are theirs to work.
"""

import rules

from qa_center.people.permissions import (
    is_manager,
    is_reviewer,
    is_team_lead,
    readable,
    readable_through,
    works_center_wide,
)
from scorecards.models import Assignment, CalibrationSession, Evaluation, ScorecardVersion


@rules.predicate
def is_own_draft(user, evaluation: Evaluation) -> bool:
    return evaluation.reviewer_id == user.pk and evaluation.status == Evaluation.Status.DRAFT


@rules.predicate
def is_own_assignment(user, assignment: Assignment) -> bool:
    return assignment.reviewer_id == user.pk


@rules.predicate
def is_published_version(user, version: ScorecardVersion) -> bool:
    return version.status != ScorecardVersion.Status.DRAFT


rules.add_perm("scorecards.view_evaluation", readable(Evaluation))
rules.add_perm("scorecards.change_evaluation", is_own_draft)
rules.add_perm("scorecards.view_answer", readable_through(Evaluation, "evaluation"))
rules.add_perm("scorecards.view_dispute", readable_through(Evaluation, "evaluation"))
rules.add_perm("scorecards.resolve_dispute", is_manager)
rules.add_perm("scorecards.view_calibrationsession", readable(CalibrationSession))
rules.add_perm("scorecards.review", works_center_wide)
# The evaluations list is for QA managers, team leads and reviewers (an agent has "My feedback").
rules.add_perm("scorecards.find_evaluations", is_manager | is_team_lead | is_reviewer)
rules.add_perm("scorecards.view_assignment", works_center_wide & (is_manager | is_own_assignment))
rules.add_perm("scorecards.change_assignment", is_manager)
rules.add_perm("scorecards.view_scorecardversion", is_manager | is_published_version)
rules.add_perm("scorecards.change_scorecard", is_manager)
rules.add_perm("scorecards.manage_sampling", is_manager)
