"""Versioning: evaluations keep the version they were scored on; publishing new weights changes no score."""

from decimal import Decimal

import pytest

from scorecards.builder import services as builder
from scorecards.scoring import engine as scoring
from scorecards.scoring.spec import build_spec
from tests.factories import CallFactory, make_published_version, submitted

pytestmark = pytest.mark.django_db


#: The same answers on every version: v2 weighs them differently.
ANSWERS = {"Greeting": 1, "Verified": 0, "Diagnosis": 2, "Tone": "Warm"}


@pytest.mark.parametrize("method", ["weighted_sections", "total_points"])
def test_old_scores_do_not_change_when_a_new_version_is_published(
    call_type, agent, reviewer, manager, method
):
    v1 = make_published_version(
        call_type,
        sections=[
            ("Opening", 40, [("Greeting", "yes_no", 1, {}), ("Verified", "yes_no", 1, {})]),
            (
                "Resolution",
                60,
                [
                    ("Diagnosis", "scale", 1, {"scale_max": 4}),
                    ("Tone", "choice", 1, {"options": [("Cold", 0), ("Warm", 3)]}),
                ],
            ),
        ],
        method=method,
    )
    evaluation = submitted(CallFactory(agent=agent, call_type=call_type), reviewer, ANSWERS)
    assert evaluation.version_id == v1.pk
    v1_score = evaluation.score
    assert v1_score is not None and evaluation.passed is False

    v2 = builder.start_draft(scorecard=v1.scorecard, by=manager)
    opening = v2.sections.get(title="Opening")
    builder.update_section(section=opening, title="Opening", weight=Decimal(10))
    verified = opening.criteria.get(title="Verified")
    builder.update_criterion(criterion=verified, title="Verified", kind="yes_no", weight=Decimal(5))
    builder.update_version_settings(version=v2, scoring_method=method, pass_mark=Decimal(50))
    builder.publish(version=v2, by=manager, notes="Verification weighs more; Opening less")

    evaluation.refresh_from_db()
    v1.refresh_from_db()
    assert (evaluation.version_id, evaluation.score, evaluation.passed) == (v1.pk, v1_score, False)
    assert v1.status == "retired"
    # v1 itself is untouched: scoring the stored answers on it again gives the stored score.
    stored = dict(evaluation.answers.values_list("criterion_id", "points"))
    again = scoring.score(build_spec(v1), stored)
    assert again.as_decimal(again.score) == v1_score
    # The same call scored on v2 would differ: the versions really do weigh things differently.
    new = submitted(CallFactory(agent=agent, call_type=call_type), reviewer, ANSWERS)
    assert new.score != v1_score
    assert new.version_id == v2.pk
