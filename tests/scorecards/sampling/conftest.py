"""Fixtures of the sampling and queue tests."""

import pytest

from tests.factories import NO_CRITERIA, make_published_version


@pytest.fixture
def sampling_version(call_type):
    """`call_type`'s published scorecard, with no criteria: sampling only asks whether a call type has a
    published scorecard, and an evaluation of it is submitted without answers (its score is None)."""
    return make_published_version(call_type, NO_CRITERIA)
