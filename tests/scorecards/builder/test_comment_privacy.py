"""Criterion comments are written to the QA managers: they read them all; anyone else reads only their own."""

import pytest
from django.urls import reverse

from scorecards.builder import services as builder
from scorecards.models import Criterion
from tests.factories import AgentFactory, CallTypeFactory, UserFactory, make_published_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def greeting():
    version = make_published_version(CallTypeFactory(name="Support", slug="support"))
    return Criterion.objects.get(section__version=version, title="Greeting")


@pytest.fixture
def author():
    return AgentFactory(username="commenting-agent", first_name="Ada", last_name="Author")


@pytest.fixture
def colleague():
    return AgentFactory(username="colleague-agent", first_name="Cy", last_name="Colleague")


@pytest.fixture
def comment(greeting, author):
    return builder.add_criterion_comment(criterion=greeting, author=author, body="Too strict on the script")


def _bodies(version, viewer):
    return [c.body for c in builder.comments_by_criterion_title(version, viewer=viewer).get("Greeting", [])]


def test_the_managers_read_every_comment(greeting, comment):
    manager = UserFactory(username="comments-manager", is_qa_manager=True)
    assert _bodies(greeting.section.version, manager) == ["Too strict on the script"]


def test_the_author_reads_their_own_and_nobody_else_reads_it(greeting, comment, author, colleague):
    reviewer = UserFactory(username="comments-reviewer", is_reviewer=True)
    lead = UserFactory(username="comments-lead", is_team_lead=True)
    version = greeting.section.version
    assert _bodies(version, author) == ["Too strict on the script"]
    assert (
        _bodies(version, colleague) == []
        and _bodies(version, reviewer) == []
        and _bodies(version, lead) == []
    )


@pytest.mark.parametrize("page", ["version", "thread"])
def test_another_agent_sees_neither_the_comment_nor_its_author(client, greeting, comment, colleague, page):
    client.force_login(colleague)
    if page == "version":
        url = reverse("scorecards:version", args=[greeting.section.version_id])
    else:
        url = reverse("scorecards:criterion_comments", args=[greeting.pk])
    html = client.get(url).content.decode()
    assert "Too strict on the script" not in html and "Ada Author" not in html
    assert 'id="comment-privacy"' in html


def test_the_author_sees_their_comment_on_the_page(client, greeting, comment, author):
    client.force_login(author)
    html = client.get(reverse("scorecards:criterion_comments", args=[greeting.pk])).content.decode()
    assert "Too strict on the script" in html
