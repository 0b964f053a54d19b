"""In a real browser: a reviewer opens an assignment from their queue, scores the call with the live score
changing without a page reload, pins a note to the recording, submits, and reads the score explainer."""

import io
import wave

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from scorecards.models import Assignment, Evaluation, RecordingNote
from tests.factories import CallFactory, criteria_of, make_published_version

pytestmark = pytest.mark.browser

PLAYER = "document.getElementById('recording-player')"
SCORE = "#live-score-value"


def silent_wav(*, seconds: float = 3.0, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV of silence: a recording the player can load and seek in."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()


def radio(page, criterion, value: str):
    """The label of one answer of a criterion (clicking the label is what a person does)."""
    return page.locator(f"#criterion-{criterion.pk} input[value='{value}'] + label")


def wait_for_score(page, text: str) -> None:
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector).textContent.trim() === text",
        arg=[SCORE, text],
    )


def test_reviewer_scores_a_call_with_a_live_score(
    live_server, transactional_db, page, agent, reviewer, call_type
):
    version = make_published_version(call_type)
    criteria = criteria_of(version)
    call = CallFactory(
        external_id="EVAL-001", agent=agent, call_type=call_type, transcript="Agent: Good morning!"
    )
    call.recording_file.save("call.wav", ContentFile(silent_wav()))
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)

    # Log in and open the assignment from the queue.
    page.goto(live_server.url + reverse("queue:mine"))
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('queue:mine')}")
    page.click(f"form[action='{reverse('evaluations:start', args=[assignment.pk])}'] button[type=submit]")
    evaluation = Evaluation.objects.get(assignment=assignment)
    edit_url = f"{live_server.url}{reverse('evaluations:edit', args=[evaluation.pk])}"
    page.wait_for_url(edit_url)
    assert page.locator(SCORE).text_content().strip() == "—"
    assert "Good morning!" in page.locator("#transcript").text_content()

    # Answer: the live score changes on every click, and the page is never reloaded.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    radio(page, criteria["Greeting"], "1").click()
    wait_for_score(page, "100.00%")
    radio(page, criteria["Verified identity"], "1").click()
    radio(page, criteria["Diagnosed the issue"], "2").click()
    wait_for_score(page, "70.00%")  # (40 × 100% + 60 × 50%) ÷ 100
    assert page.locator("#live-sections tbody").text_content().split() == [
        "Opening",
        "100.00%",
        "Resolution",
        "50.00%",
    ]
    radio(page, criteria["Diagnosed the issue"], "3").click()
    radio(page, criteria["Tone"], str(criteria["Tone"].options.get(label="Good").pk)).click()
    radio(page, criteria["Offered a callback"], "na").click()
    page.wait_for_selector("#live-complete")  # N/A leaves the score as it is: wait for "all answered"
    assert page.locator(SCORE).text_content().strip() == "83.33%"
    assert "Fail" in page.locator("#live-score-result").text_content()
    assert page.evaluate("() => window.stillTheSamePage") is True
    assert page.url == edit_url

    # The critical criterion failing shows the auto-fail with the score it would have had: Opening 1/3, so
    # (40 × 33.3% + 60 × 72.2%) ÷ 100 = 56.7%. Then back.
    radio(page, criteria["Verified identity"], "0").click()
    wait_for_score(page, "0.00%")
    assert "Score before the auto-fail: 56.67%" in page.locator("#live-auto-fail").text_content()
    radio(page, criteria["Verified identity"], "1").click()
    wait_for_score(page, "83.33%")

    # A note at the player's current time; clicking it seeks the player back there.
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    page.evaluate(f"() => {{ {PLAYER}.currentTime = 1.5; }}")
    page.wait_for_function(f"() => !{PLAYER}.seeking")
    page.click("#note-time-button")
    assert page.input_value("#note-form input[name='at_seconds']") == "1.50"
    page.fill("#note-form textarea[name='body']", "Greets the customer by name")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("#notes-list .note-seek")
    assert "Greets the customer by name" in page.locator("#notes-list").text_content()
    assert page.evaluate("() => window.stillTheSamePage") is True
    note = RecordingNote.objects.get(evaluation=evaluation)
    assert str(note.at_seconds) == "1.50"
    page.evaluate(f"() => {{ {PLAYER}.pause(); {PLAYER}.currentTime = 0; }}")
    page.click("#notes-list .note-seek")
    page.wait_for_function(f"() => {PLAYER}.currentTime >= 1.5")

    # Text first, then "Add note at current time": saved in that one click, at the player's position.
    page.evaluate(f"() => {{ {PLAYER}.pause(); {PLAYER}.currentTime = 0.5; }}")
    page.wait_for_function(f"() => !{PLAYER}.seeking")
    page.fill("#note-form textarea[name='body']", "Confirms the account number")
    page.click("#note-time-button")
    page.wait_for_function("() => document.querySelectorAll('#notes-list .note-seek').length === 2")
    assert sorted(str(n.at_seconds) for n in RecordingNote.objects.filter(evaluation=evaluation)) == [
        "0.50",
        "1.50",
    ]

    # Submit: the read view with the explainer.
    page.fill("#id_strengths", "Warm greeting, clear diagnosis.")
    page.click("#submit-evaluation")
    page.wait_for_url(f"{live_server.url}{reverse('evaluations:detail', args=[evaluation.pk])}")
    explainer = page.locator("#score-explainer")
    assert "Score 83.33%" in explainer.locator("#explainer-score").text_content()
    assert "weighs 40.0% of the score" in explainer.text_content()
    assert explainer.locator("del", has_text="Offered a callback").count() == 1
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert str(evaluation.score) == "83.33333"
