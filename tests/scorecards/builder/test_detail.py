"""GET /scorecards/<pk>/ (versions and history) and POST /scorecards/<pk>/new-draft/."""

import pytest
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.models import Criterion, ScorecardVersion
from tests.factories import CallTypeFactory, make_published_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(call_type, manager):
    """v1 retired, v2 published by the manager with notes, v3 a draft."""
    make_published_version(call_type, published_by=manager, notes="First cut")
    v2 = make_published_version(call_type, published_by=manager, notes="Tone weighs more")
    builder.start_draft(scorecard=v2.scorecard, by=manager)
    return v2.scorecard.versions.order_by("number")


def detail_url(scorecard) -> str:
    return reverse("scorecards:detail", args=[scorecard.pk])


def new_draft_url(scorecard) -> str:
    return reverse("scorecards:new_draft", args=[scorecard.pk])


# --- Detail ------------------------------------------------------------------------------------------------


def test_detail_anonymous_is_sent_to_login(client, versions):
    response = client.get(detail_url(versions[0].scorecard))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_detail_wrong_method_is_405(client, agent, versions):
    client.force_login(agent)
    assert client.post(detail_url(versions[0].scorecard)).status_code == 405


def test_detail_of_an_unknown_scorecard_is_404(client, agent):
    client.force_login(agent)
    assert client.get(reverse("scorecards:detail", args=[999])).status_code == 404


@pytest.mark.parametrize("who", ["agent", "other_agent", "lead", "reviewer"])
def test_others_read_the_history_without_the_draft(client, versions, request, who):
    v1, v2, _v3 = versions
    client.force_login(request.getfixturevalue(who))
    response = client.get(detail_url(v1.scorecard))
    assert response.status_code == 200
    assert response.context["published"] == v2
    assert response.context["draft"] is None
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert b"Tone weighs more" in response.content and b"First cut" in response.content
    assert reverse("scorecards:edit", args=[versions[2].pk]).encode() not in response.content


def test_manager_sees_the_draft_and_who_published(client, manager, versions, django_assert_num_queries):
    v1, v2, v3 = versions
    manager.first_name, manager.last_name = "Maria", "Manager"
    manager.save(update_fields=["first_name", "last_name"])
    client.force_login(manager)
    # session, user, unread notifications (navigation bar), scorecard, versions with their counts
    with django_assert_num_queries(5):
        response = client.get(detail_url(v1.scorecard))
    assert response.context["draft"] == v3
    history = {
        v.number: (v.status, v.criteria_count, v.evaluation_count) for v in response.context["versions"]
    }
    assert history == {3: ("draft", 5, 0), 2: ("published", 5, 0), 1: ("retired", 5, 0)}
    assert b"Maria Manager" in response.content
    assert reverse("scorecards:edit", args=[v3.pk]).encode() in response.content


# --- Start a new draft -------------------------------------------------------------------------------------


def test_a_scorecard_with_only_a_draft_is_hidden_from_non_managers(client, agent, manager):
    scorecard = builder.create_scorecard(
        call_type=CallTypeFactory(slug="billing"),
        name="Billing (work in progress)",
        description="",
        by=manager,
    )
    client.force_login(agent)
    assert client.get(scorecard.get_absolute_url()).status_code == 404
    client.force_login(manager)
    assert client.get(scorecard.get_absolute_url()).status_code == 200


def test_new_draft_anonymous_is_sent_to_login(client, call_type):
    version = make_published_version(call_type)
    response = client.post(new_draft_url(version.scorecard))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["agent", "lead", "reviewer"])
def test_new_draft_is_for_managers_only(client, call_type, request, who):
    version = make_published_version(call_type)
    client.force_login(request.getfixturevalue(who))
    assert client.post(new_draft_url(version.scorecard)).status_code == 403
    assert version.scorecard.versions.count() == 1


def test_new_draft_wrong_method_is_405(client, manager, call_type):
    version = make_published_version(call_type)
    client.force_login(manager)
    assert client.get(new_draft_url(version.scorecard)).status_code == 405
    assert version.scorecard.versions.count() == 1


def test_manager_starts_a_draft_copying_the_version_in_force(client, manager, call_type):
    version = make_published_version(call_type)
    client.force_login(manager)
    response = client.post(new_draft_url(version.scorecard))
    draft = version.scorecard.versions.get(status=ScorecardVersion.Status.DRAFT)
    assert response.status_code == 302 and response.url == reverse("scorecards:edit", args=[draft.pk])
    assert draft.number == 2
    assert Criterion.objects.filter(section__version=draft).count() == 5


def test_a_second_new_draft_leads_to_the_existing_one(client, manager, versions):
    draft = versions[2]
    client.force_login(manager)
    response = client.post(new_draft_url(draft.scorecard))
    assert response.status_code == 302 and response.url == reverse("scorecards:edit", args=[draft.pk])
    assert draft.scorecard.versions.count() == 3
