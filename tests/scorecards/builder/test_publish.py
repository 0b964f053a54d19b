"""POST /scorecards/versions/<pk>/publish/ (access for every role is in test_builder_edit.py)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.models import ScorecardVersion
from tests.factories import make_published_version

pytestmark = pytest.mark.django_db


def url(version) -> str:
    return reverse("scorecards:publish", args=[version.pk])


def test_anonymous_is_sent_to_login(client, call_type):
    draft = make_published_version(call_type, status="draft")
    response = client.post(url(draft))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert ScorecardVersion.objects.get(pk=draft.pk).status == "draft"


def test_wrong_method_is_405(client, manager, call_type):
    draft = make_published_version(call_type, status="draft")
    client.force_login(manager)
    assert client.get(url(draft)).status_code == 405


def test_agent_cannot_see_a_draft_to_publish_it(client, agent, call_type):
    draft = make_published_version(call_type, status="draft")
    client.force_login(agent)
    assert client.post(url(draft)).status_code == 404
    assert ScorecardVersion.objects.get(pk=draft.pk).status == "draft"


def test_manager_publishes_and_the_old_version_retires(client, manager, call_type):
    v1 = make_published_version(call_type)
    v2 = builder.start_draft(scorecard=v1.scorecard, by=manager)
    client.force_login(manager)
    response = client.post(url(v2), {"publish-notes": "Greeting made optional"}, follow=True)
    assert response.redirect_chain == [(reverse("scorecards:detail", args=[v1.scorecard_id]), 302)]
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status, v2.published_by, v2.notes) == (
        "retired", "published", manager, "Greeting made optional",
    )  # fmt: skip
    assert response.context["published"] == v2
    assert b"Greeting made optional" in response.content
    assert b"Version 2 is published" in response.content


def test_an_unpublishable_draft_stays_a_draft_and_says_why(client, manager, call_type):
    v1 = make_published_version(call_type)
    v2 = builder.start_draft(scorecard=v1.scorecard, by=manager)
    v2.sections.first().criteria.all().delete()
    client.force_login(manager)
    response = client.post(url(v2), {"publish-notes": "oops"})
    assert response.status_code == 302 and response.url == reverse("scorecards:edit", args=[v2.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Section “Opening” has no criterion."]
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status, v2.notes) == ("published", "draft", "")
