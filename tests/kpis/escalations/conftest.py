from datetime import date, timedelta

import pytest

from tests.factories import CallFactory, EscalationFactory
from tests.kpis.escalations.helpers import (
    DAY,
    FUNCTIONAL,
    PRIORITY,
    escalated_call,
    local,
    make_matrix,
)


@pytest.fixture
def matrix(db):
    return make_matrix()


@pytest.fixture
def march(matrix, agent, other_agent):
    """Team Blue (agent): 4 answered calls, 3 escalated: one as the matrix says and followed up on time, one to
    the wrong level and followed up late, one functional to its department and not followed up (overdue),
    which is also a repeat on the first one's case. Team Green (other_agent): 2 answered calls, one escalated
    outside the matrix. Topics: the first and the billing one "Billing dispute", the wrong one "Router
    setup", the others none. Left out of the figures: an abandoned call's escalation and an April call's."""
    right = escalated_call(agent, case_id="CASE-1", topic="Billing dispute")
    right.followup_done_at = local(DAY, 20)
    right.save(update_fields=["followup_done_at"])
    wrong = escalated_call(agent, to_level="Senior agent", case_id="CASE-2", topic="Router setup")
    wrong.followup_done_at = local(DAY + timedelta(days=2))
    wrong.save(update_fields=["followup_done_at"])
    billing = escalated_call(
        agent,
        type=FUNCTIONAL,
        reason="Billing error",
        to_level="Billing",
        case_id="CASE-1",
        topic="Billing dispute",
    )
    CallFactory(agent=agent, started_at=local(DAY))
    vip = escalated_call(other_agent, type=PRIORITY, reason="VIP", to_level="Manager")
    CallFactory(agent=other_agent, started_at=local(DAY))
    abandoned = escalated_call(agent, answered=False)
    april = CallFactory(agent=agent, started_at=local(date(2026, 4, 2)))
    EscalationFactory(call=april, to_level="Team lead", escalated_at=local(date(2026, 4, 2), 11))
    return {"right": right, "wrong": wrong, "billing": billing, "vip": vip, "abandoned": abandoned}
