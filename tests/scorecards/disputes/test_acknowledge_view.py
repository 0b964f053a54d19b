"""POST /feedback/evaluations/<pk>/acknowledge/: only the evaluated agent, only a submitted evaluation."""

import pytest
from django.urls import reverse

from scorecards.models import Evaluation, EvaluationChange

pytestmark = pytest.mark.django_db


def url(evaluation) -> str:
    return reverse("feedback:acknowledge", args=[evaluation.pk])


def status(evaluation) -> str:
    return Evaluation.objects.get(pk=evaluation.pk).status


def test_anonymous_is_sent_to_login(client, evaluation):
    response = client.post(url(evaluation))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert status(evaluation) == Evaluation.Status.SUBMITTED


def test_get_is_not_allowed(client, agent, evaluation):
    client.force_login(agent)
    assert client.get(url(evaluation)).status_code == 405
    assert status(evaluation) == Evaluation.Status.SUBMITTED


def test_agent_acknowledges(client, agent, evaluation):
    client.force_login(agent)
    response = client.post(url(evaluation))
    assert response.status_code == 302 and response["Location"] == reverse("feedback:mine")
    assert status(evaluation) == Evaluation.Status.ACKNOWLEDGED
    assert EvaluationChange.objects.filter(
        evaluation=evaluation, action="acknowledged", changed_by=agent
    ).exists()
    assert 'data-status="acknowledged"' in client.get(reverse("feedback:mine")).content.decode()


def test_next_is_followed_only_on_this_site(client, agent, evaluation):
    client.force_login(agent)
    history = reverse("feedback:history", args=[evaluation.pk])
    assert client.post(url(evaluation), {"next": history})["Location"] == history


def test_offsite_next_is_ignored(client, agent, evaluation):
    client.force_login(agent)
    response = client.post(url(evaluation), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("feedback:mine")


def test_twice_shows_a_message_and_changes_nothing(client, agent, evaluation):
    client.force_login(agent)
    client.post(url(evaluation))
    response = client.post(url(evaluation), follow=True)
    assert "Only a submitted evaluation can be acknowledged." in response.content.decode()
    assert EvaluationChange.objects.filter(evaluation=evaluation, action="acknowledged").count() == 1


def test_another_agent_gets_404(client, other_agent, evaluation):
    client.force_login(other_agent)
    assert client.post(url(evaluation)).status_code == 404
    assert status(evaluation) == Evaluation.Status.SUBMITTED


@pytest.mark.parametrize("who", ["lead", "reviewer", "manager"])
def test_people_who_may_read_it_but_are_not_the_agent_get_403(client, request, evaluation, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(evaluation)).status_code == 403
    assert status(evaluation) == Evaluation.Status.SUBMITTED


def test_other_teams_lead_gets_404(client, other_lead, evaluation):
    client.force_login(other_lead)
    assert client.post(url(evaluation)).status_code == 404
