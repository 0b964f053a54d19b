"""Calibration sessions close in the submit service and at their deadline (a beat job), never while a page is
read: GETting every calibration page writes nothing."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qa_center.celery import app as celery_app
from scorecards.calibration import services as calibration
from scorecards.calibration import tasks
from scorecards.models import CalibrationSession, Evaluation
from tests.factories import CallFactory, calibrated, make_session
from tests.scorecards.calibration.known_answers import KNOWN_ANSWERS

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _closed_at(session) -> object:
    return CalibrationSession.objects.values_list("closed_at", flat=True).get(pk=session.pk)


def test_the_last_participants_submit_closes_the_session(session, manager, reviewers):
    for name, reviewer in zip(["r1", "r2"], reviewers, strict=False):
        calibrated(session, reviewer, KNOWN_ANSWERS[name])
    calibrated(session, manager, KNOWN_ANSWERS["reference"])
    assert _closed_at(session) is None  # one reviewer still to go
    calibrated(session, reviewers[2], KNOWN_ANSWERS["r3"])
    assert _closed_at(session) is not None


def _complete_but_open(session, manager, reviewers) -> None:
    """Everyone has submitted but the session is still open: data written before sessions closed on submit."""
    for name, person in [
        ("reference", manager),
        ("r1", reviewers[0]),
        ("r2", reviewers[1]),
        ("r3", reviewers[2]),
    ]:
        calibrated(session, person, KNOWN_ANSWERS[name], submit=False)
    Evaluation.objects.filter(calibration_session=session).update(
        status=Evaluation.Status.SUBMITTED, submitted_at=timezone.now()
    )


def test_no_calibration_page_writes_on_get(client, session, manager, reviewers, agent, call_type):
    _complete_but_open(session, manager, reviewers)
    closed = make_session(CallFactory(agent=agent, call_type=call_type), manager, reviewers)
    for name, person in [
        ("reference", manager),
        ("r1", reviewers[0]),
        ("r2", reviewers[1]),
        ("r3", reviewers[2]),
    ]:
        calibrated(closed, person, KNOWN_ANSWERS[name])
    assert _closed_at(closed) is not None
    client.force_login(manager)
    urls = [
        reverse("calibration:list"),
        reverse("calibration:create"),
        reverse("calibration:create") + f"?q={session.call.external_id}",
        reverse("calibration:detail", args=[session.pk]),
        reverse("calibration:detail", args=[closed.pk]),
        reverse("calibration:results", args=[session.pk]),  # not closed: refused, and still nothing written
        reverse("calibration:results", args=[closed.pk]),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code in (200, 403), url
        writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
        assert writes == [], url
    assert _closed_at(session) is None


def test_the_task_closes_sessions_past_their_deadline_with_what_was_submitted(
    session, manager, reviewers, agent, call_type
):
    calibrated(session, manager, KNOWN_ANSWERS["reference"])
    calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    calibrated(session, reviewers[1], KNOWN_ANSWERS["r2"], submit=False)  # a draft at the deadline
    later = make_session(
        CallFactory(agent=agent, call_type=call_type),
        manager,
        reviewers,
        deadline=timezone.now() + timedelta(days=2),
    )
    CalibrationSession.objects.filter(pk=session.pk).update(deadline=timezone.now() - timedelta(minutes=1))

    assert tasks.close_calibration_sessions.delay().get() == 1
    session.refresh_from_db()
    assert session.is_closed and _closed_at(later) is None
    counted = calibration.counted_evaluations(session)
    assert set(counted.values_list("reviewer", flat=True)) == {manager.pk, reviewers[0].pk}
    assert tasks.close_calibration_sessions.delay().get() == 0  # idempotent


def test_the_task_also_closes_a_complete_session_left_open(session, manager, reviewers):
    _complete_but_open(session, manager, reviewers)
    assert tasks.close_calibration_sessions.delay().get() == 1
    assert _closed_at(session) is not None


def test_beat_runs_the_task_by_its_name():
    entry = celery_app.conf.beat_schedule["close-calibration-sessions"]
    assert entry["task"] == tasks.close_calibration_sessions.name == "scorecards.close_calibration_sessions"
    assert entry["schedule"] == crontab(minute="*/15")
    assert "scorecards.close_calibration_sessions" in celery_app.tasks
