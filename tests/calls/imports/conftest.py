"""Fixtures of the import tests; helpers that build files are in tests.calls.imports.helpers."""

import pytest

from tests.factories import AgentFactory


@pytest.fixture
def jdoe(team, call_type):
    """The agent the test files name, by agent code A100 or username jdoe."""
    return AgentFactory(username="jdoe", agent_code="A100", team=team)
