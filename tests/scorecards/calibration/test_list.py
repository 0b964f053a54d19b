"""GET /calibration/: managers see every session, reviewers those they take part in with their own status."""

import re

import pytest
from django.urls import reverse

from scorecards.models import CalibrationSession
from tests.factories import CallFactory, UserFactory, calibrated, make_reviewers, make_session
from tests.scorecards.calibration.known_answers import KNOWN_ANSWERS

pytestmark = pytest.mark.django_db

URL = reverse("calibration:list")


def rows(html: str) -> dict[int, str]:
    """session pk → the text of "your status" in its row."""
    found = re.findall(r'data-session="(\d+)".*?class="participant-status">(.*?)</td>', html, re.S)
    return {int(pk): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", status)).strip() for pk, status in found}


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead"])
def test_agents_and_leads_are_forbidden(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method(client, manager, method):
    client.force_login(manager)
    assert getattr(client, method)(URL).status_code == 405


def test_a_reviewer_sees_their_sessions_with_their_status(
    client, session, manager, reviewers, agent, call_type
):
    elsewhere = make_session(CallFactory(agent=agent, call_type=call_type), manager, reviewers[1:])
    calibrated(session, reviewers[1], KNOWN_ANSWERS["r1"])
    calibrated(elsewhere, reviewers[1], KNOWN_ANSWERS["r2"], submit=False)

    client.force_login(reviewers[0])
    assert rows(client.get(URL).content.decode()) == {session.pk: "To do"}

    client.force_login(reviewers[1])
    assert rows(client.get(URL).content.decode()) == {
        session.pk: "Submitted",
        elsewhere.pk: "To do draft saved",
    }


def test_a_manager_sees_every_session_and_the_progress(client, session, manager, reviewers, agent, call_type):
    other_manager_session = make_session(
        CallFactory(agent=agent, call_type=call_type),
        UserFactory(username="manager2", is_qa_manager=True),
        reviewers[:2],
    )
    calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    client.force_login(manager)
    html = client.get(URL).content.decode()
    assert rows(html) == {session.pk: "To do", other_manager_session.pk: "—"}
    assert "1 of 4" in html and "0 of 3" in html
    assert reverse("calibration:create") in html


def test_complete_sessions_close_by_themselves_and_link_their_results(client, session, manager, reviewers):
    for name, person in zip(["reference", "r1", "r2", "r3"], [manager, *reviewers], strict=True):
        calibrated(session, person, KNOWN_ANSWERS[name])
    client.force_login(reviewers[0])
    html = client.get(URL).content.decode()
    assert CalibrationSession.objects.get(pk=session.pk).is_closed
    assert reverse("calibration:results", args=[session.pk]) in html


def test_the_query_count_does_not_grow_with_the_sessions(
    client, manager, agent, call_type, four_criteria_version, django_assert_num_queries
):
    people = make_reviewers(2)
    counts = []
    for total in (1, 6):
        while CalibrationSession.objects.count() < total:
            make_session(CallFactory(agent=agent, call_type=call_type), manager, people)
        client.force_login(people[0])
        # Login session + user, the page count, the page, the unread count (no write on GET).
        with django_assert_num_queries(5) as captured:
            assert client.get(URL).status_code == 200
        counts.append(len(captured))
    assert counts == [5, 5]
