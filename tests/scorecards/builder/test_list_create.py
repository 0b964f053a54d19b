"""GET /scorecards/ (everyone reads published scorecards) and /scorecards/new/ (QA managers create one)."""

import pytest
from django.urls import reverse

from scorecards.models import Scorecard, ScorecardVersion
from tests.factories import CallTypeFactory, make_published_version

pytestmark = pytest.mark.django_db

LIST_URL = reverse("scorecards:list")
CREATE_URL = reverse("scorecards:create")


@pytest.fixture
def scorecards(call_type, manager):
    """ "Support" has v1 published and a v2 draft; "Sales" only a draft."""
    published = make_published_version(call_type)
    make_published_version(call_type, status="draft")
    sales = Scorecard.objects.create(call_type=CallTypeFactory(name="Sales", slug="sales"), name="Sales")
    ScorecardVersion.objects.create(scorecard=sales, number=1)
    return published.scorecard, sales


# --- List --------------------------------------------------------------------------------------------------


def test_list_anonymous_is_sent_to_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_list_wrong_method_is_405(client, agent):
    client.force_login(agent)
    assert client.post(LIST_URL).status_code == 405


@pytest.mark.parametrize("who", ["agent", "other_agent", "lead", "reviewer"])
def test_others_see_published_scorecards_only(client, scorecards, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert [s.name for s in response.context["scorecards"]] == ["Inbound support"]
    assert CREATE_URL.encode() not in response.content
    assert b"Edit draft" not in response.content


def test_manager_sees_drafts_too(client, manager, scorecards, django_assert_num_queries):
    support, sales = scorecards
    client.force_login(manager)
    # session, user, unread notifications (navigation bar), scorecards with their versions (subqueries)
    with django_assert_num_queries(4):
        response = client.get(LIST_URL)
    rows = {s.name: (s.published_number, s.draft_number) for s in response.context["scorecards"]}
    assert rows == {"Inbound support": (1, 2), "Sales": (None, 1)}
    assert CREATE_URL.encode() in response.content
    assert reverse("scorecards:edit", args=[sales.versions.get().pk]).encode() in response.content


# --- Create ------------------------------------------------------------------------------------------------


def test_create_anonymous_is_sent_to_login(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["agent", "lead", "reviewer"])
def test_create_is_for_managers_only(client, call_type, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, {"call_type": call_type.pk, "name": "Mine"}).status_code == 403
    assert not Scorecard.objects.exists()


def test_create_wrong_method_is_405(client, manager):
    client.force_login(manager)
    assert client.put(CREATE_URL).status_code == 405


def test_manager_creates_a_scorecard_and_lands_on_its_draft(client, manager, call_type):
    client.force_login(manager)
    assert client.get(CREATE_URL).status_code == 200
    response = client.post(
        CREATE_URL, {"call_type": call_type.pk, "name": "Support", "description": "Inbound"}
    )
    scorecard = Scorecard.objects.get()
    draft = scorecard.versions.get()
    assert (scorecard.call_type, scorecard.name, scorecard.created_by) == (call_type, "Support", manager)
    assert (draft.number, draft.status) == (1, ScorecardVersion.Status.DRAFT)
    assert response.status_code == 302 and response.url == reverse("scorecards:edit", args=[draft.pk])


def test_a_call_type_with_a_scorecard_is_not_offered(client, manager, call_type):
    make_published_version(call_type)
    client.force_login(manager)
    response = client.post(CREATE_URL, {"call_type": call_type.pk, "name": "Second"})
    assert response.status_code == 200
    assert "call_type" in response.context["form"].errors
    assert Scorecard.objects.count() == 1
