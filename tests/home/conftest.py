"""Fixtures of the home page's tests."""

import pytest

from tests.home.helpers import HOME


@pytest.fixture
def home(client):
    """GET / as `user`: the response."""

    def get(user):
        client.force_login(user)
        return client.get(HOME)

    return get
