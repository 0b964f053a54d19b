"""Fixtures of the ingest API tests; token clients, payloads and audio are in tests.calls.ingest.helpers."""

import pytest

from tests.calls.ingest.helpers import token_client


@pytest.fixture
def api(agent, call_type):
    """A client with a fresh token, and the agent the payloads name (agent code A9001). A module whose calls
    need another setup defines its own `api`."""
    agent.agent_code = "A9001"
    agent.save(update_fields=["agent_code"])
    client, _token, _secret = token_client()
    return client
