"""calls.selectors: the resolution rate (resolved cases ÷ cases received) and outcomes that are unknown."""

import pytest

from calls.models import Call
from calls.selectors import CallFilters, calls_for_list, resolution_rate
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def rate_of(calls=None):
    result = resolution_rate(calls=Call.objects.all() if calls is None else calls)
    return result.resolved_cases, result.cases, result.rate


def test_no_calls_is_no_data():
    assert rate_of() == (0, 0, None)


def test_a_case_counts_once_however_many_contacts_it_had(agent):
    for answered in (False, True, True):  # abandoned, then answered twice
        CallFactory(agent=agent, case_id="C-1", answered=answered, resolved=answered)
    assert rate_of() == (1, 1, 100)


def test_a_case_with_an_abandoned_contact_and_a_call_without_a_case_id(agent):
    CallFactory(agent=agent, case_id="C-1", answered=False, resolved=None)
    CallFactory(agent=agent, case_id="C-1", answered=True, resolved=True)
    CallFactory(agent=agent, case_id="C-2", answered=False, resolved=None)  # never resolved
    CallFactory(agent=agent, case_id="", answered=True, resolved=True)  # its own case, resolved
    CallFactory(agent=agent, case_id="", answered=True, resolved=False)  # its own case, not
    assert rate_of() == (2, 4, 50)


def test_calls_without_a_case_id_are_each_their_own_case(agent):
    CallFactory.create_batch(3, agent=agent, case_id="", resolved=True)
    assert rate_of() == (3, 3, 100)


def test_it_counts_within_the_queryset_given(agent, other_agent):
    CallFactory(agent=agent, case_id="C-1", resolved=True)
    CallFactory(agent=other_agent, case_id="C-2", resolved=False)
    assert rate_of(Call.objects.filter(agent=agent)) == (1, 1, 100)
    assert rate_of(Call.objects.filter(agent=other_agent)) == (0, 1, 0)


def test_it_runs_over_the_call_list_queryset_in_one_query(manager, agent, django_assert_num_queries):
    for index in range(5):
        CallFactory(agent=agent, case_id=f"C-{index % 2}", resolved=index == 0)
    calls = calls_for_list(user=manager, filters=CallFilters())
    with django_assert_num_queries(1):
        assert resolution_rate(calls=calls).cases == 2
    with django_assert_num_queries(1):
        assert resolution_rate(calls=calls).resolved_cases == 1


# --- Unknown outcomes -------------------------------------------------------------------------------------


def test_the_abandoned_filter_leaves_unknown_outcomes_out(manager, agent):
    abandoned = CallFactory(agent=agent, answered=False)
    CallFactory(agent=agent, answered=None)
    listed = calls_for_list(user=manager, filters=CallFilters(answered=False))
    assert list(listed) == [abandoned]
