"""The demo's recordings (qa_center/demo/recordings.py): playable, kept on a second run, tones without espeak-ng."""

import io
import wave
from pathlib import Path

import pytest

from calls.models import Call, CallType, Escalation, SurveyResponse
from qa_center.demo import recordings
from qa_center.people.models import Team, User
from tests.demo.helpers import seed

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "teams": Team.objects.count(),
        "call_types": CallType.objects.count(),
        "calls": Call.objects.count(),
        "surveys": SurveyResponse.objects.count(),
        "escalations": Escalation.objects.count(),
        "recordings": Call.objects.with_recording().count(),
    }


def test_running_twice_changes_no_counts_and_keeps_the_recordings(settings):
    # One test for both: synthesizing the recordings is the slow part of the seed.
    first_output = seed()
    first = counts()
    files = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.wav"))

    second_output = seed()

    assert counts() == first
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.wav")) == files
    assert "600 calls (600 new)" in first_output and "13 recordings (13 new)" in first_output
    assert "600 calls (0 new)" in second_output and "13 recordings (0 new)" in second_output

    with_recording = Call.objects.with_recording().select_related("agent", "team")
    assert with_recording.count() == len(recordings.RECORDING_SCRIPTS) == len(files)
    assert with_recording.filter(agent__username="agent").count() >= 2
    assert with_recording.filter(team__lead__username="lead").count() >= 3
    assert not with_recording.exclude(answered=True).exists()
    for call in with_recording:
        assert call.recording_file.name.startswith("recordings/")
        assert call.transcript.startswith("[0:00] Agent:")
        with call.recording_file.open("rb") as handle, wave.open(handle) as audio:
            seconds = audio.getnframes() / audio.getframerate()
        assert 3 < seconds < 120
        assert call.talk_seconds == round(seconds)
    assert not Call.objects.filter(recording_file="").exclude(transcript="").exists()


def test_without_espeak_the_recording_is_tones(monkeypatch):
    monkeypatch.setattr(recordings.shutil, "which", lambda name: None)
    dialogue = recordings.synthesize_dialogue(
        lines=[("A", "Hello, how can I help?"), ("C", "My bill is wrong.")],
        language="en",
        agent_voice="m3",
        customer_voice="f2",
    )
    with wave.open(io.BytesIO(dialogue.wav)) as audio:
        assert audio.getframerate() == 8000
        assert audio.getnframes() / 8000 == pytest.approx(dialogue.seconds)
    assert dialogue.seconds > 2
    assert dialogue.transcript.splitlines()[1].endswith("Customer: My bill is wrong.")


def test_when_espeak_fails_the_recording_is_tones(monkeypatch):
    monkeypatch.setattr(recordings.shutil, "which", lambda name: "/usr/bin/espeak-ng")
    monkeypatch.setattr(recordings, "_run_espeak", lambda command: 1)
    dialogue = recordings.synthesize_dialogue(
        lines=[("A", "Labdien!")], language="lv", agent_voice="m3", customer_voice="f2"
    )
    with wave.open(io.BytesIO(dialogue.wav)) as audio:
        assert audio.getframerate() == 8000 and audio.getnframes() > 0
