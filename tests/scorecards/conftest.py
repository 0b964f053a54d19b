"""Fixtures the scorecards features share (each feature folder's conftest.py has its own)."""

import pytest

from tests.factories import UserFactory, make_published_version, make_session


@pytest.fixture
def default_version(call_type):
    """`call_type`'s published scorecard, version 1: DEFAULT_SECTIONS (tests.factories.scorecards), weighted
    sections, pass mark 85. The version most evaluations are scored on."""
    return make_published_version(call_type)


@pytest.fixture
def second_reviewer(db):
    """Another active QA reviewer beside `reviewer`."""
    return UserFactory(username="reviewer2", is_reviewer=True)


@pytest.fixture
def calibration_session(call, manager, reviewer, second_reviewer, default_version):
    """An open calibration session on `call`, scored on `default_version`: `manager` is the reference,
    `reviewer` and `second_reviewer` take part. Its evaluations never count as the agent's."""
    return make_session(call, manager, [reviewer, second_reviewer])
