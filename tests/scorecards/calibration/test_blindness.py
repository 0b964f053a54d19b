"""Blind calibration, tried through the URLs: while a session is open a participant cannot read the others'
answers or scores on any page; once it closes (by hand, or by itself when everyone has submitted) they can."""

import pytest
from django.urls import reverse

from scorecards.calibration import services as calibration
from scorecards.models import Evaluation
from tests.factories import UserFactory, calibrated
from tests.scorecards.calibration.known_answers import KNOWN_ANSWERS

pytestmark = pytest.mark.django_db

SECRETS = {
    "reference": "Reference-only remark",
    "r1": "First reviewer remark",
    "r2": "Second reviewer remark",
}


@pytest.fixture
def scored(session, manager, reviewers):
    """The reference, r1 and r2 have submitted; r3 has a draft. The session is still open."""
    return {
        "reference": calibrated(session, manager, KNOWN_ANSWERS["reference"], strengths=SECRETS["reference"]),
        "r1": calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"], strengths=SECRETS["r1"]),
        "r2": calibrated(session, reviewers[1], KNOWN_ANSWERS["r2"], strengths=SECRETS["r2"]),
        "r3": calibrated(session, reviewers[2], {"Greeting": 1}, submit=False, strengths="Draft remark"),
    }


def detail_url(evaluation: Evaluation) -> str:
    return reverse("evaluations:detail", args=[evaluation.pk])


def test_while_open_the_others_evaluations_are_404(client, session, scored, reviewers):
    client.force_login(reviewers[0])
    for name in ("reference", "r2", "r3"):
        assert client.get(detail_url(scored[name])).status_code == 404, name
        assert client.get(reverse("evaluations:edit", args=[scored[name].pk])).status_code == 404, name
    assert client.get(detail_url(scored["r1"])).status_code == 200  # their own, always


def test_while_open_the_results_are_refused(client, session, scored, reviewers):
    client.force_login(reviewers[0])
    assert client.get(reverse("calibration:results", args=[session.pk])).status_code == 403


def test_while_open_the_session_page_shows_who_submitted_never_what(client, session, scored, reviewers):
    client.force_login(reviewers[0])
    html = client.get(reverse("calibration:detail", args=[session.pk])).content.decode()
    for secret in [*SECRETS.values(), "Draft remark"]:
        assert secret not in html
    assert html.count(">Submitted</span>") == 3
    assert reverse("calibration:results", args=[session.pk]) not in html
    assert detail_url(scored["r2"]) not in html and detail_url(scored["reference"]) not in html
    assert detail_url(scored["r1"]) in html  # a link to their own evaluation


def test_after_the_manager_closes_participants_read_everything_submitted(
    client, session, scored, manager, reviewers
):
    calibration.close_session(session=session, by=manager)
    client.force_login(reviewers[0])
    for name in ("reference", "r2"):
        response = client.get(detail_url(scored[name]))
        assert response.status_code == 200
        assert SECRETS[name] in response.content.decode()
    results = client.get(reverse("calibration:results", args=[session.pk]))
    assert results.status_code == 200
    assert "Draft remark" not in results.content.decode()


def test_it_opens_by_itself_when_the_last_participant_submits(client, session, scored, reviewers):
    client.force_login(reviewers[0])
    assert client.get(detail_url(scored["r2"])).status_code == 404
    assert calibrated(session, reviewers[2], KNOWN_ANSWERS["r3"]) == scored["r3"]  # the draft, completed
    assert client.get(reverse("calibration:results", args=[session.pk])).status_code == 200
    assert client.get(detail_url(scored["r2"])).status_code == 200


def test_a_reviewer_outside_the_session_never_reads_it(client, session, scored, manager):
    outsider = UserFactory(username="outsider", is_reviewer=True)
    calibration.close_session(session=session, by=manager)
    client.force_login(outsider)
    assert client.get(detail_url(scored["r1"])).status_code == 404
    assert client.get(reverse("calibration:results", args=[session.pk])).status_code == 404
    assert client.get(reverse("calibration:detail", args=[session.pk])).status_code == 404
