"""POST /calibration/<pk>/close/: a QA manager closes a session; the results open."""

import pytest
from django.urls import reverse

from scorecards.models import CalibrationSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("calibration:close", args=[session.pk])


def is_closed(session) -> bool:
    return CalibrationSession.objects.get(pk=session.pk).is_closed


def test_anonymous_is_sent_to_login(client, session):
    response = client.post(url(session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not is_closed(session)


@pytest.mark.parametrize("role", ["agent", "other_agent", "lead"])
def test_agents_and_leads_are_forbidden(client, request, role, session):
    client.force_login(request.getfixturevalue(role))
    assert client.post(url(session)).status_code == 403
    assert not is_closed(session)


def test_a_participating_reviewer_is_forbidden(client, session, reviewers):
    client.force_login(reviewers[0])
    assert client.post(url(session)).status_code == 403
    assert not is_closed(session)


def test_a_reviewer_outside_the_session_gets_404(client, session):
    client.force_login(UserFactory(username="outsider", is_reviewer=True))
    assert client.post(url(session)).status_code == 404
    assert not is_closed(session)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_method(client, manager, session, method):
    client.force_login(manager)
    assert getattr(client, method)(url(session)).status_code == 405
    assert not is_closed(session)


def test_any_qa_manager_closes_and_lands_on_the_results(client, session):
    client.force_login(UserFactory(username="manager2", is_qa_manager=True))
    response = client.post(url(session), follow=True)
    assert response.redirect_chain == [(reverse("calibration:results", args=[session.pk]), 302)]
    assert response.status_code == 200
    assert is_closed(session)
    assert "Calibration session closed" in response.content.decode()


def test_closing_twice_keeps_the_first_close(client, session, manager):
    client.force_login(manager)
    client.post(url(session))
    closed_at = CalibrationSession.objects.get(pk=session.pk).closed_at
    response = client.post(url(session), follow=True)
    assert "already closed" in response.content.decode()
    assert CalibrationSession.objects.get(pk=session.pk).closed_at == closed_at
