"""Fixtures of the home page's tests."""

import pytest

from tests.factories import UserFactory, make_published_version
from tests.home.helpers import HOME


@pytest.fixture
def home(client):
    """GET / as `user`: the response."""

    def get(user):
        client.force_login(user)
        return client.get(HOME)

    return get


@pytest.fixture
def default_version(call_type):
    """`call_type`'s published scorecard (DEFAULT_SECTIONS, pass mark 85), as in the scorecards' tests."""
    return make_published_version(call_type)


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="reviewer2", is_reviewer=True)
