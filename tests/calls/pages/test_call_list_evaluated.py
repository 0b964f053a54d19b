"""The call list's evaluation column and "evaluated" filter (issue 8): read from the result scorecards keeps on
the call (Call.evaluated_at, evaluation_score, evaluation_passed), so that they cost no join and no query, and
the evaluated calls are an index range at a million calls."""

import pytest
from django.urls import reverse

from calls.selectors import CallFilters, call_listing
from tests.calls.pages.test_list_at_scale import _plan
from tests.factories import (
    COMPLETE_ANSWERS,
    GREETING_MISSED,
    AgentFactory,
    CallFactory,
    draft,
    make_published_version,
    submitted,
)

pytestmark = pytest.mark.django_db

URL = reverse("calls:list")


def listed_ids(response) -> list[str]:
    assert response.status_code == 200
    return [call.external_id for call in response.context["page"].object_list]


@pytest.fixture
def calls(agent, reviewer, call_type):
    """A passed, a failed, a drafted and an unscored call of `agent`."""
    make_published_version(call_type)
    passed = CallFactory(external_id="PASSED", agent=agent, call_type=call_type)
    failed = CallFactory(external_id="FAILED", agent=agent, call_type=call_type)
    drafted = CallFactory(external_id="DRAFTED", agent=agent, call_type=call_type)
    CallFactory(external_id="PLAIN", agent=agent, call_type=call_type)
    submitted(passed, reviewer, GREETING_MISSED)  # 86.67%
    submitted(failed, reviewer, COMPLETE_ANSWERS)  # 83.33%
    draft(drafted, reviewer, COMPLETE_ANSWERS)
    return passed, failed


def _cell(html: str, external_id: str) -> str:
    row = html.split(f'data-external-id="{external_id}"', 1)[1].split("</tr>", 1)[0]
    return row.split('data-column="evaluation">', 1)[1].split("</td>", 1)[0]


@pytest.mark.parametrize("who", ["agent", "lead", "reviewer", "manager"])
def test_the_column_shows_the_score_and_result_to_whoever_sees_the_call(client, request, who, calls):
    client.force_login(request.getfixturevalue(who))
    html = client.get(URL).content.decode()
    assert "86.7%" in _cell(html, "PASSED") and "Pass" in _cell(html, "PASSED")
    assert "83.3%" in _cell(html, "FAILED") and "Fail" in _cell(html, "FAILED")
    assert _cell(html, "DRAFTED").strip() == "" and _cell(html, "PLAIN").strip() == ""


def test_the_evaluated_filter(client, manager, calls):
    client.force_login(manager)
    assert sorted(listed_ids(client.get(URL, {"evaluated": "yes"}))) == ["FAILED", "PASSED"]
    assert sorted(listed_ids(client.get(URL, {"evaluated": "no"}))) == ["DRAFTED", "PLAIN"]
    response = client.get(URL, {"evaluated": "perhaps"})
    assert list(response.context["form"].errors) == ["evaluated"] and listed_ids(response) == []


def test_an_agent_filters_only_their_own_evaluated_calls(client, other_agent, calls, reviewer, call_type):
    theirs = CallFactory(external_id="THEIRS", agent=other_agent, call_type=call_type)
    submitted(theirs, reviewer, GREETING_MISSED)
    client.force_login(other_agent)
    assert listed_ids(client.get(URL, {"evaluated": "yes"})) == ["THEIRS"]


@pytest.mark.parametrize("evaluated", [True, False])
@pytest.mark.parametrize("who", ["lead", "manager"])
def test_dense_and_sparse_forms_list_the_same_evaluated_calls(request, calls, who, evaluated):
    from qa_center.paging import CappedCount

    listing = call_listing(user=request.getfixturevalue(who), filters=CallFilters(evaluated=evaluated))
    sparse = list(listing.rows_for(CappedCount(value=5, capped=False)).values_list("pk", flat=True))
    dense = list(listing.rows_for(CappedCount(value=10_000, capped=True)).values_list("pk", flat=True))
    assert sparse == dense == sorted(listing.counted.values_list("pk", flat=True), reverse=True)
    assert len(dense) == 2


def test_the_evaluated_calls_are_an_index_range(manager, calls):
    """Count and page both from call_evaluated_started_idx: no scan of the calls, no sort."""
    listing = call_listing(user=manager, filters=CallFilters(evaluated=True))
    count_plan = _plan(listing.counted.order_by().values("pk")[:10_001])
    page_plan = _plan(listing.rows[:51])
    assert "call_evaluated_started_idx" in count_plan, count_plan
    assert "call_evaluated_started_idx" in page_plan, page_plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in page_plan, page_plan


def test_the_column_and_the_filter_cost_no_query(
    client, manager, calls, reviewer, call_type, django_assert_num_queries
):
    from tests.calls.pages.test_call_list import LIST_QUERIES

    client.force_login(manager)
    with django_assert_num_queries(LIST_QUERIES):
        few = client.get(URL, {"evaluated": "yes"})
    agents = AgentFactory.create_batch(3)
    for index in range(20):
        submitted(CallFactory(agent=agents[index % 3], call_type=call_type), reviewer, GREETING_MISSED)
    with django_assert_num_queries(LIST_QUERIES):
        many = client.get(URL, {"evaluated": "yes"})
    assert (len(listed_ids(few)), len(listed_ids(many))) == (2, 22)
