"""GET /feedback/evaluations/<pk>/history/: who changed what and when, before → after; readable by whoever may
read the evaluation, 404 for the others."""

import pytest
from django.urls import reverse

from scorecards.disputes import services as disputes
from scorecards.models import EvaluationChange
from tests.factories import GREETING_MISSED, criterion, evaluation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def adjusted_evaluation(agent, reviewer, default_version, manager):
    """Submitted by the reviewer, disputed by the agent, then adjusted by the manager: Greeting No → Yes,
    86.67% → 100%."""
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version, answers=GREETING_MISSED)
    greeting = criterion(default_version, "Greeting")
    dispute = disputes.open_dispute(evaluation=evaluation, by=agent, items=[(greeting, "I greeted at 0:03.")])
    disputes.resolve_dispute(
        dispute=dispute,
        by=manager,
        decision="adjusted",
        note="Heard it at 0:03.",
        adjustments={greeting.pk: {"value": 1}},
    )
    return evaluation


def url(evaluation) -> str:
    return reverse("feedback:history", args=[evaluation.pk])


def test_anonymous_is_sent_to_login(client, adjusted_evaluation):
    response = client.get(url(adjusted_evaluation))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_post_is_not_allowed(client, agent, adjusted_evaluation):
    client.force_login(agent)
    assert client.post(url(adjusted_evaluation)).status_code == 405


@pytest.mark.parametrize("who", ["agent", "lead", "reviewer", "manager"])
def test_those_who_may_read_the_evaluation_see_its_history(client, request, adjusted_evaluation, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url(adjusted_evaluation))
    assert response.status_code == 200
    rows = [
        (row.what, row.change.criterion and row.change.criterion.title, row.before, row.after)
        for row in response.context["rows"]
    ]
    assert rows == [
        ("Submitted", None, "Draft", "86.67% · passed"),
        ("Dispute opened", None, "Submitted", "Disputed"),
        ("Criterion disputed", "Greeting", "", ""),
        ("Answer adjusted", "Greeting", "No (0 / 1 points)", "Yes (1 / 1 points)"),
        ("Score recomputed", None, "86.67% · passed", "100.00% · passed"),
        ("Dispute resolved", None, "Disputed", "Dispute resolved: Adjusted"),
    ]
    html = response.content.decode()
    assert "I greeted at 0:03." in html and "Heard it at 0:03." in html
    assert [row.change.changed_by.username for row in response.context["rows"]] == [
        "reviewer",
        "agent",
        "agent",
        "manager",
        "manager",
        "manager",
    ]


@pytest.mark.parametrize("who", ["other_agent", "other_lead"])
def test_others_get_404(client, request, adjusted_evaluation, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(adjusted_evaluation)).status_code == 404


def test_unknown_actions_of_other_parts_of_the_app_are_shown_readably(
    client, agent, reviewer, default_version
):
    """The submission's row is written by the evaluation services (submit_evaluation), not by the disputes."""
    evaluation = evaluation_of(agent, reviewer=reviewer, version=default_version)
    client.force_login(agent)
    rows = client.get(url(evaluation)).context["rows"]
    assert [(row.what, row.before, row.after) for row in rows] == [("Submitted", "Draft", "100.00% · passed")]


@pytest.mark.parametrize("extra", [0, 10])
def test_query_count_does_not_grow(client, agent, adjusted_evaluation, extra, django_assert_num_queries):
    EvaluationChange.objects.bulk_create(
        EvaluationChange(evaluation=adjusted_evaluation, changed_by=agent, action="note")
        for _ in range(extra)
    )
    client.force_login(agent)
    # session, user, evaluation, changes, unread notifications
    with django_assert_num_queries(5):
        client.get(url(adjusted_evaluation))
