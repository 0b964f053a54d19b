"""GET /calibration/<pk>/: the participants and who has submitted; "score it"; "close" for managers."""

import pytest
from django.urls import reverse

from scorecards.calibration import services as calibration
from tests.factories import UserFactory, calibrated, make_reviewers, make_session
from tests.scorecards.calibration.known_answers import KNOWN_ANSWERS

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("calibration:detail", args=[session.pk])


def test_anonymous_is_sent_to_login(client, session):
    response = client.get(url(session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead"])
def test_agents_and_leads_are_forbidden(client, request, role, session):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(session)).status_code == 403


def test_a_reviewer_outside_the_session_gets_404(client, session):
    client.force_login(UserFactory(username="outsider", is_reviewer=True))
    assert client.get(url(session)).status_code == 404


def test_an_unknown_session_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("calibration:detail", args=[999])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method(client, manager, session, method):
    client.force_login(manager)
    assert getattr(client, method)(url(session)).status_code == 405


def test_a_participant_sees_the_score_button_and_no_close(client, session, reviewers):
    client.force_login(reviewers[0])
    html = client.get(url(session)).content.decode()
    assert reverse("calibration:score", args=[session.pk]) in html
    assert "Score it" in html
    assert reverse("calibration:close", args=[session.pk]) not in html


def test_a_draft_is_continued(client, session, reviewers):
    calibrated(session, reviewers[0], {"Greeting": 1}, submit=False)
    client.force_login(reviewers[0])
    html = client.get(url(session)).content.decode()
    assert "Continue scoring" in html


def test_the_manager_sees_progress_and_close(client, session, manager, reviewers):
    calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    calibrated(session, reviewers[1], {"Greeting": 1}, submit=False)
    client.force_login(manager)
    response = client.get(url(session))
    html = response.content.decode()
    assert reverse("calibration:close", args=[session.pk]) in html
    assert "1 draft is still open." in html
    assert "1 of 4 submitted." in html
    statuses = {person.pk: person for person in response.context["participants"]}
    assert statuses[reviewers[0].pk].calibration_submitted_at is not None
    assert statuses[reviewers[1].pk].has_draft
    assert response.context["participants"][0] == manager  # the reference first


def test_a_closed_session_links_its_results_and_the_evaluations(client, session, manager, reviewers):
    evaluation = calibrated(session, reviewers[1], KNOWN_ANSWERS["r2"])
    calibration.close_session(session=session, by=manager)
    client.force_login(reviewers[0])
    html = client.get(url(session)).content.decode()
    assert reverse("calibration:results", args=[session.pk]) in html
    assert reverse("evaluations:detail", args=[evaluation.pk]) in html
    assert reverse("calibration:score", args=[session.pk]) not in html
    assert "Not submitted: left out of the results" in html


def test_the_query_count_does_not_grow_with_the_participants(
    client, manager, call, four_criteria_version, django_assert_num_queries
):
    counts = []
    for count in (3, 6):
        session = make_session(call, manager, make_reviewers(count, prefix=f"d{count}-"))
        client.force_login(manager)
        # Login session + user, the calibration session, the participants, the call's agent and call type,
        # the unread count. Nothing is written: a session closes when its last answer is submitted.
        with django_assert_num_queries(7) as captured:
            assert client.get(url(session)).status_code == 200
        counts.append(len(captured))
    assert counts == [7, 7]
