"""A call has one regular evaluation: no second reviewer scores it, and an evaluated call is not assigned again."""

import pytest
from django.core.exceptions import ValidationError

from scorecards.evaluations.services import start_evaluation
from scorecards.models import Assignment
from scorecards.sampling.services import assign_call
from tests.factories import UserFactory
from tests.scorecards.evaluation_helpers import published, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(call_type):
    return published(call_type)


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="reviewer2", is_reviewer=True)


def test_a_call_in_another_reviewers_queue_cannot_be_scored_besides(call, version, reviewer, second_reviewer):
    Assignment.objects.create(call=call, reviewer=reviewer)
    with pytest.raises(ValidationError, match="another reviewer's queue"):
        start_evaluation(call=call, reviewer=second_reviewer)


def test_an_evaluated_call_is_not_evaluated_twice(call, version, reviewer, second_reviewer, manager):
    submitted(call, reviewer)
    with pytest.raises(ValidationError, match="already been evaluated"):
        start_evaluation(call=call, reviewer=second_reviewer)
    with pytest.raises(ValidationError, match="already been evaluated"):
        assign_call(call=call, reviewer=second_reviewer, assigned_by=manager)
    # The reviewer who scored it gets their own evaluation back instead of a second one.
    assert start_evaluation(call=call, reviewer=reviewer).status != "draft"
