"""The library tests' world: `agent`'s recorded calls on a DEFAULT_SECTIONS scorecard, a 100% evaluation of
one of them, and that call approved into the library (criterion "Greeting", tag "warm welcome")."""

import pytest

from coaching.library import services
from tests.coaching.library.helpers import library_entry, recorded_call
from tests.factories import evaluation_of, make_published_version


@pytest.fixture
def version(call_type):
    return make_published_version(call_type)


@pytest.fixture
def great_call(agent, call_type):
    return recorded_call(agent, call_type)


@pytest.fixture
def great_evaluation(agent, version, reviewer, great_call):
    return evaluation_of(agent, version=version, reviewer=reviewer, call=great_call)


@pytest.fixture
def entry(great_evaluation, reviewer, manager):
    """The great call, nominated by the reviewer from its evaluation and approved by the QA manager."""
    return library_entry(great_evaluation.call, by=reviewer, manager=manager)


@pytest.fixture
def clips(entry, manager):
    """A public clip and an internal-only one."""
    public = services.add_clip(entry=entry, start_seconds=0, end_seconds=4, note="The greeting", by=manager)
    internal = services.add_clip(
        entry=entry, start_seconds=4, end_seconds=8, note="Customer's address", internal_only=True, by=manager
    )
    return public, internal


@pytest.fixture
def agents_other_call(agent, call_type):
    """Another recorded call of `agent`, not in the library."""
    return recorded_call(agent, call_type)
