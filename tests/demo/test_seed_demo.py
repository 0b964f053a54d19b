"""`manage.py seed_demo`: the demo center is complete, plausible, idempotent and never loaded by accident."""

import io
import random
import wave
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from calls.models import Call, CallType, Escalation, SurveyResponse
from qa_center.demo import calls, people, recordings
from qa_center.people.models import Team, User

pytestmark = pytest.mark.django_db

SMALL = ["--calls=600", "--days=30", "--allow-production"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *SMALL, *args, stdout=out)
    return out.getvalue()


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


def test_refuses_when_debug_is_off_without_the_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", "--calls=10", stdout=io.StringIO())
    assert User.objects.count() == 0
    assert Call.objects.count() == 0


def test_runs_without_the_flag_in_debug_and_prints_summary_and_logins(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", "--calls=50", "--days=10", "--no-recordings", stdout=out)
    output = out.getvalue()
    assert Call.objects.count() == 50
    assert "50 calls (50 new)" in output
    assert "password: demo" in output
    for username in ("manager", "lead, lead2, lead3", "reviewer4", "agent21 … agent30"):
        assert username in output


def test_rejects_nonsense_sizes():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--calls=-1", "--allow-production", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("seed_demo", "--days=0", "--allow-production", stdout=io.StringIO())


def test_creates_people_with_their_roles_and_teams():
    seed("--no-recordings")

    manager = User.objects.get(username="manager")
    assert manager.is_qa_manager and manager.is_staff and manager.is_superuser
    assert manager.check_password("demo")

    riga = Team.objects.get(name="Riga Support")
    assert riga.lead.username == "lead" and riga.lead.is_team_lead
    agent = User.objects.get(username="agent")
    assert agent.is_agent and agent.team == riga and agent.agent_code == "A1001"
    assert agent.check_password("demo")
    assert {t.name: t.lead.username for t in Team.objects.select_related("lead")} == {
        "Riga Support": "lead",
        "Madrid Sales": "lead2",
        "Retention": "lead3",
    }

    reviewer4 = User.objects.get(username="reviewer4")
    assert reviewer4.is_reviewer and reviewer4.is_agent and reviewer4.team.name == "Retention"
    assert User.objects.filter(is_reviewer=True).count() == 4
    assert User.objects.filter(is_team_lead=True).count() == 3
    assert User.objects.filter(is_qa_manager=True).count() == 1
    per_team = dict(
        User.objects.filter(is_agent=True).values_list("team__name").annotate(n=Count("id")).order_by()
    )
    assert per_team == {"Riga Support": 10, "Madrid Sales": 10, "Retention": 11}
    assert User.objects.filter(is_agent=True).exclude(agent_code="").count() == 31
    assert User.objects.filter(username="agent30", team__name="Retention").exists()


def test_call_types_and_every_escalation_type_are_present():
    seed("--no-recordings")
    slugs = set(Call.objects.values_list("call_type__slug", flat=True))
    assert slugs == {"inbound-support", "outbound-proactive", "retention", "billing"}
    assert all(CallType.objects.values_list("description", flat=True))
    assert set(Escalation.objects.values_list("type", flat=True)) == set(Escalation.Type.values)
    # Outbound calls are mostly the sales team's.
    outbound = Call.objects.filter(direction=Call.Direction.OUTBOUND)
    assert outbound.filter(team__name="Madrid Sales").count() > outbound.count() / 2


def test_distributions_are_plausible():
    before = timezone.now()
    seed("--no-recordings")
    calls = Call.objects.all()
    assert calls.count() == 600
    window = calls.filter(started_at__gte=before - timedelta(days=30), started_at__lte=timezone.now())
    assert window.count() == 600

    inbound = calls.inbound()
    answer_rate = inbound.answered().count() / inbound.count()
    assert 0.75 <= answer_rate <= 0.95
    answered = calls.answered().count()
    assert 0.20 <= SurveyResponse.objects.count() / answered <= 0.40
    assert 0.02 <= Escalation.objects.count() / answered <= 0.10
    assert 0.60 <= calls.answered().filter(resolved=True).count() / answered <= 0.95

    abandoned = inbound.filter(answered=False)
    assert abandoned.exists()
    assert not abandoned.filter(
        Q(talk_seconds__isnull=False) | Q(hold_seconds__isnull=False) | Q(wrap_up_seconds__isnull=False)
    ).exists()
    assert not abandoned.filter(agent__isnull=False).exists()
    assert not abandoned.filter(queue_wait_seconds__isnull=True).exists()
    assert not calls.filter(answered=False, talk_seconds__isnull=False).exists()

    resolved = calls.filter(resolved=True)
    assert not resolved.filter(Q(resolved_at__isnull=True) | Q(resolved_at__lt=F("started_at"))).exists()
    assert not calls.exclude(resolved=True).filter(resolved_at__isnull=False).exists()

    repeated_cases = calls.exclude(case_id="").values("case_id").annotate(n=Count("id")).filter(n__gt=1)
    assert repeated_cases.count() >= 10
    repeat_customers = calls.exclude(customer_id="").values("customer_id").annotate(n=Count("id"))
    assert repeat_customers.filter(n__gt=1).exists()

    assert not calls.answered().filter(Q(agent__isnull=True) | ~Q(team=F("agent__team"))).exists()
    assert calls.filter(channel=Call.Channel.VOICE).count() > 0.8 * 600
    assert SurveyResponse.objects.exclude(comment="").count() >= 2
    assert not SurveyResponse.objects.filter(nps__isnull=True, csat__isnull=True).exists()


def test_surveys_are_happier_when_resolved():
    seed("--no-recordings")
    nps = SurveyResponse.objects.aggregate(
        resolved=Avg("nps", filter=Q(call__resolved=True)),
        unresolved=Avg("nps", filter=Q(call__resolved=False)),
    )
    assert nps["resolved"] > nps["unresolved"] + 2


def test_handle_times_differ_per_agent_with_a_slow_outlier():
    seed("--no-recordings")
    aht = dict(
        Call.objects.answered()
        .filter(team__name="Riga Support")
        .values_list("agent__username")
        .annotate(aht=Avg(F("talk_seconds") + F("hold_seconds") + F("wrap_up_seconds")))
        .order_by()
    )
    others = sorted(value for username, value in aht.items() if username != "agent7")
    median = (others[4] + others[5]) / 2
    assert aht["agent7"] > 1.3 * median
    assert max(others) - min(others) > 0.1 * median


def test_escalations_have_reasons_levels_and_followups():
    seed("--no-recordings")
    now = timezone.now()
    escalations = Escalation.objects.all()
    assert not escalations.filter(Q(reason="") | Q(to_level="") | Q(followup_due_at__isnull=True)).exists()
    assert escalations.filter(followup_done_at__isnull=False).exists()
    assert escalations.filter(followup_done_at__isnull=True, followup_due_at__lt=now).exists()
    assert not escalations.filter(call__answered=False).exists()
    assert escalations.filter(external_id__startswith="DEMO-ESC-").count() == escalations.count()


def test_running_twice_changes_no_counts_and_keeps_the_recordings(settings):
    # One test for both: synthesizing the recordings is the slow part of the seed.
    first_output = seed()
    first = counts()
    files = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.wav"))

    second_output = seed()

    assert counts() == first
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.wav")) == files
    assert "600 calls (600 new)" in first_output and "12 recordings (12 new)" in first_output
    assert "600 calls (0 new)" in second_output and "12 recordings (0 new)" in second_output

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


def test_a_larger_run_adds_only_the_missing_calls():
    call_command(
        "seed_demo", "--calls=300", "--days=30", "--allow-production", "--no-recordings", stdout=io.StringIO()
    )
    seed("--no-recordings")
    assert Call.objects.count() == 600
    assert Call.objects.values("external_id").distinct().count() == 600
    assert SurveyResponse.objects.values("call").distinct().count() == SurveyResponse.objects.count()
    for escalation in Escalation.objects.select_related("call"):
        assert escalation.external_id == "DEMO-ESC-" + escalation.call.external_id.removeprefix("DEMO-")


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


def test_same_seed_and_moment_give_the_same_calls():
    users, teams = people.ensure_people()
    call_types = calls.ensure_call_types()
    now = timezone.now()

    def generate(seed: int):
        built = calls.generate_calls(
            rng=random.Random(seed),
            count=200,
            days=20,
            now=now,
            users=users,
            teams=teams,
            call_types=call_types,
        )
        return [
            (c.external_id, c.started_at, c.agent_id, c.call_type_id, c.answered, c.talk_seconds, c.case_id)
            for c in built.calls
        ]

    assert generate(2026) == generate(2026)
    assert generate(2026) != generate(7)
