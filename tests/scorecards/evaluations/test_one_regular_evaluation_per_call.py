"""A call has one regular evaluation: no second reviewer scores it, and an evaluated call is not assigned again.
The database holds the rule too (evaluation_one_regular_per_call, on SQLite and PostgreSQL); start_evaluation
turns a lost race into the same message as its pre-check."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from scorecards.evaluations.services import start_evaluation
from scorecards.models import Assignment, Evaluation
from scorecards.sampling.services import assign_call
from tests.factories import submitted

pytestmark = pytest.mark.django_db


def test_a_call_in_another_reviewers_queue_cannot_be_scored_besides(
    call, default_version, reviewer, second_reviewer
):
    Assignment.objects.create(call=call, reviewer=reviewer)
    with pytest.raises(ValidationError, match="another reviewer's queue"):
        start_evaluation(call=call, reviewer=second_reviewer)


def test_an_evaluated_call_is_not_evaluated_twice(call, default_version, reviewer, second_reviewer, manager):
    submitted(call, reviewer)
    with pytest.raises(ValidationError, match="already been evaluated"):
        start_evaluation(call=call, reviewer=second_reviewer)
    with pytest.raises(ValidationError, match="already been evaluated"):
        assign_call(call=call, reviewer=second_reviewer, assigned_by=manager)
    # The reviewer who scored it gets their own evaluation back instead of a second one.
    assert start_evaluation(call=call, reviewer=reviewer).status != "draft"


# --- The database's rule -----------------------------------------------------------------------------------


def written_past_the_services(call, reviewer, version, **values) -> Evaluation:
    """An evaluation row written straight to the database, as a concurrent request that won the race would
    have: what the constraint must refuse by itself, start_evaluation's checks never ran."""
    return Evaluation.objects.create(
        call=call, agent=call.agent, reviewer=reviewer, version=version, **values
    )


def test_a_second_regular_evaluation_of_a_call_is_refused_by_the_database(
    call, reviewer, second_reviewer, default_version
):
    written_past_the_services(call, reviewer, default_version)
    with pytest.raises(IntegrityError), transaction.atomic():
        written_past_the_services(call, second_reviewer, default_version)
    assert Evaluation.objects.filter(call=call).count() == 1


def test_calibration_evaluations_of_the_call_are_not_counted_by_the_rule(
    call, reviewer, manager, default_version, calibration_session
):
    written_past_the_services(call, reviewer, default_version)
    written_past_the_services(call, reviewer, default_version, calibration_session=calibration_session)
    written_past_the_services(call, manager, default_version, calibration_session=calibration_session)
    assert Evaluation.objects.filter(call=call).count() == 3


def test_a_lost_race_gets_the_pre_checks_message(call, reviewer, second_reviewer, default_version):
    """The assignment path has no pre-check of its own: another reviewer's evaluation written in between (as a
    concurrent request would) reaches the constraint, and the reviewer gets the friendly message."""
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)
    written_past_the_services(call, second_reviewer, default_version)
    with pytest.raises(ValidationError) as error:
        start_evaluation(assignment=assignment, reviewer=reviewer)
    assert error.value.messages == ["This call has already been evaluated by another reviewer."]
    assert Evaluation.objects.filter(call=call).count() == 1
