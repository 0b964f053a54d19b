"""In a real browser: an agent logs in, filters the call list, opens a call, plays and seeks its recording."""

import io
import math
import struct
import wave

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import CallFactory, CallTypeFactory

pytestmark = pytest.mark.browser

PLAYER = "document.getElementById('recording-player')"


def tone_wav(*, seconds: float = 2.0, rate: int = 8000, frequency: int = 440) -> bytes:
    """A mono 16-bit PCM WAV of a sine tone: a real recording the browser has to decode."""
    samples = (
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * frequency * i / rate)))
        for i in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(samples))
    return buffer.getvalue()


def shown_ids(page) -> set[str]:
    return set(
        page.locator("#call-table tbody tr[data-external-id]").evaluate_all(
            "rows => rows.map(row => row.dataset.externalId)"
        )
    )


def test_agent_filters_calls_and_plays_a_recording(
    live_server, transactional_db, page, agent, other_agent, call_type
):
    sales = CallTypeFactory(name="Outbound sales", slug="outbound-sales")
    recorded = CallFactory(external_id="REC-001", agent=agent, call_type=call_type)
    recorded.recording_file.save("tone.wav", ContentFile(tone_wav()))
    CallFactory(external_id="SALE-002", agent=agent, call_type=sales)
    CallFactory(external_id="PLAIN-003", agent=agent, call_type=call_type)
    CallFactory(external_id="OTHER-004", agent=other_agent, call_type=call_type)  # another team's call

    recording_responses = []
    page.on("response", lambda r: recording_responses.append(r) if "/recording/" in r.url else None)

    # Log in through the form; the login page sends the agent back to the call list.
    page.goto(live_server.url + reverse("calls:list"))
    page.fill("#id_username", "agent")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('calls:list')}")
    assert shown_ids(page) == {"REC-001", "SALE-002", "PLAIN-003"}

    # Filter by call type, then by "has a recording".
    page.select_option("#id_call_type", label="Outbound sales")
    page.click("#call-filters button[type=submit]")
    page.wait_for_url("**/calls/?*call_type=*")
    assert shown_ids(page) == {"SALE-002"}

    page.select_option("#id_call_type", label="Any")
    page.select_option("#id_has_recording", "yes")
    page.click("#call-filters button[type=submit]")
    page.wait_for_url("**/calls/?*has_recording=yes*")
    assert shown_ids(page) == {"REC-001"}

    # Open the call and play its recording.
    page.click("#call-table a:text-is('REC-001')")
    page.wait_for_url(f"**{reverse('calls:detail', args=[recorded.pk])}")
    page.evaluate(f"() => {PLAYER}.play()")
    page.wait_for_function(f"() => {PLAYER}.currentTime > 0.2")
    state = page.evaluate(
        f"() => ({{error: {PLAYER}.error, readyState: {PLAYER}.readyState, duration: {PLAYER}.duration}})"
    )
    assert state["error"] is None
    assert state["readyState"] >= 2
    assert state["duration"] == pytest.approx(2.0, abs=0.05)

    # Seek towards the end: the player keeps playing from there.
    page.evaluate(f"() => {{ {PLAYER}.currentTime = 1.5; }}")
    page.wait_for_function(f"() => {PLAYER}.currentTime >= 1.5 && !{PLAYER}.seeking")
    assert page.evaluate(f"() => {PLAYER}.error") is None

    # The browser fetched the audio with Range requests and the server answered them.
    statuses = {response.status for response in recording_responses}
    assert 206 in statuses, statuses
    partial = next(response for response in recording_responses if response.status == 206)
    headers = partial.all_headers()
    assert headers["content-range"].startswith("bytes ")
    assert headers["content-type"] == "audio/wav"
    assert headers["x-content-type-options"] == "nosniff"

    # A short file is buffered whole by the first request, so the seek may not need another one: ask for a
    # middle range from the page itself, with the session's cookie, as the player would for a longer file.
    middle = page.evaluate(
        """async (url) => {
            const response = await fetch(url, {headers: {Range: "bytes=1000-1999"}});
            const body = await response.arrayBuffer();
            const range = response.headers.get("Content-Range");
            return {status: response.status, range: range, length: body.byteLength};
        }""",
        reverse("calls:recording", args=[recorded.pk]),
    )
    assert middle == {
        "status": 206,
        "range": f"bytes 1000-1999/{recorded.recording_file.size}",
        "length": 1000,
    }


def test_reviewer_uploads_a_recording_on_the_call_page_and_plays_it(
    live_server, transactional_db, page, reviewer, agent, call_type, tmp_path
):
    """A reviewer first sees a wrong file refused next to the field, then uploads a real WAV: the page comes
    back with the player, which loads the recording through the permission-checked view."""
    call = CallFactory(external_id="DESK-001", agent=agent, call_type=call_type)
    fake = tmp_path / "not-audio.mp3"
    fake.write_bytes(b"<!DOCTYPE html><html><body>Not a recording</body></html>")
    real = tmp_path / "tone.wav"
    real.write_bytes(tone_wav(seconds=1.0))

    page.goto(live_server.url + reverse("calls:detail", args=[call.pk]))
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{reverse('calls:detail', args=[call.pk])}")
    assert page.locator("#recording-player").count() == 0

    page.set_input_files("#recording-upload input[type=file]", str(fake))
    page.click("#recording-upload button[type=submit]")
    page.wait_for_selector("#recording-upload .invalid-feedback")
    assert "The file's content is not MP3 audio." in page.inner_text("#recording-upload")
    assert page.locator("#recording-player").count() == 0

    page.set_input_files("#recording-upload input[type=file]", str(real))
    page.click("#recording-upload button[type=submit]")
    page.wait_for_selector("#recording-player")
    assert "The recording was uploaded." in page.inner_text("body")
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    state = page.evaluate(
        f"() => ({{error: {PLAYER}.error, duration: {PLAYER}.duration, src: {PLAYER}.src}})"
    )
    assert state["error"] is None
    assert state["duration"] == pytest.approx(1.0, abs=0.05)
    assert state["src"] == live_server.url + reverse("calls:recording", args=[call.pk])
