"""One regular evaluation per call is a database rule (evaluation_one_regular_per_call), on SQLite and PostgreSQL;
start_evaluation turns a lost race into the same message as its pre-check."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from scorecards.evaluations.services import start_evaluation
from scorecards.models import Assignment, CalibrationSession, Evaluation
from tests.factories import UserFactory
from tests.scorecards.evaluation_helpers import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(call_type):
    return published(call_type)


def _evaluation(call, reviewer, version, **values) -> Evaluation:
    return Evaluation.objects.create(
        call=call, agent=call.agent, reviewer=reviewer, version=version, **values
    )


def test_a_second_regular_evaluation_of_a_call_is_refused_by_the_database(call, reviewer, version):
    _evaluation(call, reviewer, version)
    other = UserFactory(username="other-reviewer", is_reviewer=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        _evaluation(call, other, version)
    assert Evaluation.objects.filter(call=call).count() == 1


def test_calibration_evaluations_of_the_call_are_not_counted_by_the_rule(call, reviewer, manager, version):
    _evaluation(call, reviewer, version)
    session = CalibrationSession.objects.create(call=call, version=version, created_by=manager)
    _evaluation(call, reviewer, version, calibration_session=session)
    _evaluation(call, manager, version, calibration_session=session)
    assert Evaluation.objects.filter(call=call).count() == 3


def test_a_lost_race_gets_the_pre_checks_message(call, reviewer, version):
    """The assignment path has no pre-check of its own: another reviewer's evaluation written in between (as a
    concurrent request would) reaches the constraint, and the reviewer gets the friendly message."""
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)
    other = UserFactory(username="other-reviewer", is_reviewer=True)
    _evaluation(call, other, version)
    with pytest.raises(ValidationError) as error:
        start_evaluation(assignment=assignment, reviewer=reviewer)
    assert error.value.messages == ["This call has already been evaluated by another reviewer."]
    assert Evaluation.objects.filter(call=call).count() == 1
