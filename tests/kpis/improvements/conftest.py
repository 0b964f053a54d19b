import pytest

from tests.factories import make_published_version


@pytest.fixture
def default_version(call_type):
    """`call_type`'s published scorecard: DEFAULT_SECTIONS (tests.factories.scorecards)."""
    return make_published_version(call_type)
