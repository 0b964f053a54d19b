"""The score explainer on issue 3's worked cases: its numbers (scoring.explain.explain_score) and what it renders."""

from fractions import Fraction

import pytest
from django.template.loader import render_to_string

from scorecards.evaluations.services import evaluation_score, points_of
from scorecards.scoring.explain import explain_score
from scorecards.scoring.spec import criteria_by_id, version_outline
from tests.factories import (
    NA,
    TEN_POINT_CRITERIA,
    answers_by_id,
    make_published_version,
    submitted,
    two_sections,
)

pytestmark = pytest.mark.django_db

BOTH = ["weighted_sections", "total_points"]
WORKED = {"One": 0, "Two": 1, "Three": 1}  # the first section earns 1 of 2 points, the second 1 of 1


def explain(version, answers):
    outline = version_outline(version)
    values = points_of(criteria_by_id(outline), answers_by_id(version, answers))
    return explain_score(evaluation_score(version, values), outline)


def render(explanation) -> str:
    return render_to_string("scorecards/evaluations/_explainer.html", {"explanation": explanation})


def rows(explanation):
    """criterion title → (status, fraction %, contribution, possible contribution)."""
    return {
        c.title: (c.status, c.fraction, c.contribution, c.possible_contribution)
        for section in explanation.sections
        for c in section.criteria
    }


@pytest.mark.parametrize("method", BOTH)
def test_one_na_and_16_of_20_points(call_type, method):
    version = make_published_version(call_type, TEN_POINT_CRITERIA, method=method)
    explanation = explain(version, {"A": 8, "B": 8, "C": NA})
    assert explanation.score == 80 and explanation.passed is False
    assert rows(explanation) == {
        "A": ("answered", 80, 40, 50),
        "B": ("answered", 80, 40, 50),
        "C": ("na", None, 0, 0),
    }
    (section,) = explanation.sections
    assert (section.score, section.share, section.contribution) == (80, 100, 80)
    html = render(explanation)
    assert "<del>C</del>" in html and "N/A: excluded" in html
    assert "8 / 10" in html and "80.00%" in html and "40.00" in html
    assert "Score 80.00%" in html and "Fail" in html and "Pass mark 85%" in html


def test_two_sections_weighted_sections(call_type):
    version = make_published_version(call_type, two_sections(), method="weighted_sections")
    explanation = explain(version, WORKED)
    assert explanation.score == Fraction(200, 3)
    first, second = explanation.sections
    # Section shares are the section weights over their sum: 40 ÷ 60 and 20 ÷ 60.
    assert (first.share, first.score, first.contribution) == (Fraction(200, 3), 50, Fraction(100, 3))
    assert (second.share, second.score, second.contribution) == (Fraction(100, 3), 100, Fraction(100, 3))
    assert rows(explanation) == {
        "One": ("answered", 0, 0, Fraction(100, 3)),
        "Two": ("answered", 100, Fraction(100, 3), Fraction(100, 3)),
        "Three": ("answered", 100, Fraction(100, 3), Fraction(100, 3)),
    }
    html = render(explanation)
    assert "Weighted sections" in html and "Σ(section weight × section score) ÷ Σ(section weight)" in html
    assert "weighs 66.7% of the score" in html and "weighs 33.3% of the score" in html
    assert "Score 66.67%" in html


def test_two_sections_total_points(call_type):
    version = make_published_version(call_type, two_sections(), method="total_points")
    explanation = explain(version, WORKED)
    # (1 × 40 + 1 × 20) ÷ (2 × 40 + 1 × 20) = 60%.
    assert explanation.score == 60
    first, second = explanation.sections
    assert (first.share, first.contribution) == (80, 40)
    assert (second.share, second.contribution) == (20, 20)
    assert rows(explanation)["Two"] == ("answered", 100, 40, 40)
    html = render(explanation)
    assert "Total points" in html and "Σ(points earned × weight) ÷ Σ(maximum points × weight)" in html
    assert "weighs 80.0% of the score" in html and "Score 60.00%" in html


@pytest.mark.parametrize(
    ("method", "before"), [("weighted_sections", Fraction(200, 3)), ("total_points", 60)]
)
def test_critical_evaluation_scope(call_type, method, before):
    version = make_published_version(call_type, two_sections(critical="evaluation"), method=method)
    explanation = explain(version, WORKED)
    assert explanation.score == 0 and explanation.auto_failed and explanation.auto_fail_scope == "evaluation"
    assert explanation.score_before_autofail == before
    assert [c.title for c in explanation.failed_criteria] == ["One"]
    html = render(explanation)
    assert "The critical criterion “One” earned no points: the whole evaluation is set to 0." in html
    assert f"Without the auto-fail the score would have been {float(before):.2f}%." in html
    assert "Score 0.00%" in html


@pytest.mark.parametrize(
    ("method", "after", "before"),
    [("weighted_sections", Fraction(100, 3), Fraction(200, 3)), ("total_points", 20, 60)],
)
def test_critical_section_scope(call_type, method, after, before):
    version = make_published_version(call_type, two_sections(critical="section"), method=method)
    explanation = explain(version, WORKED)
    assert explanation.score == after and explanation.score_before_autofail == before
    first, second = explanation.sections
    assert first.auto_failed and first.score == 0 and first.score_before_autofail == 50
    assert not second.auto_failed and second.score == 100
    html = render(explanation)
    assert "its section is set to 0" in html and "auto-failed: set to 0" in html
    assert f"Score {float(after):.2f}%" in html


def test_all_na_has_no_score(call_type):
    version = make_published_version(call_type, [("S", 1, [("Maybe", "yes_no", 1, {"allows_na": True})])])
    explanation = explain(version, {"Maybe": NA})
    assert explanation.score is None and explanation.passed is None
    assert "No score: no criterion applies." in render(explanation)


def test_the_evaluation_page_explains_the_stored_score(client, call, reviewer):
    make_published_version(call.call_type, two_sections(critical="section"))
    evaluation = submitted(call, reviewer, WORKED)
    client.force_login(reviewer)
    explanation = client.get(evaluation.get_absolute_url()).context["explanation"]
    assert round(explanation.score, 5) == evaluation.score
    assert round(explanation.score_before_autofail, 5) == evaluation.score_before_autofail


def test_scores_are_shown_to_two_decimals(call_type):
    """Issue 8: 2 of 3 is 66.67% in the explainer, not 66.7% (lists keep one decimal)."""
    version = make_published_version(
        call_type, [("S", 1, [("A", "yes_no", 1, {}), ("B", "yes_no", 1, {}), ("C", "yes_no", 1, {})])]
    )
    html = render(explain(version, {"A": 1, "B": 1, "C": 0}))
    assert "Score 66.67%" in html and "66.7%" not in html.replace("66.67%", "")
