"""In a real browser: a reviewer signs in on the home page, presses "Start next call", scores the call with
a note saved in one click ("Add note at current time"), submits, and goes on to the next call of the queue."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from scorecards.models import Assignment, Evaluation, RecordingNote
from tests.browser.test_evaluation_browser import PLAYER, radio, silent_wav
from tests.factories import CallFactory, criteria_of, make_published_version

pytestmark = pytest.mark.browser


def queued(reviewer, agent, call_type, *, external_id: str, due_in: timedelta) -> Assignment:
    call = CallFactory(external_id=external_id, agent=agent, call_type=call_type)
    call.recording_file.save(f"{external_id}.wav", ContentFile(silent_wav()))
    return Assignment.objects.create(call=call, reviewer=reviewer, due_at=timezone.now() + due_in)


def test_reviewer_goes_from_home_through_a_call_to_the_next(
    live_server, transactional_db, page, agent, reviewer, call_type
):
    version = make_published_version(call_type)
    criteria = criteria_of(version)
    first = queued(reviewer, agent, call_type, external_id="HOME-001", due_in=timedelta(days=1))
    second = queued(reviewer, agent, call_type, external_id="HOME-002", due_in=timedelta(days=3))

    # Sign in from the home page: it shows the queue and the button to start.
    page.goto(live_server.url + reverse("home"))
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('home')}")
    assert page.locator("#queue-to-score").text_content().strip() == "2"
    assert "HOME-001" in page.locator("#my-queue").text_content()
    page.click("#start-next-call")

    evaluation = Evaluation.objects.get(assignment=first)
    page.wait_for_url(f"{live_server.url}{reverse('evaluations:edit', args=[evaluation.pk])}")
    for title, value in (("Greeting", "1"), ("Verified identity", "1"), ("Diagnosed the issue", "4")):
        radio(page, criteria[title], value).click()
    radio(page, criteria["Tone"], str(criteria["Tone"].options.get(label="Excellent").pk)).click()
    radio(page, criteria["Offered a callback"], "1").click()
    page.wait_for_selector("#live-complete")

    # One click saves the note at the player's position: no second "Add note".
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    page.evaluate(f"() => {{ {PLAYER}.currentTime = 2.25; }}")
    page.wait_for_function(f"() => !{PLAYER}.seeking")
    page.fill("#note-form textarea[name='body']", "Offers the callback unprompted")
    page.click("#note-time-button")
    page.wait_for_selector("#notes-list .note-seek")
    assert "Offers the callback unprompted" in page.locator("#notes-list").text_content()
    note = RecordingNote.objects.get(evaluation=evaluation)
    assert (str(note.at_seconds), note.body) == ("2.25", "Offers the callback unprompted")

    page.fill("#id_strengths", "Complete diagnosis, warm tone.")
    page.click("#submit-evaluation")
    page.wait_for_url(f"{live_server.url}{reverse('evaluations:detail', args=[evaluation.pk])}")
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert str(evaluation.score) == "100.00000"

    # The next call of the queue, one click away.
    assert "HOME-002" in page.locator("#next-in-queue").text_content()
    page.click("#score-next-call")
    following = Evaluation.objects.get(assignment=second)
    page.wait_for_url(f"{live_server.url}{reverse('evaluations:edit', args=[following.pk])}")
    assert following.call.external_id == "HOME-002"

    # Back home, the queue is empty and the draft waits to be finished.
    page.goto(live_server.url + reverse("home"))
    assert page.locator("#queue-to-score").text_content().strip() == "0"
    assert "HOME-002" in page.locator("#my-drafts").text_content()
