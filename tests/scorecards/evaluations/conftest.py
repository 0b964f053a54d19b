"""Fixtures of the evaluation tests (scoring a call: start, draft, preview, submit, read)."""

import pytest

from scorecards.evaluations.services import start_evaluation


@pytest.fixture
def empty_draft(call, reviewer, default_version):
    """`reviewer`'s new draft of `call` on `default_version`: started, nothing answered yet."""
    return start_evaluation(call=call, reviewer=reviewer)
