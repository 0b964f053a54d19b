"""The reviewer's queue: drafts first, sorted and filtered, a recording indicator and "Start next call"."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from scorecards.models import Assignment, Evaluation
from tests.factories import AgentFactory, CallFactory, CallTypeFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("queue:mine")


@pytest.fixture
def reviewer():
    return UserFactory(username="sort-reviewer", is_reviewer=True)


@pytest.fixture
def queue(reviewer):
    """Three calls in the queue: support by Ann (recorded, due last), sales by Bob, support by Bob (due first)."""
    support = CallTypeFactory(name="Support", slug="support")
    sales = CallTypeFactory(name="Sales", slug="sales")
    ann = AgentFactory(username="ann", first_name="Ann", last_name="A")
    bob = AgentFactory(username="bob", first_name="Bob", last_name="B")
    now = timezone.now()
    calls = {
        "ann-support": CallFactory(
            agent=ann, call_type=support, talk_seconds=100, started_at=now - timedelta(days=3)
        ),
        "bob-sales": CallFactory(
            agent=bob, call_type=sales, talk_seconds=500, started_at=now - timedelta(days=2)
        ),
        "bob-support": CallFactory(
            agent=bob, call_type=support, talk_seconds=300, started_at=now - timedelta(days=1)
        ),
    }
    calls["ann-support"].recording_file.save("a.wav", ContentFile(b"RIFF"), save=True)
    due = {"ann-support": 3, "bob-sales": 2, "bob-support": 1}
    return {
        name: Assignment.objects.create(call=call, reviewer=reviewer, due_at=now + timedelta(days=due[name]))
        for name, call in calls.items()
    } | {"support": support, "bob": bob}


def _rows(response, queue):
    names = {assignment.pk: name for name, assignment in queue.items() if isinstance(assignment, Assignment)}
    return [names[assignment.pk] for assignment in response.context["page"]]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("", ["bob-support", "bob-sales", "ann-support"]),  # due soonest
        ("oldest", ["ann-support", "bob-sales", "bob-support"]),
        ("newest", ["bob-support", "bob-sales", "ann-support"]),
        ("longest", ["bob-sales", "bob-support", "ann-support"]),
        ("shortest", ["ann-support", "bob-support", "bob-sales"]),
    ],
)
def test_sorted_as_asked(client, reviewer, queue, order, expected):
    client.force_login(reviewer)
    assert _rows(client.get(URL, {"order": order}), queue) == expected


def test_filtered_by_call_type_agent_and_recording(client, reviewer, queue):
    client.force_login(reviewer)
    assert _rows(client.get(URL, {"call_type": queue["support"].pk}), queue) == ["bob-support", "ann-support"]
    assert _rows(client.get(URL, {"agent": queue["bob"].pk}), queue) == ["bob-support", "bob-sales"]
    assert _rows(client.get(URL, {"recording": "yes"}), queue) == ["ann-support"]
    assert _rows(client.get(URL, {"recording": "no"}), queue) == ["bob-support", "bob-sales"]
    both = client.get(URL, {"agent": queue["bob"].pk, "call_type": queue["support"].pk})
    assert _rows(both, queue) == ["bob-support"]


def test_an_invalid_filter_is_ignored_not_an_error(client, reviewer, queue):
    client.force_login(reviewer)
    response = client.get(URL, {"agent": "999999", "order": "sideways", "call_type": queue["support"].pk})
    assert response.status_code == 200
    assert _rows(response, queue) == ["bob-support", "ann-support"]


def test_the_filters_offer_only_what_is_in_the_queue(client, reviewer, queue):
    AgentFactory(username="carol", first_name="Carol", last_name="C")  # has no call in this queue
    client.force_login(reviewer)
    form = client.get(URL).context["filter_form"]
    assert [agent.username for agent in form.fields["agent"].queryset] == ["ann", "bob"]


def test_start_next_call_starts_the_first_of_the_list(client, reviewer, queue):
    client.force_login(reviewer)
    html = client.get(URL, {"order": "longest"}).content.decode()
    assert reverse("evaluations:start", args=[queue["bob-sales"].pk]) in html.split('id="start-next-call"')[0]


def test_drafts_come_first_and_recordings_are_marked(client, reviewer, queue):
    from scorecards.models import Scorecard, ScorecardVersion

    version = ScorecardVersion.objects.create(
        scorecard=Scorecard.objects.create(call_type=queue["support"], name="Support"),
        number=1,
        status="published",
    )
    call = queue["bob-support"].call
    Evaluation.objects.create(
        call=call, agent=call.agent, reviewer=reviewer, version=version, assignment=queue["bob-support"]
    )
    client.force_login(reviewer)
    html = client.get(URL).content.decode()
    assert html.index('id="drafts"') < html.index('id="queue-table"')
    assert html.count("bi-headphones text-success") == 1  # only Ann's call has a recording
