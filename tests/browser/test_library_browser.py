"""In a real browser: an agent opens another agent's call in the library and plays a clip, which plays just
its stretch (the player seeks by byte range and pauses at the clip's end), and the play is counted once."""

import time
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from coaching.library import services
from coaching.models import LibraryEntry
from tests.browser.test_evaluation_browser import silent_wav
from tests.factories import CallFactory

pytestmark = pytest.mark.browser

PLAYER = "document.getElementById('library-player')"


def test_an_agent_plays_a_clip_of_another_agents_call(
    live_server, transactional_db, page, agent, other_agent, reviewer, manager, call_type
):
    call = CallFactory(external_id="LIB-001", agent=agent, call_type=call_type, transcript="Agent: Hello!")
    call.recording_file.save("call.wav", ContentFile(silent_wav(seconds=6.0)))
    entry = services.nominate(call=call, by=reviewer, title="A warm welcome")
    services.approve(entry=entry, by=manager)
    clip = services.add_clip(
        entry=entry, start_seconds=Decimal("2"), end_seconds=Decimal("3"), note="The greeting", by=manager
    )

    page.goto(live_server.url + entry.get_absolute_url())
    page.fill("#id_username", other_agent.username)
    page.fill("#id_password", "demo-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(live_server.url + entry.get_absolute_url())
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")  # the metadata: its duration

    page.click(f"#clip-{clip.pk} .clip-play")
    page.wait_for_function(f"() => !{PLAYER}.paused")
    page.wait_for_function(f"() => {PLAYER}.paused && {PLAYER}.currentTime >= 3", timeout=10_000)
    position = page.evaluate(f"{PLAYER}.currentTime")
    assert 3 <= position < 3.6, position  # stopped at the clip's end, not at the recording's (6 s)

    page.click(f"#clip-{clip.pk} .clip-play")  # again: counted once per page view
    page.wait_for_function(f"() => {PLAYER}.paused && {PLAYER}.currentTime >= 3", timeout=10_000)
    deadline = time.monotonic() + 5  # the count is posted in the background
    while LibraryEntry.objects.get(pk=entry.pk).play_count == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # a second post, if there were one, would have landed by now
    assert LibraryEntry.objects.get(pk=entry.pk).play_count == 1
