"""Calibration sessions for tests: a 4-criterion scorecard, reviewers, sessions and their evaluations.

Import into a test module the fixtures it needs: `version_fixture` (fixture "version"), `reviewers_fixture` ("reviewers"), `session_fixture` ("session").
"""

import pytest

from scorecards.calibration import services as calibration
from scorecards.evaluations.services import submit_evaluation
from scorecards.models import CalibrationSession, Evaluation
from tests.factories import UserFactory
from tests.scorecards.builder_helpers import make_published_version
from tests.scorecards.evaluation_helpers import NA, draft

__all__ = [
    "FOUR_CRITERIA",
    "KNOWN_ANSWERS",
    "NA",
    "calibrate",
    "make_reviewers",
    "make_session",
    "publish_four_criteria",
]

#: One section, four criteria of weight 1: a criterion's share of the score is its fraction ÷ 4.
FOUR_CRITERIA = [
    (
        "Call",
        1,
        [
            ("Greeting", "yes_no", 1, {}),
            ("Diagnosis", "scale", 1, {"scale_max": 4}),
            ("Tone", "choice", 1, {"options": [("Poor", 0), ("Good", 2), ("Excellent", 3)]}),
            ("Callback", "yes_no", 1, {"allows_na": True}),
        ],
    )
]

#: The known data set: the reference (the manager) and three reviewers on FOUR_CRITERIA.
#:                 Greeting  Diagnosis   Tone          Callback   fractions               score
#:   reference     yes       4/4         Excellent 3   yes        1, 1, 1, 1              100
#:   r1            yes       3/4         Good 2        yes        1, .75, 2/3, 1          85.41667
#:   r2            no        4/4         Excellent 3   N/A        0, 1, 1, —              66.66667
#:   r3            yes       2/4         Good 2        no         1, .5, 2/3, 0           54.16667
KNOWN_ANSWERS = {
    "reference": {"Greeting": 1, "Diagnosis": 4, "Tone": "Excellent", "Callback": 1},
    "r1": {"Greeting": 1, "Diagnosis": 3, "Tone": "Good", "Callback": 1},
    "r2": {"Greeting": 0, "Diagnosis": 4, "Tone": "Excellent", "Callback": NA},
    "r3": {"Greeting": 1, "Diagnosis": 2, "Tone": "Good", "Callback": 0},
}


def publish_four_criteria(call_type):
    return make_published_version(call_type, FOUR_CRITERIA)


def make_reviewers(count: int, *, prefix: str = "rev") -> list:
    """`count` QA reviewers named so that they sort in creation order (the results' column order)."""
    return [
        UserFactory(
            username=f"{prefix}{n}", first_name="Reviewer", last_name=f"{prefix}{n:02d}", is_reviewer=True
        )
        for n in range(1, count + 1)
    ]


def make_session(call, manager, reviewers, **kwargs) -> CalibrationSession:
    return calibration.create_session(call=call, reviewers=reviewers, created_by=manager, **kwargs)


def calibrate(
    session: CalibrationSession,
    reviewer,
    answers: dict,
    *,
    submit: bool = True,
    strengths: str = "Friendly tone.",
) -> Evaluation:
    """`reviewer`'s calibration evaluation in `session`, answers by criterion title; submitted unless told."""
    evaluation = draft(session.call, reviewer, answers, calibration_session=session, strengths=strengths)
    if submit:
        submit_evaluation(evaluation=evaluation, by=reviewer)
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture(name="version")
def version_fixture(call_type):
    """The call type's published 4-criterion scorecard."""
    return publish_four_criteria(call_type)


@pytest.fixture(name="reviewers")
def reviewers_fixture(db):
    return make_reviewers(3)


@pytest.fixture(name="session")
def session_fixture(call, manager, reviewers, version):
    """An open session on `call`: `manager` is the reference, the three `reviewers` take part."""
    return make_session(call, manager, reviewers, title="Week 12 calibration")
