"""GET /scorecards/versions/<pk>/: a version as the reviewer's form shows it, read-only."""

import pytest
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.models import Criterion
from tests.factories import CallTypeFactory, make_published_version, many_criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(call_type):
    return make_published_version(
        call_type,
        sections=[
            (
                "Opening",
                40,
                [
                    (
                        "Greeting",
                        "yes_no",
                        1,
                        {"guidance": "Uses the approved greeting", "critical": "evaluation"},
                    ),
                    ("Empathy", "scale", 2, {"scale_max": 3, "allows_na": True}),
                ],
            ),
            ("Close", 20, [("Tone", "choice", 1, {"options": [("Cold", 0), ("Warm", 2)]})]),
        ],
    )


@pytest.fixture
def draft(published, manager):
    return builder.start_draft(scorecard=published.scorecard, by=manager)


def url(version) -> str:
    return reverse("scorecards:version", args=[version.pk])


def test_anonymous_is_sent_to_login(client, published):
    response = client.get(url(published))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_wrong_method_is_405(client, agent, published):
    client.force_login(agent)
    assert client.post(url(published)).status_code == 405


@pytest.mark.parametrize("who", ["agent", "other_agent", "lead", "reviewer"])
def test_drafts_are_invisible_to_non_managers(client, draft, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(draft)).status_code == 404


def test_agent_reads_the_published_form_with_guidance_and_comment_forms(client, agent, published):
    client.force_login(agent)
    response = client.get(url(published))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Uses the approved greeting" in content
    assert "Critical: fails the evaluation" in content
    assert (
        content.count('form="try-it-form" name="answer_') == 2 + 4 + 1 + 2
    )  # yes/no, scale 0..3, N/A, options
    assert 'id="try-it-form"' in content  # the inputs only try the scoring: nothing is saved
    assert "Warm" in content and "(2)" in content
    tone = Criterion.objects.get(section__version=published, title="Tone")
    assert reverse("scorecards:criterion_comments", args=[tone.pk]) in content
    assert content.count('class="mt-2 comment-form"') == 3


def test_manager_previews_a_draft_without_comment_forms(client, manager, draft):
    client.force_login(manager)
    response = client.get(url(draft))
    assert response.status_code == 200
    assert response.context["can_comment"] is False
    assert b"comment-form" not in response.content
    assert reverse("scorecards:edit", args=[draft.pk]).encode() in response.content


def test_a_retired_version_is_readable_without_comment_forms(client, agent, published, draft, manager):
    builder.publish(version=draft, by=manager)
    client.force_login(agent)
    response = client.get(url(published))
    assert response.status_code == 200
    assert b"no longer in force" in response.content
    assert b"comment-form" not in response.content


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_does_not_grow_with_the_scorecard(client, agent, django_assert_num_queries, count):
    version = make_published_version(CallTypeFactory(), sections=many_criteria(count))
    client.force_login(agent)
    # session, user, unread notifications, version, sections, options, criteria, comments
    with django_assert_num_queries(8):
        response = client.get(url(version))
    assert response.content.decode().count('class="mt-2 comment-form"') == count
