"""GET /feedback/disputes/: the QA managers' open disputes (oldest first) and the recently resolved ones."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.disputes import services as disputes
from scorecards.models import Dispute
from tests.factories import criterion, evaluation_of

pytestmark = pytest.mark.django_db

URL = reverse("feedback:disputes")


def disputed(agent, reviewer, version, titles=("Greeting",)):
    evaluation = evaluation_of(agent, reviewer=reviewer, version=version)
    return disputes.open_dispute(
        evaluation=evaluation, by=agent, items=[(criterion(version, title), "Reason") for title in titles]
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["agent", "lead", "reviewer"])
def test_only_qa_managers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_post_is_not_allowed(client, manager):
    client.force_login(manager)
    assert client.post(URL).status_code == 405


def test_open_oldest_first_and_recent_resolved(
    client, manager, agent, other_agent, reviewer, default_version
):
    first = disputed(agent, reviewer, default_version, titles=("Greeting", "Tone"))
    second = disputed(other_agent, reviewer, default_version)
    Dispute.objects.filter(pk=first.pk).update(opened_at=timezone.now() - timedelta(days=2))
    done = disputed(agent, reviewer, default_version)
    disputes.resolve_dispute(dispute=done, by=manager, decision="upheld", note="Fine.")
    old = disputed(agent, reviewer, default_version)
    disputes.resolve_dispute(dispute=old, by=manager, decision="upheld", note="Fine.")
    Dispute.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timedelta(days=40))

    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["open_disputes"]) == [first, second]
    assert [d.item_count for d in response.context["open_disputes"]] == [2, 1]
    assert list(response.context["recent_disputes"]) == [done]
    html = response.content.decode()
    assert reverse("feedback:resolve", args=[first.pk]) in html
    assert reverse("feedback:history", args=[done.evaluation_id]) in html


@pytest.mark.parametrize("count", [2, 12])
def test_query_count_does_not_grow(
    client, manager, agent, reviewer, default_version, count, django_assert_num_queries
):
    for _ in range(count):
        disputed(agent, reviewer, default_version)
    client.force_login(manager)
    # session, user, open disputes, recent disputes, unread notifications
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert len(response.context["open_disputes"]) == count
