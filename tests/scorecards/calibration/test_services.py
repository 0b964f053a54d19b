"""scorecards.calibration services: opening, closing (by hand and by itself), starting an evaluation; and
calibration evaluations kept out of the agent's scores, pages and notifications."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from qa_center.people.models import Notification
from scorecards.calibration import services as calibration
from scorecards.evaluations.services import submit_evaluation
from scorecards.models import CalibrationSession, Evaluation
from tests.factories import CallFactory, CallTypeFactory, UserFactory, calibrated, make_session
from tests.scorecards.calibration.known_answers import KNOWN_ANSWERS

pytestmark = pytest.mark.django_db


# --- Opening -----------------------------------------------------------------------------------------------


def test_the_manager_takes_part_as_the_reference(call, manager, reviewers, four_criteria_version):
    deadline = timezone.now() + timedelta(days=3)
    session = make_session(call, manager, reviewers[:2], title="  Tone check ", deadline=deadline)
    assert (session.call, session.version, session.created_by) == (call, four_criteria_version, manager)
    assert session.title == "Tone check"
    assert session.deadline == deadline
    assert set(session.participants.all()) == {manager, *reviewers[:2]}
    assert not session.is_closed


def test_at_least_two_reviewers(call, manager, reviewers, four_criteria_version):
    with pytest.raises(ValidationError) as error:
        make_session(call, manager, reviewers[:1])
    assert "reviewers" in error.value.message_dict
    assert not CalibrationSession.objects.exists()


def test_the_call_type_needs_a_published_scorecard(manager, reviewers, agent):
    call = CallFactory(agent=agent, call_type=CallTypeFactory(slug="no-scorecard"))
    with pytest.raises(ValidationError) as error:
        make_session(call, manager, reviewers)
    assert error.value.message_dict["call"] == ["There is no published scorecard for this call's type yet."]


def test_the_calls_agent_cannot_be_a_reviewer(call, manager, reviewers, four_criteria_version, agent):
    agent.is_reviewer = True
    agent.save(update_fields=["is_reviewer"])
    with pytest.raises(ValidationError) as error:
        make_session(call, manager, [*reviewers[:2], agent])
    assert "nobody scores their own call" in error.value.message_dict["reviewers"][0]


def test_only_reviewers_take_part(call, manager, reviewers, four_criteria_version, other_agent):
    with pytest.raises(ValidationError) as error:
        make_session(call, manager, [reviewers[0], other_agent])
    assert error.value.message_dict["reviewers"] == ["Only active QA reviewers can take part."]


def test_the_manager_is_not_picked_as_a_reviewer(call, reviewers, four_criteria_version):
    manager = UserFactory(username="mgr-reviewer", is_qa_manager=True, is_reviewer=True)
    with pytest.raises(ValidationError) as error:
        make_session(call, manager, [*reviewers[:2], manager])
    assert "reference" in error.value.message_dict["reviewers"][0]


def test_a_past_deadline_is_refused(call, manager, reviewers, four_criteria_version):
    with pytest.raises(ValidationError) as error:
        make_session(call, manager, reviewers, deadline=timezone.now() - timedelta(minutes=1))
    assert "deadline" in error.value.message_dict


@pytest.mark.parametrize("role", ["reviewer", "lead", "agent"])
def test_only_qa_managers_open_sessions(request, role, call, reviewers, four_criteria_version):
    with pytest.raises(PermissionDenied):
        make_session(call, request.getfixturevalue(role), reviewers)
    assert not CalibrationSession.objects.exists()


# --- Starting an evaluation --------------------------------------------------------------------------------


def test_start_creates_then_resumes_a_draft_on_the_sessions_version(session, reviewers):
    first = calibration.start_calibration_evaluation(session=session, reviewer=reviewers[0])
    again = calibration.start_calibration_evaluation(session=session, reviewer=reviewers[0])
    assert first == again
    assert (first.calibration_session, first.version, first.status) == (
        session,
        session.version,
        Evaluation.Status.DRAFT,
    )
    assert first.agent == session.call.agent


def test_only_participants_start(session):
    outsider = UserFactory(username="outsider", is_reviewer=True)
    with pytest.raises(PermissionDenied):
        calibration.start_calibration_evaluation(session=session, reviewer=outsider)
    assert not Evaluation.objects.exists()


def test_after_close_a_draft_cannot_be_resumed_nor_a_new_one_started(session, manager, reviewers):
    draft = calibrated(session, reviewers[0], {"Greeting": 1}, submit=False)
    submitted = calibrated(session, reviewers[1], KNOWN_ANSWERS["r1"])
    calibration.close_session(session=session, by=manager)
    for reviewer in (reviewers[0], reviewers[2]):
        with pytest.raises(ValidationError, match="closed"):
            calibration.start_calibration_evaluation(session=session, reviewer=reviewer)
    assert calibration.start_calibration_evaluation(session=session, reviewer=reviewers[1]) == submitted
    assert Evaluation.objects.filter(calibration_session=session).count() == 2
    draft.refresh_from_db()
    assert draft.status == Evaluation.Status.DRAFT


# --- Closing -----------------------------------------------------------------------------------------------


def test_a_manager_closes_once(session, manager):
    assert calibration.close_session(session=session, by=manager) is True
    closed_at = CalibrationSession.objects.get(pk=session.pk).closed_at
    assert closed_at is not None
    assert calibration.close_session(session=session, by=manager) is False
    assert CalibrationSession.objects.get(pk=session.pk).closed_at == closed_at


def test_a_reviewer_cannot_close(session, reviewers):
    with pytest.raises(PermissionDenied):
        calibration.close_session(session=session, by=reviewers[0])
    assert CalibrationSession.objects.get(pk=session.pk).closed_at is None


def test_it_closes_by_itself_once_everyone_incl_the_reference_has_submitted(session, manager, reviewers):
    for name, reviewer in zip(["r1", "r2", "r3"], reviewers, strict=True):
        calibrated(session, reviewer, KNOWN_ANSWERS[name])
    assert calibration.close_complete_sessions() == 0  # the reference is still missing
    assert calibration.close_if_complete(session=session) is False
    calibrated(session, manager, KNOWN_ANSWERS["reference"], submit=False)
    assert calibration.close_if_complete(session=session) is False  # a draft is not a submission
    evaluation = Evaluation.objects.get(calibration_session=session, reviewer=manager)
    submit_evaluation(evaluation=evaluation, by=manager)
    assert calibration.close_if_complete(session=session) is True
    assert CalibrationSession.objects.get(pk=session.pk).closed_at == session.closed_at
    assert calibration.close_complete_sessions() == 0  # already closed: nothing to do twice


def test_close_complete_sessions_leaves_other_sessions_open(session, manager, reviewers, agent, call_type):
    other = make_session(CallFactory(agent=agent, call_type=call_type), manager, reviewers[:2])
    for name, reviewer in [("reference", manager), ("r1", reviewers[0]), ("r2", reviewers[1])]:
        calibrated(other, reviewer, KNOWN_ANSWERS[name], submit=False)
    # Complete but open (the submit service would have closed it): what close_complete_sessions is for.
    Evaluation.objects.filter(calibration_session=other).update(
        status=Evaluation.Status.SUBMITTED, submitted_at=timezone.now()
    )
    assert calibration.close_complete_sessions() == 1
    assert CalibrationSession.objects.get(pk=other.pk).closed_at is not None
    assert CalibrationSession.objects.get(pk=session.pk).closed_at is None


# --- Never about the agent ---------------------------------------------------------------------------------


def test_calibration_evaluations_do_not_count_and_are_not_shown_to_the_agent(
    session, manager, reviewers, agent, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert evaluation.is_calibration
    assert not Evaluation.objects.regular().filter(pk=evaluation.pk).exists()
    assert not Evaluation.objects.regular().submitted().for_agent(agent).exists()
    calibration.close_session(session=session, by=manager)
    for person in (agent, lead):
        assert not Evaluation.objects.visible_to(person).filter(pk=evaluation.pk).exists()


def test_submitting_tells_the_agent_nothing(session, reviewers, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    assert not Notification.objects.filter(recipient=agent).exists()
    assert mail.outbox == []


def test_the_agent_gets_404_on_the_evaluation_page(client, session, manager, reviewers, agent):
    evaluation = calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    calibration.close_session(session=session, by=manager)
    client.force_login(agent)
    assert client.get(reverse("evaluations:detail", args=[evaluation.pk])).status_code == 404


# --- Progress ----------------------------------------------------------------------------------------------


def test_participants_progress_says_who_submitted(session, manager, reviewers, django_assert_num_queries):
    calibrated(session, reviewers[0], KNOWN_ANSWERS["r1"])
    calibrated(session, reviewers[1], {"Greeting": 1}, submit=False)
    with django_assert_num_queries(1):
        people = calibration.participants_progress(session=session)
    by_pk = {person.pk: person for person in people}
    assert people[0] == manager and people[0].is_reference
    assert by_pk[reviewers[0].pk].calibration_submitted_at is not None
    assert (by_pk[reviewers[1].pk].calibration_submitted_at, by_pk[reviewers[1].pk].has_draft) == (None, True)
    assert (by_pk[reviewers[2].pk].calibration_evaluation_id, by_pk[reviewers[2].pk].has_draft) == (
        None,
        False,
    )
