"""Cases (resolution, FCR, treatment time), survey answers (NPS, CSAT) and QA figures on hand-computed fixtures."""

from datetime import timedelta

import pytest

from calls.selectors import resolution_rate
from scorecards.models import Evaluation
from tests.factories import (
    COMPLETE_ANSWERS,
    CallFactory,
    SurveyResponseFactory,
    UserFactory,
    calibrated,
    evaluation_of,
    make_published_version,
    make_session,
)
from tests.kpis.helpers import DAY, at, compute, figures, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _riga(settings):
    settings.TIME_ZONE = "Europe/Riga"


def contact(agent, call_type, when, case_id, **values):
    return CallFactory(agent=agent, call_type=call_type, started_at=when, case_id=case_id, **values)


# --- Cases ---------------------------------------------------------------------------------------------------


def test_a_repeat_contact_inside_seven_days_is_not_first_contact_resolution(agent, call_type):
    contact(agent, call_type, at(DAY, 10), "A")
    contact(agent, call_type, at(DAY, 10) + timedelta(days=6, hours=23), "A")  # inside the window
    contact(agent, call_type, at(DAY, 11), "B")
    contact(agent, call_type, at(DAY, 11) + timedelta(days=7, minutes=1), "B")  # outside it
    compute()
    row = snapshot()
    assert (row.cases, row.resolved_cases, row.fcr_cases) == (2, 2, 1)
    assert figures()["fcr_rate"] == 50.0 and figures()["resolution_rate"] == 100.0
    # The later contacts (both a week later) open no case of their own on their day.
    later = snapshot(start=DAY + timedelta(days=7))
    assert (later.calls, later.cases) == (2, 0)


def test_a_case_with_several_contacts_is_received_and_resolved_once(agent, other_agent, call_type):
    contact(agent, call_type, at(DAY, 9), "C", answered=False, resolved=None)  # abandoned first contact
    contact(other_agent, call_type, at(DAY, 12), "C", resolved=True)
    contact(other_agent, call_type, at(DAY + timedelta(days=1), 9), "C", resolved=True)
    contact(agent, call_type, at(DAY, 15), "", resolved=True)  # its own case, resolved on its only contact
    contact(agent, call_type, at(DAY, 16), "", answered=True, resolved=False)
    compute()
    row = snapshot()
    assert (row.cases, row.resolved_cases, row.fcr_cases) == (3, 2, 1)
    # The case counts for the agent of its first contact, not for the one who resolved it.
    assert (snapshot("agent", agent.pk).cases, snapshot("agent", agent.pk).resolved_cases) == (3, 2)
    assert snapshot("agent", other_agent.pk).cases == 0
    # The call pages' resolution rate counts the same way.
    assert resolution_rate(calls=CallFactory._meta.model.objects.all()).cases == 3


def test_contacts_started_at_the_same_instant_open_the_case_in_id_order(agent, other_agent, call_type):
    first = contact(agent, call_type, at(DAY, 10), "T", resolved=True)
    tied = contact(other_agent, call_type, at(DAY, 10), "T", resolved=False)  # same instant, higher id
    assert tied.pk > first.pk
    contact(other_agent, call_type, at(DAY, 8), "", resolved=True)  # its own case, earlier that day
    compute()
    row = snapshot()
    # Every call counts once (a first contact or a later one), each case once; the tie is a repeat contact.
    assert (row.calls, row.answered_calls, row.cases, row.resolved_cases, row.fcr_cases) == (3, 3, 2, 2, 1)
    mine, theirs = snapshot("agent", agent.pk), snapshot("agent", other_agent.pk)
    assert (mine.calls, mine.cases, mine.fcr_cases) == (1, 1, 0)
    assert (theirs.calls, theirs.cases, theirs.fcr_cases) == (2, 1, 1)


def test_treatment_time_runs_from_the_first_contact_to_the_resolution(agent, call_type):
    opened = at(DAY, 10)
    contact(agent, call_type, opened, "T", resolved=True, resolved_at=opened + timedelta(hours=2))
    contact(
        agent,
        call_type,
        opened + timedelta(hours=1),
        "T",
        resolved=True,
        resolved_at=opened + timedelta(hours=2),
    )
    contact(agent, call_type, at(DAY, 12), "", resolved=True, resolved_at=at(DAY, 12, 30))
    contact(agent, call_type, at(DAY, 13), "", resolved=True, resolved_at=None)  # when: unknown
    contact(agent, call_type, at(DAY, 14), "", answered=True, resolved=False)
    compute()
    row = snapshot()
    assert row.treatments == 2
    assert figures()["average_treatment_time"] == pytest.approx((7200 + 1800) / 2)


