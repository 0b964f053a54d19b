"""A small period of QA work with hand-computed figures (see `world`)."""

import pytest

from scorecards.models import Evaluation
from tests.factories import (
    COMPLETE_ANSWERS,
    FULL_MARKS,
    GREETING_MISSED,
    NA,
    CallFactory,
    CallTypeFactory,
    calibrated,
    draft,
    evaluation_of,
    make_published_version,
    make_session,
)

#: "Verified identity" is critical for the whole evaluation: failing it auto-fails the evaluation (score 0).
IDENTITY_MISSED = {**FULL_MARKS, "Verified identity": 0}
#: COMPLETE_ANSWERS with the worst tone: Opening 1, Resolution (2 × 3/4 + 0) ÷ 3 = 0.5 → 70.
TONE_POOR = {**COMPLETE_ANSWERS, "Tone": "Poor"}


@pytest.fixture
def na_version(db):
    """A second scorecard whose one criterion may be N/A: an all-N/A evaluation has no score."""
    return make_published_version(
        CallTypeFactory(name="Retention", slug="retention"),
        sections=[("Only", 1, [("Offer", "yes_no", 1, {"allows_na": True})])],
    )


@pytest.fixture
def world(
    agent, other_agent, reviewer, second_reviewer, manager, lead, other_lead, default_version, na_version
):
    """In the last 30 days, on DEFAULT_SECTIONS (pass mark 85):

    e1  agent (Blue)        by reviewer         FULL_MARKS        100        pass
    e2  agent (Blue)        by reviewer         GREETING_MISSED   86.66667   pass, disputed
    e3  agent (Blue)        by second_reviewer  IDENTITY_MISSED   0          fail, auto-fail
    e4  other_agent (Green) by second_reviewer  COMPLETE_ANSWERS  83.33333   fail ("Offered a callback" N/A)
    e5  other_agent (Green) by reviewer         on na_version, all N/A: no score, not judged

    Never counted: a draft of agent's, an evaluation of 40 days ago, the calibration evaluations.
    Two closed calibration sessions (manager the reference):
      s1: manager GREETING_MISSED 86.667; reviewer FULL_MARKS +13.333; second_reviewer COMPLETE −3.333
      s2: manager COMPLETE 83.333;        reviewer FULL_MARKS +16.667; second_reviewer TONE_POOR (70) −13.333
      → reviewer +15 (lenient, flagged), second_reviewer −8.333 (harsh, flagged), 2 sessions each.
    And an open session (the reference has not scored): no drift from it.
    """
    call_type = default_version.scorecard.call_type
    e1 = evaluation_of(agent, version=default_version, reviewer=reviewer, answers=FULL_MARKS, days_ago=5)
    e2 = evaluation_of(
        agent,
        version=default_version,
        reviewer=reviewer,
        answers=GREETING_MISSED,
        days_ago=4,
        status=Evaluation.Status.DISPUTED,
    )
    e3 = evaluation_of(
        agent, version=default_version, reviewer=second_reviewer, answers=IDENTITY_MISSED, days_ago=3
    )
    e4 = evaluation_of(
        other_agent, version=default_version, reviewer=second_reviewer, answers=COMPLETE_ANSWERS, days_ago=2
    )
    e5 = evaluation_of(other_agent, version=na_version, reviewer=reviewer, answers={"Offer": NA}, days_ago=1)
    old = evaluation_of(
        agent, version=default_version, reviewer=reviewer, answers=IDENTITY_MISSED, days_ago=40
    )
    a_draft = draft(CallFactory(agent=agent, call_type=call_type), reviewer, IDENTITY_MISSED)
    sessions = []
    for reference, theirs, second in (
        (GREETING_MISSED, FULL_MARKS, COMPLETE_ANSWERS),
        (COMPLETE_ANSWERS, FULL_MARKS, TONE_POOR),
    ):
        session = make_session(
            CallFactory(agent=agent, call_type=call_type), manager, [reviewer, second_reviewer]
        )
        calibrated(session, reviewer, theirs)
        calibrated(session, second_reviewer, second)
        calibrated(session, manager, reference)  # the last one: the session closes
        session.refresh_from_db()
        assert session.is_closed
        sessions.append(session)
    open_session = make_session(
        CallFactory(agent=agent, call_type=call_type), manager, [reviewer, second_reviewer]
    )
    calibrated(open_session, reviewer, IDENTITY_MISSED)
    return {
        "e1": e1,
        "e2": e2,
        "e3": e3,
        "e4": e4,
        "e5": e5,
        "old": old,
        "draft": a_draft,
        "sessions": sessions,
        "open_session": open_session,
    }
