"""The result of a call's evaluation kept on the call (Call.evaluated_at, evaluation_score, evaluation_passed):
written by every path that writes an evaluation's score, never by a draft or a calibration, and filled for
the evaluations that existed before (the data migration)."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from calls.models import Call
from scorecards.disputes import services as disputes
from scorecards.evaluations.services import submit_evaluation
from tests.factories import (
    COMPLETE_ANSWERS,
    GREETING_MISSED,
    CallFactory,
    calibrated,
    criterion,
    draft,
    make_session,
    submitted,
)

pytestmark = pytest.mark.django_db

RESULT_FIELDS = ("evaluated_at", "evaluation_score", "evaluation_passed")


def result_of(call) -> tuple:
    return Call.objects.values_list(*RESULT_FIELDS).get(pk=call.pk)


def test_a_draft_is_no_result(call, reviewer, default_version):
    draft(call, reviewer, COMPLETE_ANSWERS)
    assert result_of(call) == (None, None, None)


def test_submitting_records_the_result_on_the_call(call, reviewer, default_version):
    updated_before = Call.objects.get(pk=call.pk).updated_at
    evaluation = submitted(call, reviewer, GREETING_MISSED)
    assert result_of(call) == (evaluation.submitted_at, evaluation.score, True)
    assert evaluation.score == Decimal("86.66667")
    # Not the call's own data: the call's "updated at" stays (an import compares it).
    assert Call.objects.get(pk=call.pk).updated_at == updated_before


def test_a_failed_submission_records_the_fail(call, reviewer, default_version):
    evaluation = submitted(call, reviewer, COMPLETE_ANSWERS)  # 83.3%, under the pass mark
    assert result_of(call) == (evaluation.submitted_at, evaluation.score, False)


def test_a_calibration_evaluation_is_not_the_calls_result(
    call, manager, reviewer, second_reviewer, default_version
):
    session = make_session(call, manager, [reviewer, second_reviewer])
    calibrated(session, reviewer, GREETING_MISSED)
    calibrated(session, second_reviewer, GREETING_MISSED)
    assert result_of(call) == (None, None, None)


def _disputed(call, agent, reviewer):
    evaluation = submitted(call, reviewer, GREETING_MISSED)
    greeting = criterion(evaluation.version, "Greeting")
    dispute = disputes.open_dispute(evaluation=evaluation, by=agent, items=[(greeting, "I greeted them.")])
    return evaluation, dispute, greeting


def test_acknowledging_and_disputing_keep_the_result(call, agent, reviewer, default_version):
    evaluation, _dispute, _greeting = _disputed(call, agent, reviewer)
    assert result_of(call) == (evaluation.submitted_at, Decimal("86.66667"), True)


def test_an_adjusted_dispute_re_scores_the_calls_result(call, agent, reviewer, manager, default_version):
    evaluation, dispute, greeting = _disputed(call, agent, reviewer)
    disputes.resolve_dispute(
        dispute=dispute,
        by=manager,
        decision="adjusted",
        note="The greeting is at 0:03.",
        adjustments={greeting.pk: {"value": 1}},
    )
    assert result_of(call) == (evaluation.submitted_at, Decimal("100"), True)


def test_an_adjustment_down_to_a_fail_is_recorded(call, agent, reviewer, manager, default_version):
    evaluation = submitted(call, reviewer, GREETING_MISSED)
    tone = criterion(evaluation.version, "Tone")
    dispute = disputes.open_dispute(evaluation=evaluation, by=agent, items=[(tone, "Unfair.")])
    poor = tone.options.order_by("points").first()
    disputes.resolve_dispute(
        dispute=dispute,
        by=manager,
        decision="adjusted",
        note="Less.",
        adjustments={tone.pk: {"option": poor.pk}},
    )
    evaluation.refresh_from_db()
    assert evaluation.passed is False
    assert result_of(call) == (evaluation.submitted_at, evaluation.score, False)


def test_an_upheld_dispute_keeps_the_result(call, agent, reviewer, manager, default_version):
    evaluation, dispute, _greeting = _disputed(call, agent, reviewer)
    disputes.resolve_dispute(dispute=dispute, by=manager, decision="upheld", note="It stands.")
    assert result_of(call) == (evaluation.submitted_at, Decimal("86.66667"), True)


def test_the_data_migration_fills_the_calls_that_were_evaluated_before(
    reviewer, manager, second_reviewer, default_version
):
    evaluated = CallFactory(agent=None, call_type=default_version.scorecard.call_type)
    evaluation = submitted(evaluated, reviewer, GREETING_MISSED)
    drafted = CallFactory(call_type=default_version.scorecard.call_type)
    draft(drafted, reviewer, COMPLETE_ANSWERS)
    calibration_call = CallFactory(call_type=default_version.scorecard.call_type)
    session = make_session(calibration_call, manager, [reviewer, second_reviewer])
    for person in (reviewer, second_reviewer):
        submit_evaluation(
            evaluation=draft(calibration_call, person, GREETING_MISSED, calibration_session=session),
            by=person,
        )
    Call.objects.update(evaluated_at=None, evaluation_score=None, evaluation_passed=None)  # as before 0011

    migration = importlib.import_module("scorecards.migrations.0007_fill_call_evaluation_results")
    migration.fill_call_results(apps, None)

    assert result_of(evaluated) == (evaluation.submitted_at, evaluation.score, True)
    assert result_of(drafted) == (None, None, None)
    assert result_of(calibration_call) == (None, None, None)


def test_every_calls_result_at_once_for_data_written_around_the_services(reviewer, default_version):
    """record_results_on_calls: what the demo's bulk seeding (or any bulk write) calls afterwards."""
    from scorecards.evaluations.services import record_results_on_calls

    first = submitted(CallFactory(call_type=default_version.scorecard.call_type), reviewer, GREETING_MISSED)
    second = submitted(CallFactory(call_type=default_version.scorecard.call_type), reviewer, COMPLETE_ANSWERS)
    Call.objects.update(evaluated_at=None, evaluation_score=None, evaluation_passed=None)
    assert record_results_on_calls() == 2
    assert result_of(first.call) == (first.submitted_at, first.score, True)
    assert result_of(second.call) == (second.submitted_at, second.score, False)
