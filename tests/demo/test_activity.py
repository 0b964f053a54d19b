"""The demo's QA activity (qa_center/demo/activity.py, with the older history of history.py that it seeds): every
stored score is the engine's, the demo logins' stories, no reviewer on their own call, calibration kept apart,
timestamps in order, and a second run adds nothing.

One module for both: the history is seeded by the activity step, and seeding takes seconds (once per module).
"""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from calls.models import Call
from qa_center.demo import recordings
from qa_center.people.models import Notification, User
from scorecards.calibration import services as calibration
from scorecards.disputes import services as disputes
from scorecards.feedback import selectors as feedback
from scorecards.models import (
    Answer,
    Assignment,
    CalibrationSession,
    Criterion,
    CriterionComment,
    Dispute,
    DisputeItem,
    Evaluation,
    EvaluationChange,
    RecordingNote,
    SamplingRule,
    SamplingRun,
    ScorecardVersion,
)
from scorecards.sampling import services as sampling
from scorecards.scoring import engine as scoring
from scorecards.scoring.spec import build_spec
from tests.demo.helpers import QA_SMALL

pytestmark = pytest.mark.django_db


def model_counts() -> dict[str, int]:
    models = [
        ScorecardVersion,
        Criterion,
        CriterionComment,
        SamplingRule,
        SamplingRun,
        Assignment,
        Evaluation,
        Answer,
        RecordingNote,
        Dispute,
        EvaluationChange,
        CalibrationSession,
        Notification,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_every_stored_score_is_the_engines(seeded):
    evaluations = list(Evaluation.objects.submitted().select_related("version").prefetch_related("answers"))
    assert len(evaluations) > 200
    specs = {}
    for evaluation in evaluations:
        spec = specs.setdefault(evaluation.version_id, build_spec(evaluation.version))
        points = {a.criterion_id: scoring.NA if a.is_na else a.points for a in evaluation.answers.all()}
        assert len(points) == sum(len(section.criteria) for section in spec.sections)
        result = scoring.score(spec, points)
        assert evaluation.score == result.as_decimal(result.score), evaluation.pk
        assert evaluation.score_before_autofail == result.as_decimal(result.score_before_autofail)
        assert (evaluation.auto_failed, evaluation.passed) == (result.auto_failed, result.passed)

    # Each answer's points come from its value or option, on the evaluation's own version.
    answers = Answer.objects.filter(is_na=False).select_related("criterion", "option")
    assert not answers.exclude(criterion__section__version=F("evaluation__version")).exists()
    for answer in answers.filter(criterion__kind="choice")[:200]:
        assert answer.points == answer.option.points
    assert not answers.exclude(criterion__kind="choice").exclude(points=F("value")).exists()

    auto_failed = Evaluation.objects.regular().filter(auto_failed=True)
    assert auto_failed.count() >= 2
    assert auto_failed.filter(score=0, score_before_autofail__gt=0).exists()
    assert not auto_failed.filter(score__gt=F("score_before_autofail")).exists()
    passed = Evaluation.objects.regular().submitted().filter(passed=True).count()
    assert 0.4 < passed / len(evaluations) < 0.9


def test_the_demo_agent_has_a_rich_history(seeded):
    agent = User.objects.get(username="agent")
    mine = Evaluation.objects.regular().submitted().for_agent(agent)
    assert mine.count() >= 10
    assert mine.dates("submitted_at", "week").count() >= 3
    disputable = [
        e for e in mine.filter(status="submitted") if disputes.dispute_refusal(evaluation=e) is None
    ]
    assert disputable
    assert Dispute.objects.filter(evaluation__agent=agent, status=Dispute.Status.OPEN).count() == 1

    adjusted = Dispute.objects.get(status=Dispute.Status.ADJUSTED)
    assert adjusted.evaluation.agent == agent
    actions = list(adjusted.evaluation.changes.order_by("changed_at", "id").values_list("action", flat=True))
    assert actions[0] == "submitted" and actions[-1] == "dispute_resolved"
    assert {"dispute_opened", "answer_adjusted", "score_changed"} <= set(actions)
    assert Dispute.objects.filter(status=Dispute.Status.UPHELD).exclude(evaluation__agent=agent).count() == 1

    summary = feedback.my_feedback(agent=agent)
    assert len(summary.trend) >= 3 and summary.weakest
    assert Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert RecordingNote.objects.filter(evaluation__agent=agent).exists()


def test_queues_drafts_disputes_and_notifications_for_the_other_logins(seeded):
    reviewer = User.objects.get(username="reviewer")
    queue = sampling.queue_of(reviewer=reviewer)
    assert queue.count() >= 3
    assert queue.filter(~Q(call__recording_file="")).exists()
    assert sampling.drafts_of(reviewer=reviewer).count() >= 1
    run = SamplingRun.objects.get()
    assert run.assignments_created > 0 and run.period_end < timezone.localdate()
    assert Assignment.objects.filter(sampling_run=run, status=Assignment.Status.DONE).exists()

    open_disputes, _recent = disputes.disputes_for_managers()
    assert open_disputes.count() >= 2
    # One a manager resolves with the recording and the reviewer's notes beside it.
    assert open_disputes.filter(
        ~Q(evaluation__call__recording_file=""), evaluation__notes__isnull=False
    ).exists()
    for username in ("manager", "reviewer"):
        assert Notification.objects.filter(recipient__username=username, read_at__isnull=True).exists()

    # A criterion failing across many agents: the recording disclosure (a process, not a person).
    missed = Answer.objects.filter(
        evaluation__calibration_session__isnull=True,
        criterion__title="Read the call-recording disclosure",
        points=0,
    )
    assert missed.values("evaluation__agent").distinct().count() >= 10


def test_nobody_scores_their_own_call_and_calibration_stays_apart(seeded):
    assert not Evaluation.objects.filter(reviewer=F("call__agent")).exists()
    assert not Assignment.objects.filter(reviewer=F("call__agent")).exists()

    closed = CalibrationSession.objects.filter(closed_at__isnull=False)
    assert closed.exists()
    session = closed.first()
    results = calibration.calibration_results(session=session)
    assert {r.reviewer.username for r in results.raters} == {"manager", "reviewer", "reviewer2", "reviewer3"}
    assert results.reference.reviewer.username == "manager"
    still_open = CalibrationSession.objects.get(closed_at__isnull=True)
    assert still_open.participants.filter(username="reviewer").exists()
    assert not still_open.evaluations.filter(reviewer__username="reviewer").exists()

    calibration_ids = set(
        Evaluation.objects.filter(calibration_session__isnull=False).values_list("pk", flat=True)
    )
    assert len(calibration_ids) >= 9
    assert not calibration_ids & set(Evaluation.objects.regular().values_list("pk", flat=True))


def test_timestamps_follow_each_other(seeded):
    now = timezone.now()
    evaluations = Evaluation.objects.all()
    assert not evaluations.filter(Q(submitted_at__gt=now) | Q(created_at__gt=now)).exists()
    assert not evaluations.filter(submitted_at__lt=F("call__started_at")).exists()
    assert not evaluations.filter(acknowledged_at__lt=F("submitted_at")).exists()
    assert not Assignment.objects.filter(created_at__lt=F("call__started_at")).exists()
    window = timedelta(days=settings.QA_DISPUTE_WINDOW_DAYS)
    for dispute in Dispute.objects.select_related("evaluation"):
        assert dispute.evaluation.submitted_at < dispute.opened_at <= dispute.evaluation.submitted_at + window
        assert dispute.resolved_at is None or dispute.opened_at < dispute.resolved_at < now
    for session in CalibrationSession.objects.filter(closed_at__isnull=False):
        assert calibration.counted_evaluations(session).count() == 4


def test_a_second_run_adds_nothing(seeded):
    before = model_counts()
    out = io.StringIO()
    # Without recordings: this test's media folder is not the one the module's seeding wrote to.
    call_command("seed_demo", *QA_SMALL, "--no-recordings", stdout=out)
    assert model_counts() == before
    assert "none added" in out.getvalue()
    assert "800 calls (0 new)" in out.getvalue()


# --- Recorded calls are scored as they sound; calibration shows real disagreement -------------------------


def _heard_value(criterion, heard):
    if heard == recordings.NOT_APPLICABLE:
        return "na"
    if criterion.kind == Criterion.Kind.CHOICE:
        return criterion.options.get(label=heard).pk
    return int(heard)


def test_recorded_calls_are_scored_and_noted_as_their_transcripts_show(seeded):
    scored = (
        Evaluation.objects.regular()
        .submitted()
        .exclude(call__recording_file="")
        .select_related("call")
        .prefetch_related("answers__criterion__options", "notes")
    )
    assert scored.count() >= 2  # the demo agent's disputable call and the calls scored with notes
    with_notes = 0
    for evaluation in scored:
        script = recordings.script_of(evaluation.call)
        assert script is not None
        # A dispute resolved by adjusting the score changed its criteria's answers: the decision is stored then,
        # not what the reviewer first heard (which recorded calls the demo disputes depends on the day).
        adjusted = set(
            DisputeItem.objects.filter(
                dispute__evaluation=evaluation, dispute__status=Dispute.Status.ADJUSTED
            ).values_list("criterion_id", flat=True)
        )
        for answer in evaluation.answers.all():
            heard = script.heard.get(answer.criterion.title)
            if heard is None or (heard == recordings.NOT_APPLICABLE and not answer.criterion.allows_na):
                continue
            if answer.criterion_id in adjusted:
                continue
            stored = "na" if answer.is_na else answer.option_id or answer.value
            assert stored == _heard_value(answer.criterion, heard), (script.call_type, answer.criterion.title)
            # A comment is about what the recording shows: the script's, or none.
            assert answer.comment in ("", script.remarks.get(answer.criterion.title))
        notes = sorted(evaluation.notes.all(), key=lambda note: note.at_seconds)
        if notes:
            with_notes += 1
            expected = [
                (recordings.line_start(evaluation.call.transcript, index) + 1, body)
                for index, body in script.notes
            ]
            assert [(note.at_seconds, note.body) for note in notes] == sorted(expected)
    assert with_notes >= 2
    # No note anywhere without a recording to be about.
    assert not RecordingNote.objects.filter(evaluation__call__recording_file="").exists()


def test_closed_calibration_sessions_show_real_and_varied_disagreement(seeded):
    closed = list(CalibrationSession.objects.filter(closed_at__isnull=False).select_related("call"))
    assert len(closed) == 2
    results = [calibration.calibration_results(session=session) for session in closed]
    for result in results:
        assert result.mean_percent_agreement < 100
        assert result.alpha_nominal is not None and result.alpha_nominal < 1
        assert any(rater.criteria_differing for rater in result.raters if not rater.is_reference)
        assert result.spread.range > 0
    agreements = {round(result.mean_percent_agreement, 1) for result in results}
    assert len(agreements) == 2  # an easy call and a debated one
    # The sessions are on recorded calls: the reviewers could listen to them.
    assert all(session.call.transcript for session in closed)


def test_calibration_sessions_have_distinct_titles(seeded):
    titles = list(CalibrationSession.objects.values_list("title", flat=True))
    assert len(titles) == 3 and len(set(titles)) == 3 and all(titles)


def test_the_calls_carry_their_evaluation_result(seeded):
    # The call list's score and "evaluated" filter read the result kept on the call.
    counted = Evaluation.objects.regular().filter(status__in=Evaluation.COUNTED_STATUSES)
    assert counted.count() > 200
    for evaluation in counted.select_related("call")[:300]:
        call = evaluation.call
        assert (call.evaluation_score, call.evaluation_passed) == (evaluation.score, evaluation.passed)
        assert call.evaluated_at == evaluation.submitted_at
    assert (
        not Call.objects.filter(evaluated_at__isnull=False).exclude(pk__in=counted.values("call_id")).exists()
    )
