"""GET /calls/<pk>/: access through get_call_for, every field of the call, player, survey and escalations."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, Escalation
from tests.factories import CallFactory, EscalationFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db


def url(call) -> str:
    return reverse("calls:detail", args=[call.pk])


# --- Access ----------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, call):
    response = client.get(url(call))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [
        ("agent", 200),
        ("lead", 200),
        ("reviewer", 200),
        ("manager", 200),
        ("other_agent", 404),
        ("other_lead", 404),
    ],
)
def test_access_matrix(request, client, call, user_fixture, status):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(url(call)).status_code == status


def test_unknown_call_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("calls:detail", args=[999999])).status_code == 404


def test_post_not_allowed(client, agent, call):
    client.force_login(agent)
    assert client.post(url(call)).status_code == 405


# --- Content ---------------------------------------------------------------------------------------------


def test_shows_every_field_of_the_call(client, agent, call_type):
    call = CallFactory(
        external_id="EXT-42",
        agent=agent,
        call_type=call_type,
        direction=Call.Direction.OUTBOUND,
        channel=Call.Channel.CALLBACK,
        queue="Billing queue",
        started_at=datetime(2024, 5, 6, 7, 8, tzinfo=UTC),
        ivr_wait_seconds=11,
        queue_wait_seconds=22,
        talk_seconds=333,
        hold_seconds=44,
        wrap_up_seconds=55,
        answered=True,
        resolved=True,
        resolved_at=datetime(2024, 5, 7, 9, 0, tzinfo=UTC),
        case_id="CASE 7/A",
        customer_id="CUST-99",
        transcript="Agent: Hello\nCustomer: My invoice is wrong",
    )
    client.force_login(agent)
    html = client.get(url(call)).content.decode()
    for text in (
        "EXT-42",
        str(agent),
        "Blue",
        "Inbound support",
        "Outbound",
        "Callback",
        "Billing queue",
        "05/06/2024 7:08 a.m.",  # one date format everywhere: the short one
        '<dd class="col-sm-7">11</dd>',
        '<dd class="col-sm-7">22</dd>',
        '<dd class="col-sm-7 fw-semibold">33</dd>',  # total wait
        '<dd class="col-sm-7">333</dd>',
        '<dd class="col-sm-7">44</dd>',
        '<dd class="col-sm-7">55</dd>',
        '<dd class="col-sm-7 fw-semibold">432</dd>',  # handle time
        "Answered",
        "05/07/2024 9 a.m.",
        "CUST-99",
        "Agent: Hello<br>Customer: My invoice is wrong",
    ):
        assert text in html, text
    # The case id links to the list filtered by that case.
    assert f'href="{reverse("calls:list")}?case=CASE%207/A"' in html


def test_unknown_durations_are_shown_as_unknown_not_zero(client, agent):
    call = CallFactory(
        agent=agent, answered=False, talk_seconds=None, hold_seconds=None, wrap_up_seconds=None, resolved=None
    )
    client.force_login(agent)
    html = client.get(url(call)).content.decode()
    assert "Abandoned" in html
    assert '<dd class="col-sm-7 fw-semibold">—</dd>' in html  # handle time unknown


def test_audio_player_points_to_the_permission_checked_recording(client, agent, call):
    call.recording_file.save("call.wav", ContentFile(b"RIFF0000WAVE"))
    client.force_login(agent)
    html = client.get(url(call)).content.decode()
    recording_url = reverse("calls:recording", args=[call.pk])
    assert (
        f'<audio class="recording" id="recording-player" controls preload="metadata" src="{recording_url}">'
        in html
    )
    assert "/media/" not in html and call.recording_file.name not in html


def test_external_recording_is_a_link_out(client, agent):
    call = CallFactory(agent=agent, recording_url="https://pbx.example.com/rec/1.mp3")
    client.force_login(agent)
    html = client.get(url(call)).content.decode()
    assert "<audio" not in html
    assert 'href="https://pbx.example.com/rec/1.mp3" target="_blank" rel="noopener noreferrer"' in html


def test_no_recording(client, agent, call):
    client.force_login(agent)
    html = client.get(url(call)).content.decode()
    assert "<audio" not in html
    assert "No recording for this call." in html


@pytest.mark.parametrize(
    ("nps", "label"),
    [(10, "Promoter"), (9, "Promoter"), (8, "Passive"), (7, "Passive"), (6, "Detractor"), (0, "Detractor")],
)
def test_survey_with_nps_band(client, agent, call, nps, label):
    SurveyResponseFactory(call=call, nps=nps, csat=4, comment="Quick & kind")
    client.force_login(agent)
    response = client.get(url(call))
    html = response.content.decode()
    assert response.context["nps_band"] == label.lower()
    assert f'<span class="fs-4">{nps}</span>' in html
    assert f">{label}</span>" in html
    assert '<span class="fs-4">4</span>' in html
    assert "Quick &amp; kind" in html


def test_no_survey(client, agent, call):
    client.force_login(agent)
    assert "The customer did not answer a survey." in client.get(url(call)).content.decode()


def test_escalations_with_follow_up_state(client, agent, call):
    now = timezone.now()
    EscalationFactory(
        call=call,
        type=Escalation.Type.FUNCTIONAL,
        reason="Needs billing",
        from_level="Tier 1",
        to_level="Billing dept",
        followup_due_at=now - timedelta(days=2),
        followup_done_at=now - timedelta(days=1),
    )
    EscalationFactory(
        call=call,
        type=Escalation.Type.PRIORITY,
        reason="VIP",
        to_level="Tier 3",
        followup_due_at=now - timedelta(hours=1),
    )
    EscalationFactory(
        call=call,
        type=Escalation.Type.AUTOMATIC,
        reason="Long wait",
        to_level="Queue B",
        followup_due_at=now + timedelta(days=1),
    )
    client.force_login(agent)
    html = client.get(url(call)).content.decode()
    for text in (
        "Functional",
        "Needs billing",
        "Tier 1",
        "Billing dept",
        "Priority",
        "VIP",
        "Automatic",
        "Long wait",
    ):
        assert text in html, text
    assert html.count("Follow-up done") == 1
    assert html.count("Follow-up overdue") == 1
    assert html.count("Follow-up due<") == 1


def test_other_calls_on_the_case_are_only_those_the_user_may_see(client, agent, other_agent):
    call = CallFactory(agent=agent, case_id="CASE-9", external_id="MAIN")
    CallFactory(agent=agent, case_id="CASE-9", external_id="MINE-AGAIN")
    CallFactory(agent=other_agent, case_id="CASE-9", external_id="SOMEONE-ELSES")
    CallFactory(agent=agent, case_id="CASE-10", external_id="OTHER-CASE")
    client.force_login(agent)
    response = client.get(url(call))
    assert [c.external_id for c in response.context["case_calls"]] == ["MINE-AGAIN"]
    html = response.content.decode()
    assert "SOMEONE-ELSES" not in html and "OTHER-CASE" not in html


def test_other_calls_on_the_case_are_limited(client, manager, agent):
    call = CallFactory(agent=agent, case_id="BIG")
    CallFactory.create_batch(12, agent=agent, case_id="BIG")
    client.force_login(manager)
    assert len(client.get(url(call)).context["case_calls"]) == 10


def test_query_count(client, manager, agent, django_assert_num_queries):
    call = CallFactory(agent=agent, case_id="Q")
    CallFactory.create_batch(5, agent=agent, case_id="Q")
    SurveyResponseFactory(call=call)
    EscalationFactory.create_batch(3, call=call)
    client.force_login(manager)
    # session, user, the call (with agent, team, type, survey), its escalations, other calls on the case,
    # its evaluations (scorecards' template tag), the layout's unread-notification count
    with django_assert_num_queries(7):
        response = client.get(url(call))
    assert response.status_code == 200
