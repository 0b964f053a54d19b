"""The demo's recordings (qa_center/demo/recordings.py): playable, kept on a second run, tones without espeak-ng."""

import io
import wave
from pathlib import Path

import pytest

from calls.models import Call, CallType, Escalation, SurveyResponse
from qa_center.demo import library, recordings, scorecards
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
    assert "600 calls (600 new)" in first_output and "14 recordings (14 new)" in first_output
    assert "600 calls (0 new)" in second_output and "14 recordings (0 new)" in second_output

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


# --- What a reviewer hears on each script -----------------------------------------------------------------


def _criteria_of(call_type: str) -> dict:
    """The criteria of the call type's demo scorecard, every version, by title."""
    (plan,) = [plan for plan in scorecards.SCORECARDS if plan.call_type == call_type]
    return {criterion.title: criterion for criterion in scorecards._all_criteria(plan)}


@pytest.mark.parametrize("number", range(len(recordings.RECORDING_SCRIPTS)))
def test_each_script_is_heard_against_its_own_scorecard(number):
    script = recordings.RECORDING_SCRIPTS[number]
    criteria = _criteria_of(script.call_type)
    assert script.heard, "a script says what can be heard on it"
    for title, heard in script.heard.items():
        assert title in criteria, f"script {number + 1}: {title!r} is not on the {script.call_type} scorecard"
        criterion = criteria[title]
        if heard == recordings.NOT_APPLICABLE:
            assert criterion.allows_na, f"script {number + 1}: {title!r} cannot be N/A"
        elif criterion.kind == scorecards.CHOICE:
            assert heard in [label for label, _points in criterion.options], (number, title, heard)
        elif criterion.kind == scorecards.SCALE:
            assert 0 <= heard <= criterion.scale_max, (number, title, heard)
        else:
            assert isinstance(heard, bool), (number, title, heard)
        # Auto-fails are chosen on purpose elsewhere; no script fails a critical criterion by accident.
        assert not (criterion.critical and heard is False), (number, title)


@pytest.mark.parametrize("number", range(len(recordings.RECORDING_SCRIPTS)))
def test_notes_are_about_lines_and_remarks_about_misses(number):
    script = recordings.RECORDING_SCRIPTS[number]
    criteria = _criteria_of(script.call_type)
    assert script.notes, "a reviewer pins at least one note to each recording"
    for index, body in script.notes:
        assert 0 <= index < len(script.lines) and body.strip()
    for title in script.remarks:
        heard = script.heard.get(title)
        criterion = criteria[title]
        if criterion.kind == scorecards.CHOICE:
            best = max(criterion.options, key=lambda option: option[1])[0]
            missed = heard != best
        elif criterion.kind == scorecards.SCALE:
            missed = heard < criterion.scale_max
        else:
            missed = heard is False
        assert missed, f"script {number + 1}: a remark on {title!r}, which it does not miss"


def test_a_low_empathy_score_on_the_demo_agents_call_is_audible():
    """The demo agent's coaching points (empathy, next steps) are what their one non-exemplary call shows;
    every other recording is a library example (one library entry each, in order)."""
    (script,) = [s for s in recordings.RECORDING_SCRIPTS if s.agent == "agent" and not s.exemplary]
    assert script.heard[recordings.EMPATHY] <= 1 and script.heard[recordings.NEXT_STEPS] is False
    customer_upset = script.lines[1][1]
    assert "nightmare" in customer_upset and script.lines[2][1].startswith("Okay.")
    assert any(index == 2 for index, _note in script.notes)  # the note is pinned to that reply
    assert "look into it" in script.lines[6][1] and any(index == 6 for index, _note in script.notes)
    assert recordings.RECORDING_SCRIPTS[-1] is script  # after the library's: their numbers stay
    assert len([s for s in recordings.RECORDING_SCRIPTS if s.exemplary]) == len(library.DEMO_ENTRIES)


def test_line_start_reads_the_transcript_times():
    transcript = "[0:00] Agent: Hello.\n[0:07] Customer: Hi.\n[1:02] Agent: Bye."
    assert [recordings.line_start(transcript, i) for i in range(4)] == [0, 7, 62, None]
