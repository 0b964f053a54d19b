"""Who reads the QA reports: QA managers every team (and the reviewers), team leads their teams, nobody else."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.scorecards.reporting.helpers import URL, report_of

pytestmark = pytest.mark.django_db

EXPORTS = [reverse("qa_reports:export", args=[table]) for table in ("teams", "agents", "scorecards")]


def test_manager_sees_every_team_and_the_reviewers(client, manager, world):
    report = report_of(client, manager)
    assert [row.label for row in report.teams] == ["Blue", "Green"]
    assert report.reviewers is not None


def test_lead_sees_their_team_only(client, lead, team, world):
    report = report_of(client, lead)
    assert [row.label for row in report.teams] == ["Blue"]
    assert report.total.evaluations == 3
    assert report.reviewers is None
    response = client.get(URL, {"team": team.pk})
    assert response.status_code == 200
    assert b'id="by-reviewer"' not in response.content


def test_lead_asking_for_another_team_gets_404(client, lead, other_team, world):
    client.force_login(lead)
    assert client.get(URL, {"team": other_team.pk}).status_code == 404
    for url in EXPORTS:
        assert client.get(url, {"team": other_team.pk}).status_code == 404


def test_unknown_team_is_404_for_managers_too(client, manager):
    client.force_login(manager)
    assert client.get(URL, {"team": 999999}).status_code == 404


def test_lead_may_not_export_the_reviewers(client, lead, manager):
    url = reverse("qa_reports:export", args=["reviewers"])
    client.force_login(lead)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("person", ["reviewer", "agent"])
def test_reviewers_and_agents_get_403(client, person, request):
    client.force_login(request.getfixturevalue(person))
    assert client.get(URL).status_code == 403
    for url in EXPORTS:
        assert client.get(url).status_code == 403


def test_anonymous_goes_to_login(client):
    for url in [URL, *EXPORTS]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse(settings.LOGIN_URL))


def test_unknown_table_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("qa_reports:export", args=["calls"])).status_code == 404


def test_post_is_405(client, manager):
    client.force_login(manager)
    assert client.post(URL).status_code == 405


def test_nav_link_for_managers_and_leads(client, manager, lead, reviewer, agent):
    for user, shown in ((manager, True), (lead, True), (reviewer, False), (agent, False)):
        client.force_login(user)
        urls = [
            url for url, _label in client.get(reverse("home")).context["nav_items"]
        ]  # in the Insight menu
        assert (URL in urls) is shown, user