# --- Survey answers ------------------------------------------------------------------------------------------


def test_nps_and_csat_bands_and_means(agent, call_type):
    for nps, csat in ((10, 5), (9, 4), (8, 3), (6, 1), (0, None), (None, 2)):
        SurveyResponseFactory(
            call=CallFactory(agent=agent, call_type=call_type, started_at=at(DAY, 9)), nps=nps, csat=csat
        )
    compute()
    row = snapshot()
    assert (row.nps_answers, row.promoters, row.passives, row.detractors) == (5, 2, 1, 2)
    values = figures()
    assert values["nps"] == 0.0  # 40 % − 40 %
    assert (values["promoter_share"], values["passive_share"], values["detractor_share"]) == (
        40.0,
        20.0,
        40.0,
    )
    assert values["csat"] == 40.0  # 5 and 4 of five answers
    assert values["csat_mean"] == 3.0  # (5 + 4 + 3 + 1 + 2) / 5


def test_survey_answers_without_a_call_count_at_center_level_only(agent, call_type):
    SurveyResponseFactory(call=CallFactory(agent=agent, call_type=call_type, started_at=at(DAY, 9)), nps=10)
    SurveyResponseFactory(call=None, responded_at=at(DAY, 10), nps=0, csat=1)
    compute()
    assert snapshot().nps_answers == 2 and figures()["nps"] == 0.0
    for scope_kind, scope_id in (("agent", agent.pk), ("team", agent.team_id), ("call_type", call_type.pk)):
        assert snapshot(scope_kind, scope_id).nps_answers == 1
        assert figures(scope_kind, scope_id)["nps"] == 100.0
        assert figures(scope_kind, scope_id)["csat"] == 100.0  # the factory's 5; the unlinked 1 is not theirs


# --- QA -------------------------------------------------------------------------------------------------------


@pytest.fixture
def version(call_type):
    return make_published_version(call_type)  # pass mark 85


def _evaluated(agent, version, score, **kwargs):
    return evaluation_of(agent, version=version, score=score, submitted_at=at(DAY, 15), **kwargs)


def test_qa_score_pass_auto_fail_and_dispute_rates(agent, version, manager):
    _evaluated(agent, version, 90)
    _evaluated(agent, version, 80, status=Evaluation.Status.DISPUTED)
    _evaluated(agent, version, 100, status=Evaluation.Status.RESOLVED, manager=manager)
    failed = _evaluated(agent, version, 70)
    Evaluation.objects.filter(pk=failed.pk).update(score=0, auto_failed=True, passed=False)
    no_score = _evaluated(agent, version, 90)
    Evaluation.objects.filter(pk=no_score.pk).update(score=None, passed=None)  # every criterion N/A
    evaluation_of(agent, version=version, status=Evaluation.Status.DRAFT)  # a draft counts nowhere
    compute()
    values = figures("agent", agent.pk)
    assert snapshot("agent", agent.pk).evaluations == 5
    assert values["qa_score"] == pytest.approx((90 + 80 + 100 + 0) / 4)
    assert values["pass_rate"] == 50.0  # 90 and 100 of four scored
    assert values["auto_fail_rate"] == 20.0
    assert values["dispute_rate"] == 40.0  # disputed, and disputed then resolved


def test_calibration_evaluations_are_excluded(agent, version, manager, call_type):
    regular = _evaluated(agent, version, 90)
    reviewers = [UserFactory(username=f"calibrator{n}", is_reviewer=True) for n in range(2)]
    session = make_session(regular.call, manager, reviewers)
    for reviewer in reviewers:
        calibrated(session, reviewer, COMPLETE_ANSWERS)
    Evaluation.objects.filter(calibration_session=session).update(submitted_at=at(DAY, 16))
    assert Evaluation.objects.filter(calibration_session=session).count() == 2
    compute()
    assert snapshot("agent", agent.pk).evaluations == 1
    assert figures("agent", agent.pk)["qa_score"] == 90.0
