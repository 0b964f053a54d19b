"""Fixtures of the calibration tests: the four-criterion scorecard, three reviewers and an open session."""

import pytest

from tests.factories import FOUR_CRITERIA, make_published_version, make_reviewers, make_session


@pytest.fixture
def four_criteria_version(call_type):
    """`call_type`'s published calibration scorecard, FOUR_CRITERIA: one section, four criteria of weight 1."""
    return make_published_version(call_type, FOUR_CRITERIA)


@pytest.fixture
def reviewers(db):
    """Three QA reviewers, rev1 to rev3 (the order of the results' columns)."""
    return make_reviewers(3)


@pytest.fixture
def session(call, manager, reviewers, four_criteria_version):
    """An open session on `call`, "Week 12 calibration": `manager` is the reference, the three `reviewers`
    take part. known_answers.KNOWN_ANSWERS is what they answer in the tests of the results."""
    return make_session(call, manager, reviewers, title="Week 12 calibration")
