"""GET /feedback/: the agent's "My feedback" page — only their own evaluations, the trend chart's data,
strengths and weakest criteria, the actions still open; access and a pinned query count."""

import json

import pytest
from django.urls import reverse

from scorecards.models import Evaluation
from tests.factories import FULL_MARKS, GREETING_MISSED, UserFactory, calibrated, evaluation_of

pytestmark = pytest.mark.django_db

URL = reverse("feedback:mine")


def listed(response) -> list[Evaluation]:
    return [row["evaluation"] for row in response.context["rows"]]


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["lead", "reviewer", "manager"])
def test_people_who_are_not_agents_get_403(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_post_is_not_allowed(client, agent):
    client.force_login(agent)
    assert client.post(URL).status_code == 405


def test_agent_sees_only_their_own_regular_submitted_evaluations(
    client, agent, other_agent, reviewer, default_version, calibration_session
):
    mine = evaluation_of(
        agent, reviewer=reviewer, version=default_version, answers=GREETING_MISSED, days_ago=2
    )
    acknowledged = evaluation_of(
        agent, reviewer=reviewer, version=default_version, days_ago=3, status=Evaluation.Status.ACKNOWLEDGED
    )
    evaluation_of(other_agent, reviewer=reviewer, version=default_version)
    evaluation_of(agent, reviewer=reviewer, version=default_version, status=Evaluation.Status.DRAFT)
    calibrated(calibration_session, reviewer, FULL_MARKS)

    client.force_login(agent)
    response = client.get(URL)

    assert response.status_code == 200
    assert listed(response) == [mine, acknowledged]
    html = response.content.decode()
    assert mine.call.external_id in html
    assert "86.7%" in html and "100.0%" in html
    rows = {row["evaluation"].pk: row for row in response.context["rows"]}
    assert rows[mine.pk]["can_dispute"] and rows[mine.pk]["can_acknowledge"]
    assert not rows[acknowledged.pk]["can_dispute"] and not rows[acknowledged.pk]["can_acknowledge"]
    assert reverse("feedback:dispute", args=[mine.pk]) in html
    assert reverse("feedback:acknowledge", args=[mine.pk]) in html
    assert reverse("feedback:dispute", args=[acknowledged.pk]) not in html


def test_no_dispute_button_after_the_window(client, agent, reviewer, default_version, settings):
    settings.QA_DISPUTE_WINDOW_DAYS = 7
    late = evaluation_of(agent, reviewer=reviewer, version=default_version, days_ago=8)
    client.force_login(agent)
    response = client.get(URL)
    assert response.context["rows"][0]["can_dispute"] is False
    assert reverse("feedback:dispute", args=[late.pk]) not in response.content.decode()


def test_chart_data_strengths_and_weakest_are_on_the_page(client, agent, reviewer, default_version):
    for days in (1, 2, 3):
        evaluation_of(
            agent, reviewer=reviewer, version=default_version, answers=GREETING_MISSED, days_ago=days
        )
    client.force_login(agent)
    response = client.get(URL)
    html = response.content.decode()
    assert 'id="trend-data"' in html
    assert "vendor/chart.js/chart.umd.min.js" in html
    data = json.loads(html.split('id="trend-data" type="application/json">')[1].split("</script>")[0])
    assert sum(data["counts"]) == 3
    assert all(value == pytest.approx(86.7) for value in data["averages"])
    assert [s.title for s in response.context["feedback"].weakest] == ["Greeting"]
    assert "Greeting" in html.split('id="weakest"')[1].split("</ul>")[0]
    assert "Verified identity" in html.split('id="strengths"')[1].split("</ul>")[0]


def test_empty_page_says_so(client, agent):
    client.force_login(agent)
    html = client.get(URL).content.decode()
    assert 'id="evaluations-empty"' in html
    assert 'id="trend-empty"' in html
    assert "no data" in html


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_the_evaluations(
    client, agent, default_version, count, django_assert_num_queries
):
    reviewers = [UserFactory(username=f"rev{n}", is_reviewer=True) for n in range(3)]
    for n in range(count):
        evaluation_of(agent, reviewer=reviewers[n % 3], version=default_version, days_ago=n % 20 + 0.5)
    client.force_login(agent)
    # session, user, page count, page rows, summary, trend, criteria stats, unread notifications
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert len(response.context["rows"]) == min(count, 25)
