"""Which calls the sampler may draw: the rule's filters, a published scorecard, not reviewed yet."""

import pytest
from django.core.files.base import ContentFile

from scorecards.calibration import services as calibration
from scorecards.models import Assignment, Evaluation, ScorecardVersion
from scorecards.sampling.services import SKIPPED_NO_SCORECARD, WEEK, period_containing, run_sampling
from tests.factories import (
    NO_CRITERIA,
    CallFactory,
    CallTypeFactory,
    SamplingRuleFactory,
    calibrated,
    make_published_version,
    make_session,
    submitted,
)
from tests.scorecards.sampling.sampled_week import WEEK_DAY, at, qualifying_call

pytestmark = pytest.mark.django_db

PERIOD = period_containing(kind=WEEK, day=WEEK_DAY)


def drawn_external_ids() -> set[str]:
    return set(Assignment.objects.values_list("call__external_id", flat=True))


@pytest.mark.parametrize(
    ("rule_values", "call_values", "qualifies"),
    [
        ({}, {}, True),
        ({}, {"answered": False, "talk_seconds": None}, False),
        ({}, {"answered": None}, False),
        ({"require_answered": False}, {"answered": False}, True),
        ({}, {"recording_url": ""}, False),
        ({"require_recording": False}, {"recording_url": ""}, True),
        ({"min_talk_seconds": 60}, {"talk_seconds": 59}, False),
        ({"min_talk_seconds": 60}, {"talk_seconds": 60}, True),
        ({"min_talk_seconds": 60}, {"talk_seconds": None}, False),
        ({"min_talk_seconds": 0}, {"talk_seconds": None}, True),
    ],
)
def test_the_rules_filters_decide_which_calls_qualify(
    agent, reviewer, call_type, sampling_version, rule_values, call_values, qualifies
):
    SamplingRuleFactory(call_type=call_type, calls_per_agent=5, **rule_values)
    qualifying_call(agent=agent, call_type=call_type, external_id="CANDIDATE", **call_values)

    run = run_sampling(period=PERIOD)

    assert drawn_external_ids() == ({"CANDIDATE"} if qualifies else set())
    (row,) = run.report["rules"][0]["agents"]
    assert (row["calls"], row["candidates"]) == (1, 1 if qualifies else 0)


def test_an_uploaded_recording_counts_as_a_recording(agent, reviewer, call_type, sampling_version):
    SamplingRuleFactory(call_type=call_type)
    call = qualifying_call(agent=agent, call_type=call_type, external_id="FILE", recording_url="")
    call.recording_file.save("file.wav", ContentFile(b"RIFF...."))
    run_sampling(period=PERIOD)
    assert drawn_external_ids() == {"FILE"}


@pytest.mark.parametrize("status", [ScorecardVersion.Status.DRAFT, ScorecardVersion.Status.RETIRED, None])
def test_call_types_without_a_published_scorecard_are_skipped_and_reported(
    agent, reviewer, call_type, status
):
    if status:
        make_published_version(call_type, NO_CRITERIA, status=status)
    SamplingRuleFactory(call_type=call_type)
    qualifying_call(agent=agent, call_type=call_type)

    run = run_sampling(period=PERIOD)

    assert not Assignment.objects.exists()
    (rule,) = run.report["rules"]
    assert (rule["call_type_id"], rule["skipped"], rule["agents"]) == (call_type.pk, SKIPPED_NO_SCORECARD, [])


def test_only_the_rules_call_type_is_drawn(agent, reviewer, call_type, sampling_version):
    SamplingRuleFactory(call_type=call_type, calls_per_agent=5)
    other_type = CallTypeFactory(name="Retention", slug="retention")
    make_published_version(other_type, NO_CRITERIA)  # published, but no rule
    qualifying_call(agent=agent, call_type=call_type, external_id="MINE")
    qualifying_call(agent=agent, call_type=other_type, external_id="OTHER")
    run_sampling(period=PERIOD)
    assert drawn_external_ids() == {"MINE"}


def test_inactive_rules_are_not_applied(agent, reviewer, call_type, sampling_version):
    SamplingRuleFactory(call_type=call_type, is_active=False)
    qualifying_call(agent=agent, call_type=call_type)
    run = run_sampling(period=PERIOD)
    assert run.report["rules"] == []
    assert not Assignment.objects.exists()


def test_calls_without_an_agent_are_not_sampled(reviewer, call_type, sampling_version):
    SamplingRuleFactory(call_type=call_type)
    CallFactory(
        agent=None, call_type=call_type, started_at=at(WEEK_DAY), recording_url="https://x.example/r.mp3"
    )
    run = run_sampling(period=PERIOD)
    assert run.report["rules"][0]["agents"] == []
    assert not Assignment.objects.exists()


def test_assigned_and_evaluated_calls_count_towards_the_quota_and_are_not_drawn_again(
    agent, reviewer, manager, call_type, sampling_version
):
    SamplingRuleFactory(call_type=call_type, calls_per_agent=3)
    assigned = qualifying_call(agent=agent, call_type=call_type, external_id="ASSIGNED")
    Assignment.objects.create(call=assigned, reviewer=reviewer, assigned_by=manager)
    evaluated = qualifying_call(agent=agent, call_type=call_type, external_id="EVALUATED")
    submitted(evaluated, reviewer, {})
    for number in range(3):
        qualifying_call(agent=agent, call_type=call_type, external_id=f"FREE-{number}")

    run = run_sampling(period=PERIOD)

    (row,) = run.report["rules"][0]["agents"]
    assert (row["calls"], row["already_sampled"], row["candidates"], row["picked"]) == (5, 2, 3, 1)
    new = set(run.assignments.values_list("call__external_id", flat=True))
    assert len(new) == 1
    assert new <= {"FREE-0", "FREE-1", "FREE-2"}


def test_a_calibration_evaluation_does_not_count_as_reviewed(
    agent, reviewer, second_reviewer, manager, call_type, sampling_version
):
    SamplingRuleFactory(call_type=call_type, calls_per_agent=1)
    calibration_call = qualifying_call(agent=agent, call_type=call_type, external_id="CALIBRATED")
    session = make_session(calibration_call, manager, [reviewer, second_reviewer])
    calibrated(session, reviewer, {})
    calibration.close_session(session=session, by=manager)

    run_sampling(period=PERIOD)

    assert drawn_external_ids() == {"CALIBRATED"}
    assert Evaluation.objects.regular().count() == 0
