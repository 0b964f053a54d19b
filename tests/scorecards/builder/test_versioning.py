"""Versioning: evaluations keep the version they were scored on; publishing new weights changes no score."""

from decimal import Decimal

import pytest

from scorecards.builder import services as builder
from scorecards.models import Answer, Criterion, Evaluation
from scorecards.scoring import engine as scoring
from scorecards.scoring.spec import build_spec
from tests.factories import CallFactory
from tests.scorecards.builder_helpers import make_published_version

pytestmark = pytest.mark.django_db


POINTS_BY_TITLE = {"Greeting": 1, "Verified": 0, "Diagnosis": 2, "Tone": 3}


def evaluate(*, version, call, reviewer) -> Evaluation:
    """A submitted evaluation scored the way the evaluation form does: build_spec + scoring.score."""
    criteria = {c.title: c for c in Criterion.objects.filter(section__version=version)}
    answers = {criteria[title].pk: points for title, points in POINTS_BY_TITLE.items()}
    result = scoring.score(build_spec(version), answers)
    evaluation = Evaluation.objects.create(
        call=call,
        agent=call.agent,
        version=version,
        reviewer=reviewer,
        status=Evaluation.Status.SUBMITTED,
        score=result.as_decimal(result.score),
        score_before_autofail=result.as_decimal(result.score_before_autofail),
        auto_failed=result.auto_failed,
        passed=result.passed,
    )
    Answer.objects.bulk_create(
        Answer(evaluation=evaluation, criterion=criteria[title], value=points, points=points)
        for title, points in POINTS_BY_TITLE.items()
    )
    return evaluation


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
    evaluation = evaluate(version=v1, call=CallFactory(agent=agent, call_type=call_type), reviewer=reviewer)
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
    new = evaluate(version=v2, call=CallFactory(agent=agent, call_type=call_type), reviewer=reviewer)
    assert new.score != v1_score
    assert new.version_id == v2.pk
