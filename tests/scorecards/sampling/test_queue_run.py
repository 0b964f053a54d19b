"""POST /queue/sampling/run/: "run sampling now" for a chosen period, enqueued on commit."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.models import Assignment, SamplingRun
from tests.factories import NO_CRITERIA, SamplingRuleFactory, make_published_version
from tests.scorecards.sampling.sampled_week import WEEK_DAY, qualifying_calls

pytestmark = pytest.mark.django_db

URL = reverse("queue:run")


@pytest.fixture
def sampled_center(agent, reviewer, call_type):
    make_published_version(call_type, NO_CRITERIA)
    SamplingRuleFactory(call_type=call_type, calls_per_agent=2)
    qualifying_calls(5, agent=agent, call_type=call_type)


def test_anonymous_is_sent_to_login(client):
    response = client.post(URL, {"period": "week", "day": WEEK_DAY.isoformat()})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not SamplingRun.objects.exists()


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead", "reviewer"])
def test_everyone_but_qa_managers_is_forbidden(client, request, role, sampled_center):
    client.force_login(request.getfixturevalue(role))
    assert client.post(URL, {"period": "week", "day": WEEK_DAY.isoformat()}).status_code == 403
    assert not SamplingRun.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_method(client, manager, method):
    client.force_login(manager)
    assert getattr(client, method)(URL).status_code == 405


def test_reloading_the_address_after_a_refusal_goes_back_to_the_sampling_page(client, manager):
    """A refused POST shows the sampling page at this address; a GET of it (a reload, a language switch)
    returns to the sampling page instead of answering 405."""
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("queue:manage")


def test_a_manager_runs_sampling_for_a_chosen_week(
    client, manager, sampled_center, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, {"period": "week", "day": WEEK_DAY.isoformat()}, follow=True)

    assert len(callbacks) == 1  # enqueued once the request's transaction commits
    assert response.redirect_chain == [(reverse("queue:manage"), 302)]
    run = SamplingRun.objects.get()
    assert (run.seed, run.period_start, run.created_by) == ("2024-W10", date(2024, 3, 4), manager)
    assert Assignment.objects.filter(sampling_run=run).count() == 2
    assert "2024-W10" in response.content.decode()


def test_nothing_is_enqueued_before_the_commit(
    client, manager, sampled_center, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(URL, {"period": "month", "day": WEEK_DAY.isoformat()})
    assert len(callbacks) == 1
    assert not SamplingRun.objects.exists()
    callbacks[0]()
    assert SamplingRun.objects.get().seed == "2024-03"


@pytest.mark.parametrize(
    "data",
    [
        {"period": "week", "day": ""},
        {"period": "day", "day": "2024-03-06"},
        {"period": "week", "day": "not a date"},
        {"period": "week", "day": (timezone.localdate() + timedelta(days=1)).isoformat()},
    ],
    ids=["no day", "unknown period", "bad date", "future"],
)
def test_an_invalid_request_is_shown_again_and_runs_nothing(
    client, manager, data, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, data)
    assert response.status_code == 400
    assert response.context["run_form"].errors
    assert callbacks == []
    assert not SamplingRun.objects.exists()
