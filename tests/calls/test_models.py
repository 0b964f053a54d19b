"""Database constraints of the calls domain (and the agent code on users), plus the models' derived values."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from calls.models import Call, Escalation, SurveyResponse
from tests.factories import AgentFactory, CallFactory, EscalationFactory, SurveyResponseFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_refused(create) -> None:
    """The database refuses the row; the atomic block keeps the test's transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# --- Calls -----------------------------------------------------------------------------------------------


def test_external_id_is_unique(call):
    assert_refused(lambda: CallFactory(external_id=call.external_id))
    assert Call.objects.filter(external_id=call.external_id).count() == 1


def test_resolved_at_requires_resolved(agent):
    now = timezone.now()
    assert_refused(lambda: CallFactory(agent=agent, resolved=False, resolved_at=now))
    resolved = CallFactory(agent=agent, resolved=True, resolved_at=now)
    unresolved = CallFactory(agent=agent, resolved=False, resolved_at=None)
    assert Call.objects.filter(pk__in=[resolved.pk, unresolved.pk]).count() == 2


def test_resolved_at_with_unknown_resolution_is_refused(agent):
    assert_refused(lambda: CallFactory(agent=agent, resolved=None, resolved_at=timezone.now()))


def test_unresolving_a_call_that_has_a_resolution_time_is_refused(call):
    call.resolved_at = timezone.now()
    call.save(update_fields=["resolved_at"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(resolved=False)
    call.refresh_from_db()
    assert call.resolved is True


# --- Surveys ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nps", [0, 6, 10])
def test_nps_in_range_is_accepted(call, nps):
    SurveyResponseFactory(call=call, nps=nps, csat=None)
    assert SurveyResponse.objects.get(call=call).nps == nps


def test_nps_above_10_is_refused(call):
    assert_refused(lambda: SurveyResponseFactory(call=call, nps=11, csat=None))


@pytest.mark.parametrize("csat", [0, 6])
def test_csat_outside_1_to_5_is_refused(call, csat):
    assert_refused(lambda: SurveyResponseFactory(call=call, nps=None, csat=csat))


@pytest.mark.parametrize("csat", [1, 5])
def test_csat_in_range_is_accepted(call, csat):
    SurveyResponseFactory(call=call, nps=None, csat=csat)
    assert SurveyResponse.objects.get(call=call).csat == csat


def test_a_survey_must_have_a_score(call):
    assert_refused(lambda: SurveyResponseFactory(call=call, nps=None, csat=None, comment="No score given"))
    assert not SurveyResponse.objects.exists()


def test_one_survey_per_call(call):
    SurveyResponseFactory(call=call)
    assert_refused(lambda: SurveyResponseFactory(call=call))


# --- Escalations and agents ------------------------------------------------------------------------------


def test_escalation_external_id_is_unique_when_given(call):
    EscalationFactory(call=call, external_id="ESC-1")
    assert_refused(lambda: EscalationFactory(call=call, external_id="ESC-1"))
    # Escalations without an external id do not collide.
    EscalationFactory.create_batch(2, call=call, external_id="")
    assert Escalation.objects.filter(call=call).count() == 3


def test_agent_code_is_unique_when_given(team):
    AgentFactory(agent_code="EXT-100", team=team)
    assert_refused(lambda: AgentFactory(agent_code="EXT-100", team=team))
    UserFactory(agent_code="")
    UserFactory(agent_code="")


# --- Derived values --------------------------------------------------------------------------------------


def test_durations_sum_known_parts_and_stay_unknown_when_all_are(agent):
    call = CallFactory.build(
        agent=agent, ivr_wait_seconds=None, queue_wait_seconds=40, talk_seconds=None, hold_seconds=None
    )
    call.wrap_up_seconds = None
    assert call.wait_seconds == 40
    assert call.handle_seconds is None
    call.talk_seconds, call.hold_seconds = 100, 5
    assert call.handle_seconds == 105


def test_abandoned_and_has_recording(agent):
    call = CallFactory.build(agent=agent, answered=None)
    assert call.abandoned is None
    call.answered = False
    assert call.abandoned is True
    assert not call.has_recording
    call.recording_url = "https://pbx.example.com/r.wav"
    assert call.has_recording


def test_follow_up_overdue(call):
    now = timezone.now()
    assert EscalationFactory.build(call=call, followup_due_at=now - timedelta(hours=1)).followup_overdue
    assert not EscalationFactory.build(call=call, followup_due_at=now + timedelta(hours=1)).followup_overdue
    assert not EscalationFactory.build(
        call=call, followup_due_at=now - timedelta(hours=1), followup_done_at=now
    ).followup_overdue
    assert not EscalationFactory.build(call=call).followup_overdue


def test_with_recording_queryset(agent):
    CallFactory(agent=agent, external_id="URL", recording_url="https://pbx.example.com/r.wav")
    CallFactory(agent=agent, external_id="FILE", recording_file="recordings/2024/01/r.wav")
    CallFactory(agent=agent, external_id="NONE")
    assert set(Call.objects.with_recording().values_list("external_id", flat=True)) == {"URL", "FILE"}
