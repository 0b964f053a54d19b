"""/scorecards/criteria/<pk>/comments/: anyone signed in reads a criterion's thread and comments on a
published criterion; the manager then sees it beside the same criterion in the next draft."""

import pytest
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.models import Criterion, CriterionComment

pytestmark = pytest.mark.django_db


@pytest.fixture
def greeting(default_version):
    return Criterion.objects.get(section__version=default_version, title="Greeting")


def url(criterion) -> str:
    return reverse("scorecards:criterion_comments", args=[criterion.pk])


def test_anonymous_is_sent_to_login(client, greeting):
    response = client.post(url(greeting), {"body": "Hi"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not CriterionComment.objects.exists()


def test_wrong_method_is_405(client, agent, greeting):
    client.force_login(agent)
    assert client.put(url(greeting)).status_code == 405


@pytest.mark.parametrize("who", ["agent", "other_agent", "lead", "reviewer"])
def test_a_draft_criterion_is_404_to_non_managers(client, default_version, manager, request, who):
    draft = builder.start_draft(scorecard=default_version.scorecard, by=manager)
    criterion = Criterion.objects.get(section__version=draft, title="Greeting")
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(criterion)).status_code == 404
    assert client.post(url(criterion), {"body": "Hi"}).status_code == 404
    assert not CriterionComment.objects.exists()


def test_an_unknown_criterion_is_404(client, agent):
    client.force_login(agent)
    assert client.get(reverse("scorecards:criterion_comments", args=[999])).status_code == 404


def test_agent_comments_and_the_manager_sees_it_in_the_next_draft(
    client, agent, manager, default_version, greeting
):
    client.force_login(agent)
    response = client.post(url(greeting), {"body": "The greeting script is too long"})
    assert response.status_code == 302
    assert (
        response.url == reverse("scorecards:version", args=[default_version.pk]) + f"#criterion-{greeting.pk}"
    )
    comment = CriterionComment.objects.get()
    assert (comment.criterion, comment.author, comment.body) == (
        greeting,
        agent,
        "The greeting script is too long",
    )

    page = client.get(reverse("scorecards:version", args=[default_version.pk]))
    assert b"The greeting script is too long" in page.content

    client.force_login(manager)
    draft = builder.start_draft(scorecard=default_version.scorecard, by=manager)
    editor = client.get(reverse("scorecards:edit", args=[draft.pk]))
    greeting_row = next(
        c for s in editor.context["sections"] for c in s.criteria_list if c.title == "Greeting"
    )
    assert [c.body for c in greeting_row.comments_list] == ["The greeting script is too long"]


def test_the_thread_page_shows_earlier_versions_comments(
    client, agent, other_agent, manager, default_version, greeting
):
    builder.add_criterion_comment(criterion=greeting, author=agent, body="On the first version")
    builder.add_criterion_comment(criterion=greeting, author=other_agent, body="Not for the agent's eyes")
    draft = builder.start_draft(scorecard=default_version.scorecard, by=manager)
    builder.publish(version=draft, by=manager)
    greeting_v2 = Criterion.objects.get(section__version=draft, title="Greeting")
    client.force_login(agent)  # their own comment on v1 follows them to v2; another agent's stays private
    response = client.get(url(greeting_v2))
    assert response.status_code == 200
    assert [c.body for c in response.context["comments"]] == ["On the first version"]
    assert response.context["can_comment"] is True
    assert b"on v1" in response.content


def test_an_empty_comment_is_refused(client, agent, greeting):
    client.force_login(agent)
    response = client.post(url(greeting), {"body": ""})
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not CriterionComment.objects.exists()


def test_a_retired_criterion_takes_no_more_comments(client, agent, manager, default_version, greeting):
    builder.publish(version=builder.start_draft(scorecard=default_version.scorecard, by=manager), by=manager)
    client.force_login(agent)
    response = client.post(url(greeting), {"body": "Late"})
    assert response.status_code == 200
    assert response.context["can_comment"] is False
    assert b"Comments are taken on the published version" in response.content
    assert not CriterionComment.objects.exists()
