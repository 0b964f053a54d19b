"""Fixtures of the dispute tests (acknowledge, dispute, resolve, the history)."""

import pytest

from tests.factories import GREETING_MISSED, evaluation_of


@pytest.fixture
def evaluation(agent, reviewer, default_version):
    """`reviewer`'s evaluation of a call of `agent`, submitted two days ago (inside the dispute window):
    Greeting missed, with the reviewer's comment on it; 86.667%, passed."""
    return evaluation_of(
        agent,
        reviewer=reviewer,
        version=default_version,
        answers=GREETING_MISSED,
        comments={"Greeting": "No greeting in the first 5 seconds."},
        days_ago=2,
    )
