"""GET /queue/sampling/: the QA manager's sampling page (rules, runs, workload, open assignments)."""

import pytest
from django.urls import reverse

from scorecards.models import Assignment, SamplingRun
from scorecards.sampling.services import WEEK, period_containing, run_sampling
from tests.factories import (
    NO_CRITERIA,
    CallFactory,
    CallTypeFactory,
    SamplingRuleFactory,
    UserFactory,
    make_published_version,
)
from tests.scorecards.sampling.sampled_week import WEEK_DAY, qualifying_calls

pytestmark = pytest.mark.django_db

URL = reverse("queue:manage")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead", "reviewer"])
def test_everyone_but_qa_managers_is_forbidden(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method(client, manager, method):
    client.force_login(manager)
    assert getattr(client, method)(URL).status_code == 405


def test_the_page_shows_rules_runs_workload_and_open_assignments(client, manager, reviewer, agent, call_type):
    make_published_version(call_type, NO_CRITERIA)
    rule = SamplingRuleFactory(call_type=call_type, calls_per_agent=4)
    unpublished = CallTypeFactory(name="Retention", slug="retention")
    SamplingRuleFactory(call_type=unpublished, calls_per_agent=4)
    qualifying_calls(3, agent=agent, call_type=call_type)
    run = run_sampling(period=period_containing(kind=WEEK, day=WEEK_DAY), created_by=manager)
    client.force_login(manager)

    response = client.get(URL)

    assert response.status_code == 200
    assert list(response.context["rules"]) == [rule, unpublished.sampling_rules.get()]
    page = response.content.decode()
    assert "no published scorecard" in page  # the Retention rule is flagged
    assert list(response.context["runs"]) == [run]
    assert response.context["runs"][0].shortfall == 1  # 3 calls for a quota of 4
    assert '<td class="text-end"><span class="text-warning-emphasis fw-semibold">1</span></td>' in page
    assert f'data-run="{run.pk}"' in page
    assert reverse("queue:run-detail", args=[run.pk]) in page
    (workload,) = response.context["workload"]
    assert (workload, workload.open_assignments) == (reviewer, 3)
    assert [a.pk for a in response.context["assignments"]] == list(
        Assignment.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)
    )
    assert reverse("queue:reassign", args=[run.assignments.first().pk]) in page
    assert 'id="run-form"' in page and 'id="assign-form"' in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_costs_the_same_number_of_queries_however_much_there_is(
    client, django_assert_num_queries, manager, agent, call_type, size
):
    make_published_version(call_type, NO_CRITERIA)
    for number in range(size):
        kind = CallTypeFactory()
        SamplingRuleFactory(call_type=kind)
        reviewer = UserFactory(is_reviewer=True)
        Assignment.objects.create(call=CallFactory(agent=agent, call_type=call_type), reviewer=reviewer)
        SamplingRun.objects.create(period_start=WEEK_DAY, period_end=WEEK_DAY, seed=f"seed-{number}")
    client.force_login(manager)
    # Session, user, notification badge, runs, assignments (count, page), rules, last period's volume per
    # rule (one query), workload, reviewer choices.
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["assignments"].object_list) == size
