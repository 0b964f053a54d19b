"""Each escalation checked against the matrix: destination, follow-up deadline and status, repeats."""

from datetime import datetime, timedelta

import pytest

from calls.models import Escalation
from qa_center.kpis.escalations.conformance import FollowUp, checked, matrix_rules
from tests.factories import CallFactory, EscalationFactory
from tests.kpis.escalations.helpers import FUNCTIONAL, HIERARCHICAL, PRIORITY
from tests.kpis.helpers import RIGA

pytestmark = pytest.mark.django_db

ESCALATED = datetime(2026, 3, 10, 10, 0, tzinfo=RIGA)
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=RIGA)
PERIOD = (datetime(2026, 3, 1, tzinfo=RIGA), datetime(2026, 4, 1, tzinfo=RIGA))


def check(escalation, *, period=None) -> Escalation:
    return checked(
        Escalation.objects.filter(pk=escalation.pk), rules=matrix_rules(), now=NOW, period=period
    ).get()


def escalate(type=HIERARCHICAL, reason="Wants a supervisor", to_level="Team lead", call=None, **fields):
    call = call or CallFactory(started_at=ESCALATED - timedelta(minutes=5))
    return EscalationFactory(
        call=call, type=type, reason=reason, to_level=to_level, escalated_at=ESCALATED, **fields
    )


# --- Destination ---------------------------------------------------------------------------------------------


def test_the_right_level_is_as_the_matrix_says(matrix):
    row = check(escalate(to_level="Team lead"))
    assert row.matrix_rule == matrix[1]["any"].pk
    assert row.follows_matrix is True


def test_the_level_is_compared_without_regard_to_case_or_spaces(matrix):
    assert check(escalate(to_level="  team LEAD ")).follows_matrix is True
    assert check(escalate(to_level="TeamLead")).follows_matrix is True


def test_a_wrong_level_is_not_as_the_matrix_says(matrix):
    row = check(escalate(to_level="Senior agent"))
    assert row.matrix_rule == matrix[1]["any"].pk
    assert row.follows_matrix is False


def test_the_rule_of_the_reason_wins_over_the_types_any_reason_rule(matrix):
    to_lead = check(escalate(reason="legal THREAT", to_level="Team lead"))
    assert to_lead.matrix_rule == matrix[1]["legal"].pk
    assert to_lead.follows_matrix is False
    assert check(escalate(reason="Legal threat", to_level="Manager")).follows_matrix is True


def test_a_functional_escalation_goes_to_its_department(matrix):
    assert check(escalate(type=FUNCTIONAL, reason="Billing error", to_level="billing")).follows_matrix is True
    wrong = check(escalate(type=FUNCTIONAL, reason="Billing error", to_level="Technical"))
    assert (wrong.matrix_rule, wrong.follows_matrix) == (matrix[1]["billing"].pk, False)


def test_an_escalation_no_rule_matches_is_not_in_the_matrix(matrix):
    no_type = check(escalate(type=PRIORITY, to_level="Manager"))
    no_reason = check(escalate(type=FUNCTIONAL, reason="Something else", to_level="Billing"))
    for row in (no_type, no_reason):
        assert row.matrix_rule is None
        assert row.follows_matrix is False


def test_with_no_matrix_nothing_is_in_it():
    row = check(escalate())
    assert row.matrix_rule is None
    assert row.followup_status == FollowUp.NO_DEADLINE


# --- Follow-up -----------------------------------------------------------------------------------------------


def test_follow_up_done_within_the_rules_hours_is_on_time(matrix):
    row = check(escalate(followup_done_at=ESCALATED + timedelta(hours=24)))
    assert row.followup_deadline == ESCALATED + timedelta(hours=24)
    assert row.followup_status == FollowUp.ON_TIME


def test_follow_up_done_after_the_rules_hours_is_late(matrix):
    row = check(escalate(followup_done_at=ESCALATED + timedelta(hours=24, minutes=1)))
    assert row.followup_status == FollowUp.LATE


def test_the_matrix_deadline_wins_over_the_recorded_due_date(matrix):
    # Legal threat: 4 hours, whatever the sending system wrote.
    row = check(
        escalate(
            reason="Legal threat",
            to_level="Manager",
            followup_due_at=ESCALATED + timedelta(days=2),
            followup_done_at=ESCALATED + timedelta(hours=5),
        )
    )
    assert row.followup_status == FollowUp.LATE


def test_a_missing_follow_up_past_its_deadline_is_overdue(matrix):
    assert check(escalate()).followup_status == FollowUp.OVERDUE


def test_a_follow_up_not_due_yet_is_pending(matrix):
    call = CallFactory(started_at=NOW - timedelta(hours=1))
    row = check(EscalationFactory(call=call, type=HIERARCHICAL, to_level="Team lead", escalated_at=NOW))
    assert row.followup_status == FollowUp.PENDING


def test_outside_the_matrix_the_recorded_due_date_is_the_deadline(matrix):
    due = ESCALATED + timedelta(hours=2)
    on_time = check(escalate(type=PRIORITY, followup_due_at=due, followup_done_at=due))
    overdue = check(escalate(type=PRIORITY, followup_due_at=due))
    assert (on_time.followup_status, overdue.followup_status) == (FollowUp.ON_TIME, FollowUp.OVERDUE)
    assert check(escalate(type=PRIORITY)).followup_status == FollowUp.NO_DEADLINE


# --- Repeats -------------------------------------------------------------------------------------------------


def test_a_second_escalation_of_the_same_case_is_a_repeat(matrix):
    first_call = CallFactory(case_id="CASE-9", started_at=ESCALATED - timedelta(hours=1))
    second_call = CallFactory(case_id="CASE-9", started_at=ESCALATED + timedelta(hours=1))
    first = escalate(call=first_call)
    second = EscalationFactory(call=second_call, escalated_at=ESCALATED + timedelta(hours=1))
    assert check(first, period=PERIOD).is_repeat is False
    assert check(second, period=PERIOD).is_repeat is True


def test_escalating_one_call_twice_is_not_a_repeat(matrix):
    call = CallFactory(case_id="CASE-9", started_at=ESCALATED - timedelta(hours=1))
    escalate(call=call, to_level="Senior agent")
    again = EscalationFactory(call=call, to_level="Team lead", escalated_at=ESCALATED + timedelta(minutes=10))
    assert check(again, period=PERIOD).is_repeat is False


def test_other_cases_calls_without_a_case_and_earlier_periods_are_no_repeats(matrix):
    escalate(call=CallFactory(case_id="CASE-1", started_at=ESCALATED - timedelta(hours=1)))
    other_case = escalate(call=CallFactory(case_id="CASE-2", started_at=ESCALATED))
    escalate(call=CallFactory(case_id="", started_at=ESCALATED - timedelta(hours=1)))
    no_case = EscalationFactory(
        call=CallFactory(case_id="", started_at=ESCALATED), escalated_at=ESCALATED + timedelta(hours=1)
    )
    february = CallFactory(case_id="CASE-3", started_at=datetime(2026, 2, 27, tzinfo=RIGA))
    EscalationFactory(call=february, escalated_at=datetime(2026, 2, 27, 1, tzinfo=RIGA))
    march = escalate(call=CallFactory(case_id="CASE-3", started_at=ESCALATED))
    for row in (other_case, no_case, march):
        assert check(row, period=PERIOD).is_repeat is False
