"""The evaluation services: start/resume, drafts, submit (validation, side effects), re-scoring, notes."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from qa_center.people.models import Notification
from qa_center.people.notifications import in_app_only
from scorecards.evaluations.services import (
    add_recording_note,
    delete_recording_note,
    evaluation_score,
    recompute_evaluation,
    save_draft,
    start_evaluation,
    submit_evaluation,
)
from scorecards.models import (
    Answer,
    Assignment,
    Evaluation,
    EvaluationChange,
    RecordingNote,
    ScorecardVersion,
    Section,
)
from scorecards.scoring import engine as scoring
from scorecards.scoring.spec import build_spec, spec_from_outline, version_outline
from tests.factories import (
    COMPLETE_ANSWERS,
    NA,
    CallFactory,
    UserFactory,
    answers_by_id,
    criteria_of,
    draft,
    make_published_version,
    many_criteria,
    submitted,
    two_sections,
)

pytestmark = pytest.mark.django_db


# --- start_evaluation --------------------------------------------------------------------------------------


def test_start_from_assignment_uses_the_published_version_and_copies_the_agent(
    call, reviewer, default_version
):
    old = default_version
    current = make_published_version(call.call_type)  # v2 is now in force, v1 retired
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)
    evaluation = start_evaluation(assignment=assignment, reviewer=reviewer)
    assert evaluation.status == Evaluation.Status.DRAFT
    assert evaluation.version == current != old
    assert evaluation.agent == call.agent
    assert evaluation.assignment == assignment
    assert evaluation.reviewer == reviewer


def test_start_is_idempotent(call, reviewer, default_version):
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)
    first = start_evaluation(assignment=assignment, reviewer=reviewer)
    again = start_evaluation(assignment=assignment, reviewer=reviewer)
    by_call = start_evaluation(call=call, reviewer=reviewer)  # the open assignment is found from the call
    assert first.pk == again.pk == by_call.pk
    assert Evaluation.objects.count() == 1


def test_start_call_without_assignment_resumes_the_reviewers_draft(call, reviewer, default_version):
    first = start_evaluation(call=call, reviewer=reviewer)
    assert first.assignment is None
    assert start_evaluation(call=call, reviewer=reviewer).pk == first.pk
    # A second reviewer would make a second regular evaluation of the call: it would count twice.
    other = UserFactory(username="reviewer2", is_reviewer=True)
    with pytest.raises(ValidationError, match="already been evaluated"):
        start_evaluation(call=call, reviewer=other)


def test_start_returns_the_submitted_evaluation_instead_of_a_second_one(call, reviewer, default_version):
    done = submitted(call, reviewer)
    assert start_evaluation(call=call, reviewer=reviewer).pk == done.pk
    assert Evaluation.objects.count() == 1


def test_someone_elses_assignment_is_refused(call, reviewer, default_version):
    assignment = Assignment.objects.create(call=call, reviewer=UserFactory(username="r2", is_reviewer=True))
    with pytest.raises(PermissionDenied):
        start_evaluation(assignment=assignment, reviewer=reviewer)


def test_cancelled_assignment_is_refused(call, reviewer, default_version):
    assignment = Assignment.objects.create(call=call, reviewer=reviewer, status=Assignment.Status.CANCELLED)
    with pytest.raises(ValidationError):
        start_evaluation(assignment=assignment, reviewer=reviewer)


def test_nobody_evaluates_their_own_call(default_version, call_type):
    reviewer_agent = UserFactory(username="both", is_reviewer=True, is_agent=True)
    own_call = CallFactory(agent=reviewer_agent, call_type=call_type)
    with pytest.raises(ValidationError, match="own call"):
        start_evaluation(call=own_call, reviewer=reviewer_agent)


def test_call_type_without_published_scorecard(call, reviewer):
    make_published_version(call.call_type, status=ScorecardVersion.Status.DRAFT)
    with pytest.raises(ValidationError, match="no published scorecard"):
        start_evaluation(call=call, reviewer=reviewer)


def test_calibration_uses_the_sessions_version_and_only_participants(
    call, reviewer, default_version, calibration_session
):
    session = calibration_session  # opened on default_version, the version in force then
    make_published_version(call.call_type)  # a newer version is in force; the session keeps its own
    evaluation = start_evaluation(calibration_session=session, reviewer=reviewer)
    assert evaluation.version == default_version
    assert evaluation.calibration_session == session
    assert start_evaluation(calibration_session=session, reviewer=reviewer).pk == evaluation.pk
    with pytest.raises(PermissionDenied):
        start_evaluation(calibration_session=session, reviewer=UserFactory(username="r2", is_reviewer=True))


# --- save_draft --------------------------------------------------------------------------------------------


def test_draft_keeps_partial_answers_and_comments_and_resumes(call, reviewer, default_version):
    criteria = criteria_of(default_version)
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    save_draft(
        evaluation=evaluation,
        answers=answers_by_id(
            default_version, {"Greeting": 1, "Tone": "Excellent", "Offered a callback": NA}
        ),
        comments={criteria["Diagnosed the issue"].pk: "  Asked good questions.  "},
        strengths="Calm",
        improvements="Summarise",
        by=reviewer,
    )
    rows = {
        a.criterion.title: a for a in Answer.objects.filter(evaluation=evaluation).select_related("criterion")
    }
    assert set(rows) == {"Greeting", "Tone", "Offered a callback", "Diagnosed the issue"}
    assert rows["Greeting"].value == 1 and rows["Greeting"].points == 1
    assert (
        rows["Tone"].option.label == "Excellent" and rows["Tone"].points == 3 and rows["Tone"].max_points == 3
    )
    assert rows["Offered a callback"].is_na and rows["Offered a callback"].points is None
    assert (
        rows["Diagnosed the issue"].value is None
        and rows["Diagnosed the issue"].comment == "Asked good questions."
    )
    evaluation.refresh_from_db()
    assert (evaluation.strengths, evaluation.improvements, evaluation.status) == (
        "Calm",
        "Summarise",
        "draft",
    )
    assert evaluation.score is None  # a draft has no stored score

    # Resume and change: an answer taken back disappears, a changed one is updated in place.
    save_draft(
        evaluation=start_evaluation(call=call, reviewer=reviewer),
        answers=answers_by_id(default_version, {"Greeting": 0}),
        comments={},
        strengths="Calm",
        improvements="",
        by=reviewer,
    )
    rows = {
        a.criterion.title: a for a in Answer.objects.filter(evaluation=evaluation).select_related("criterion")
    }
    assert set(rows) == {"Greeting"} and rows["Greeting"].value == 0 and rows["Greeting"].points == 0


@pytest.mark.parametrize(
    ("title", "value", "message"),
    [
        ("Greeting", 2, "from 0 to 1"),
        ("Diagnosed the issue", 5, "from 0 to 4"),
        ("Greeting", NA, "N/A is not allowed"),
        ("Tone", 999_999, "Choose one of the options"),
    ],
)
def test_draft_refuses_invalid_answers(call, reviewer, default_version, title, value, message):
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    criterion = criteria_of(default_version)[title]
    with pytest.raises(ValidationError) as raised:
        save_draft(
            evaluation=evaluation,
            answers={criterion.pk: value},
            comments={},
            strengths="",
            improvements="",
            by=reviewer,
        )
    assert message in raised.value.message_dict[criterion.pk][0]
    assert not Answer.objects.filter(evaluation=evaluation).exists()


def test_option_of_another_criterion_is_refused(call, reviewer, default_version):
    evaluation = start_evaluation(call=call, reviewer=reviewer)
    criteria = criteria_of(default_version)
    foreign_option = (
        make_published_version(None, [("S", 1, [("Q", "choice", 1, {})])])
        .sections.get()
        .criteria.get()
        .options.first()
    )
    with pytest.raises(ValidationError):
        save_draft(
            evaluation=evaluation,
            answers={criteria["Tone"].pk: foreign_option.pk},
            comments={},
            strengths="",
            improvements="",
            by=reviewer,
        )


def test_only_the_reviewer_saves_and_only_a_draft(call, reviewer, default_version):
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS)
    other = UserFactory(username="r2", is_reviewer=True)
    with pytest.raises(PermissionDenied):
        save_draft(evaluation=evaluation, answers={}, comments={}, strengths="x", improvements="", by=other)
    submit_evaluation(evaluation=evaluation, by=reviewer)
    with pytest.raises(ValidationError, match="submitted"):
        save_draft(
            evaluation=evaluation, answers={}, comments={}, strengths="x", improvements="", by=reviewer
        )


# --- submit_evaluation -------------------------------------------------------------------------------------


def test_submit_refuses_a_missing_answer(call, reviewer, default_version):
    answers = dict(COMPLETE_ANSWERS)
    del answers["Diagnosed the issue"], answers["Offered a callback"]
    evaluation = draft(call, reviewer, answers)
    criteria = criteria_of(default_version)
    with pytest.raises(ValidationError) as raised:
        submit_evaluation(evaluation=evaluation, by=reviewer)
    errors = raised.value.message_dict
    assert set(errors) == {criteria["Diagnosed the issue"].pk, criteria["Offered a callback"].pk}
    assert "or mark it N/A" in errors[criteria["Offered a callback"].pk][0]
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT and evaluation.submitted_at is None


def test_submit_refuses_without_a_strength(call, reviewer, default_version):
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS, strengths="   ")
    with pytest.raises(ValidationError) as raised:
        submit_evaluation(evaluation=evaluation, by=reviewer)
    assert list(raised.value.message_dict) == ["strengths"]
    assert "what went well" in raised.value.message_dict["strengths"][0]


def test_submit_refuses_stored_answers_out_of_range_or_na_not_allowed(call, reviewer, default_version):
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS)
    criteria = criteria_of(default_version)
    # Written behind the service's back (e.g. by the admin): the submit still checks.
    Answer.objects.filter(evaluation=evaluation, criterion=criteria["Diagnosed the issue"]).update(value=9)
    Answer.objects.filter(evaluation=evaluation, criterion=criteria["Greeting"]).update(is_na=True)
    with pytest.raises(ValidationError) as raised:
        submit_evaluation(evaluation=evaluation, by=reviewer)
    errors = raised.value.message_dict
    assert "from 0 to 4" in errors[criteria["Diagnosed the issue"].pk][0]
    assert "N/A is not allowed" in errors[criteria["Greeting"].pk][0]


def test_submit_stores_the_engines_scores_and_each_answers_points(
    call, reviewer, default_version, django_capture_on_commit_callbacks
):
    assignment = Assignment.objects.create(call=call, reviewer=reviewer)
    evaluation = start_evaluation(assignment=assignment, reviewer=reviewer)
    answers = answers_by_id(default_version, COMPLETE_ANSWERS)
    save_draft(
        evaluation=evaluation, answers=answers, comments={}, strengths="Kind", improvements="", by=reviewer
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = submit_evaluation(evaluation=evaluation, by=reviewer)

    criteria = criteria_of(default_version)
    points = {pk: NA if value is NA else value for pk, value in answers.items()}
    points[criteria["Tone"].pk] = 2  # "Good" earns 2 points
    expected = scoring.score(build_spec(default_version), points)
    assert result.score == expected.score == Fraction(250, 3)  # (40 × 1 + 60 × 13/18) ÷ 100 × 100

    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED and evaluation.submitted_at is not None
    assert evaluation.score == expected.as_decimal(expected.score) == Decimal("83.33333")
    assert evaluation.passed is False and evaluation.auto_failed is False
    assert evaluation.score_before_autofail is None
    stored = {
        a.criterion.title: (a.points, a.max_points) for a in evaluation.answers.select_related("criterion")
    }
    assert stored == {
        "Greeting": (1, 1),
        "Verified identity": (1, 1),
        "Diagnosed the issue": (3, 4),
        "Tone": (2, 3),
        "Offered a callback": (None, 1),
    }
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DONE
    change = EvaluationChange.objects.get(evaluation=evaluation)
    assert change.action == "submitted" and change.changed_by == reviewer
    assert change.after["score"] == "83.33333" and change.after["status"] == "submitted"


def test_submit_tells_the_agent_in_the_app_and_by_email(
    call, reviewer, default_version, django_capture_on_commit_callbacks, settings
):
    settings.QA_SITE_URL = "https://qa.example.com/"
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):
        submit_evaluation(evaluation=evaluation, by=reviewer)
    notification = Notification.objects.get(recipient=call.agent)
    assert call.external_id in notification.message and "83.3%" in notification.message
    assert notification.url == evaluation.get_absolute_url()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [call.agent.email]
    assert call.external_id in mail.outbox[0].subject
    # An email is read outside the app: the link carries the site's address.
    assert f"https://qa.example.com{evaluation.get_absolute_url()}" in mail.outbox[0].body


def test_email_waits_for_the_commit(call, reviewer, default_version, django_capture_on_commit_callbacks):
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_evaluation(evaluation=evaluation, by=reviewer)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_calibration_evaluations_tell_nobody(
    reviewer, default_version, calibration_session, django_capture_on_commit_callbacks
):
    evaluation = start_evaluation(calibration_session=calibration_session, reviewer=reviewer)
    save_draft(
        evaluation=evaluation,
        answers=answers_by_id(default_version, COMPLETE_ANSWERS),
        comments={},
        strengths="Calm",
        improvements="",
        by=reviewer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit_evaluation(evaluation=evaluation, by=reviewer)
    assert not Notification.objects.exists() and mail.outbox == []


def test_critical_failure_stores_auto_fail_and_the_score_before(call, reviewer):
    version = make_published_version(call.call_type, two_sections(critical="evaluation"))
    evaluation = submitted(call, reviewer, {"One": 0, "Two": 1, "Three": 1})
    assert evaluation.version == version
    assert evaluation.score == 0 and evaluation.auto_failed and evaluation.passed is False
    assert evaluation.score_before_autofail == Decimal("66.66667")


def test_all_na_has_no_score(call, reviewer):
    make_published_version(call.call_type, [("S", 1, [("Maybe", "yes_no", 1, {"allows_na": True})])])
    evaluation = submitted(call, reviewer, {"Maybe": NA})
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert evaluation.score is None and evaluation.passed is None


def test_only_the_reviewer_submits(call, reviewer, default_version):
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS)
    with pytest.raises(PermissionDenied):
        submit_evaluation(evaluation=evaluation, by=UserFactory(username="r2", is_reviewer=True))


# --- recompute_evaluation ----------------------------------------------------------------------------------


def test_recompute_after_an_adjusted_answer(call, reviewer, default_version):
    evaluation = submitted(call, reviewer)
    criteria = criteria_of(default_version)
    answer = evaluation.answers.get(criterion=criteria["Diagnosed the issue"])
    answer.value = 4
    answer.save(update_fields=["value"])
    result = recompute_evaluation(evaluation=evaluation)
    evaluation.refresh_from_db()
    # Resolution becomes (2 × 1 + 1 × 2/3) ÷ 3 = 8/9: (40 + 60 × 8/9) ÷ 100 × 100 = 280/3.
    assert result.score == Fraction(280, 3)
    assert evaluation.score == Decimal("93.33333") and evaluation.passed is True
    answer.refresh_from_db()
    assert answer.points == 4


def test_evaluation_score_matches_the_engine(default_version):
    criteria = criteria_of(default_version)
    answers = {criteria["Greeting"].pk: 0, criteria["Diagnosed the issue"].pk: 2}
    expected = scoring.score(build_spec(default_version), answers).score
    assert evaluation_score(default_version, answers).score == expected
    assert (
        evaluation_score(default_version, answers, outline=version_outline(default_version)).score == expected
    )


@pytest.mark.parametrize("sections", [None, many_criteria(40), two_sections("section")])
def test_the_spec_from_an_outline_is_the_builders(call_type, sections):
    version = make_published_version(call_type, sections, method="total_points", pass_mark=70)
    Section.objects.create(version=version, title="Empty", position=99)  # left out by both
    assert spec_from_outline(version, version_outline(version)) == build_spec(version)


# --- notes -------------------------------------------------------------------------------------------------


def test_notes_only_by_the_reviewer_of_a_draft(call, reviewer, default_version):
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS)
    note = add_recording_note(
        evaluation=evaluation, at_seconds=Decimal("12.5"), body=" Hold music ", by=reviewer
    )
    assert (note.at_seconds, note.body, note.author) == (Decimal("12.5"), "Hold music", reviewer)
    other = UserFactory(username="r2", is_reviewer=True)
    with pytest.raises(PermissionDenied):
        add_recording_note(evaluation=evaluation, at_seconds=Decimal(1), body="x", by=other)
    with pytest.raises(ValidationError):
        add_recording_note(evaluation=evaluation, at_seconds=Decimal(1), body="  ", by=reviewer)
    with pytest.raises(PermissionDenied):
        delete_recording_note(note=note, by=other)
    submit_evaluation(evaluation=evaluation, by=reviewer)
    with pytest.raises(ValidationError):
        delete_recording_note(note=note, by=reviewer)
    assert RecordingNote.objects.filter(pk=note.pk).exists()


def test_in_app_only_stores_the_notification_but_sends_no_email(
    call, reviewer, default_version, django_capture_on_commit_callbacks
):
    evaluation = draft(call, reviewer, COMPLETE_ANSWERS)
    with django_capture_on_commit_callbacks(execute=True), in_app_only():
        submit_evaluation(evaluation=evaluation, by=reviewer)
    assert Notification.objects.filter(recipient=call.agent).count() == 1
    assert mail.outbox == []
