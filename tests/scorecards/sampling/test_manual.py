"""Assigning a call by hand, reassigning and cancelling an open assignment: the services and their rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from scorecards.models import Assignment, ScorecardVersion
from scorecards.sampling.services import assign_call, cancel_assignment, reassign
from tests.factories import NO_CRITERIA, AgentFactory, CallFactory, draft, make_published_version

pytestmark = pytest.mark.django_db


def codes(excinfo) -> list[str]:
    return [error.code for error in excinfo.value.error_list]


# --- assign_call ----------------------------------------------------------------------------------------


def test_a_manager_assigns_a_call_to_a_reviewer(call, reviewer, manager, sampling_version):
    assignment = assign_call(call=call, reviewer=reviewer, assigned_by=manager)
    assignment.refresh_from_db()
    assert (assignment.call, assignment.reviewer, assignment.assigned_by) == (call, reviewer, manager)
    assert assignment.status == Assignment.Status.OPEN
    assert assignment.sampling_run is None
    assert abs(assignment.due_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_an_explicit_due_date_is_kept(call, reviewer, manager, sampling_version):
    due = timezone.now() + timedelta(days=2)
    assert assign_call(call=call, reviewer=reviewer, assigned_by=manager, due_at=due).due_at == due


@pytest.mark.parametrize(
    "change",
    [{"is_reviewer": False, "is_qa_manager": True}, {"is_active": False}],
    ids=["not a reviewer", "inactive reviewer"],
)
def test_only_active_reviewers_may_be_given_calls(call, reviewer, manager, sampling_version, change):
    for name, value in change.items():
        setattr(reviewer, name, value)
    reviewer.save()
    with pytest.raises(ValidationError) as excinfo:
        assign_call(call=call, reviewer=reviewer, assigned_by=manager)
    assert codes(excinfo) == ["not_reviewer"]
    assert not Assignment.objects.exists()


def test_a_reviewer_is_never_given_their_own_call(team, call_type, manager, sampling_version):
    reviewer_agent = AgentFactory(username="both", team=team, is_reviewer=True)
    own_call = CallFactory(agent=reviewer_agent, call_type=call_type)
    with pytest.raises(ValidationError) as excinfo:
        assign_call(call=own_call, reviewer=reviewer_agent, assigned_by=manager)
    assert codes(excinfo) == ["own_call"]
    assert not Assignment.objects.exists()


def test_a_call_already_in_a_queue_is_refused(call, reviewer, second_reviewer, manager, sampling_version):
    assign_call(call=call, reviewer=reviewer, assigned_by=manager)
    with pytest.raises(ValidationError) as excinfo:
        assign_call(call=call, reviewer=second_reviewer, assigned_by=manager)
    assert codes(excinfo) == ["already_assigned"]
    assert Assignment.objects.get().reviewer == reviewer


def test_a_call_whose_assignment_was_cancelled_may_be_assigned_again(
    call, reviewer, second_reviewer, manager, sampling_version
):
    Assignment.objects.create(call=call, reviewer=reviewer, status=Assignment.Status.CANCELLED)
    assign_call(call=call, reviewer=second_reviewer, assigned_by=manager)
    assert Assignment.objects.get(status=Assignment.Status.OPEN).reviewer == second_reviewer


@pytest.mark.parametrize("status", [ScorecardVersion.Status.DRAFT, ScorecardVersion.Status.RETIRED, None])
def test_a_call_type_without_a_published_scorecard_is_refused(call, reviewer, manager, status):
    if status:
        make_published_version(call.call_type, NO_CRITERIA, status=status)
    with pytest.raises(ValidationError) as excinfo:
        assign_call(call=call, reviewer=reviewer, assigned_by=manager)
    assert codes(excinfo) == ["no_scorecard"]


def test_a_call_without_a_call_type_is_refused(agent, reviewer, manager):
    untyped = CallFactory(agent=agent, call_type=None)
    with pytest.raises(ValidationError) as excinfo:
        assign_call(call=untyped, reviewer=reviewer, assigned_by=manager)
    assert codes(excinfo) == ["no_scorecard"]


# --- reassign and cancel --------------------------------------------------------------------------------


@pytest.fixture
def assignment(call, reviewer, manager, sampling_version):
    return assign_call(call=call, reviewer=reviewer, assigned_by=manager)


def test_reassign_moves_the_call_to_another_reviewer(assignment, second_reviewer, manager):
    reassign(assignment=assignment, reviewer=second_reviewer, by=manager)
    assignment.refresh_from_db()
    assert (assignment.reviewer, assignment.status) == (second_reviewer, Assignment.Status.OPEN)
    assert Assignment.objects.count() == 1


def test_reassign_refuses_the_calls_own_agent_and_non_reviewers(assignment, team, manager):
    agent = assignment.call.agent
    agent.is_reviewer = True
    agent.save(update_fields=["is_reviewer"])
    with pytest.raises(ValidationError) as excinfo:
        reassign(assignment=assignment, reviewer=agent, by=manager)
    assert codes(excinfo) == ["own_call"]
    with pytest.raises(ValidationError) as excinfo:
        reassign(assignment=assignment, reviewer=manager, by=manager)
    assert codes(excinfo) == ["not_reviewer"]
    with pytest.raises(ValidationError) as excinfo:
        reassign(assignment=assignment, reviewer=assignment.reviewer, by=manager)
    assert codes(excinfo) == ["same"]


def test_cancel_takes_the_call_out_of_the_queue(assignment):
    cancel_assignment(assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    with pytest.raises(ValidationError) as excinfo:
        cancel_assignment(assignment=assignment)
    assert codes(excinfo) == ["not_open"]


@pytest.mark.parametrize("status", [Assignment.Status.DONE, Assignment.Status.CANCELLED])
def test_closed_assignments_cannot_be_reassigned(assignment, second_reviewer, manager, status):
    Assignment.objects.filter(pk=assignment.pk).update(status=status)
    assignment.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        reassign(assignment=assignment, reviewer=second_reviewer, by=manager)
    assert codes(excinfo) == ["not_open"]
    assignment.refresh_from_db()
    assert assignment.reviewer != second_reviewer


def test_a_stale_copy_cannot_cancel_an_assignment_closed_meanwhile(assignment):
    stale = Assignment.objects.get(pk=assignment.pk)
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.DONE)
    with pytest.raises(ValidationError) as excinfo:
        cancel_assignment(assignment=stale)
    assert codes(excinfo) == ["not_open"]
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.DONE


def test_a_started_evaluation_keeps_the_assignment_where_it_is(
    assignment, reviewer, second_reviewer, manager, sampling_version
):
    draft(assignment.call, assignment.reviewer, assignment=assignment)
    with pytest.raises(ValidationError) as excinfo:
        reassign(assignment=assignment, reviewer=second_reviewer, by=manager)
    assert codes(excinfo) == ["started"]
    with pytest.raises(ValidationError) as excinfo:
        cancel_assignment(assignment=assignment)
    assert codes(excinfo) == ["started"]
    assignment.refresh_from_db()
    assert (assignment.reviewer, assignment.status) == (reviewer, Assignment.Status.OPEN)
