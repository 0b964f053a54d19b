"""What the tests build, one module per part of the domain; import from here.

people       teams, users, agents, a set of QA reviewers
calls        calls, call types, survey responses, escalations
scorecards   scorecard versions from a compact description, the shared shapes, criteria by title, sampling rules
coaching     coaching sessions booked through the service, or as rows in any state; action items
evaluations  drafts, submissions, evaluations with a chosen score or date, calibration sessions and their
             evaluations, all built through the services
"""

from tests.factories.calls import CallFactory, CallTypeFactory, EscalationFactory, SurveyResponseFactory
from tests.factories.coaching import action_item, book, coaching_session, when
from tests.factories.evaluations import (
    COMPLETE_ANSWERS,
    FULL_MARKS,
    GREETING_MISSED,
    NA,
    answers_by_id,
    calibrated,
    draft,
    evaluation_of,
    make_session,
    pin,
    submitted,
)
from tests.factories.people import AgentFactory, TeamFactory, UserFactory, make_reviewers
from tests.factories.scorecards import (
    DEFAULT_SECTIONS,
    FOUR_CRITERIA,
    NO_CRITERIA,
    TEN_POINT_CRITERIA,
    SamplingRuleFactory,
    criteria_of,
    criterion,
    make_published_version,
    many_criteria,
    two_sections,
)

__all__ = [
    "COMPLETE_ANSWERS",
    "DEFAULT_SECTIONS",
    "FOUR_CRITERIA",
    "FULL_MARKS",
    "GREETING_MISSED",
    "NA",
    "NO_CRITERIA",
    "TEN_POINT_CRITERIA",
    "AgentFactory",
    "CallFactory",
    "CallTypeFactory",
    "EscalationFactory",
    "SamplingRuleFactory",
    "SurveyResponseFactory",
    "TeamFactory",
    "UserFactory",
    "action_item",
    "answers_by_id",
    "book",
    "calibrated",
    "coaching_session",
    "criteria_of",
    "criterion",
    "draft",
    "evaluation_of",
    "make_published_version",
    "make_reviewers",
    "make_session",
    "many_criteria",
    "pin",
    "submitted",
    "two_sections",
    "when",
]
