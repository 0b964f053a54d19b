"""The worked cases of issue 3, under both scoring methods."""

from fractions import Fraction

import pytest

from scorecards.scoring.engine import (
    NA,
    TOTAL_POINTS,
    WEIGHTED_SECTIONS,
    CriterionSpec,
    ScorecardSpec,
    SectionSpec,
    score,
)

BOTH = [WEIGHTED_SECTIONS, TOTAL_POINTS]


@pytest.mark.parametrize("method", BOTH)
def test_one_na_and_16_of_20_points_is_80_percent(method):
    spec = ScorecardSpec(
        sections=(
            SectionSpec(
                1, (CriterionSpec(1, 10), CriterionSpec(2, 10), CriterionSpec(3, 10, allows_na=True))
            ),
        ),
        method=method,
    )
    result = score(spec, {1: 8, 2: 8, 3: NA})
    assert result.score == 80
    assert result.passed is False


def _two_sections(critical=""):
    return (
        SectionSpec(1, (CriterionSpec(1, 1, critical=critical), CriterionSpec(2, 1)), weight=40),
        SectionSpec(2, (CriterionSpec(3, 1),), weight=20),
    )


def test_two_sections_total_points_is_60_percent():
    result = score(ScorecardSpec(_two_sections(), method=TOTAL_POINTS), {1: 0, 2: 1, 3: 1})
    assert result.score == 60


def test_two_sections_weighted_sections_is_two_thirds():
    result = score(ScorecardSpec(_two_sections(), method=WEIGHTED_SECTIONS), {1: 0, 2: 1, 3: 1})
    assert result.score == Fraction(200, 3)
    assert round(float(result.score), 1) == 66.7


@pytest.mark.parametrize(("method", "before"), [(WEIGHTED_SECTIONS, Fraction(200, 3)), (TOTAL_POINTS, 60)])
def test_critical_evaluation_scope_gives_zero_and_keeps_score_before(method, before):
    result = score(ScorecardSpec(_two_sections(critical="evaluation"), method=method), {1: 0, 2: 1, 3: 1})
    assert result.score == 0
    assert result.auto_failed and result.auto_fail_scope == "evaluation"
    assert result.score_before_autofail == before
    assert result.passed is False


@pytest.mark.parametrize(("method", "after"), [(WEIGHTED_SECTIONS, Fraction(100, 3)), (TOTAL_POINTS, 20)])
def test_critical_section_scope_zeroes_only_that_section(method, after):
    result = score(ScorecardSpec(_two_sections(critical="section"), method=method), {1: 0, 2: 1, 3: 1})
    assert result.sections[0].auto_failed and result.sections[0].score == 0
    assert result.sections[1].score == 1
    assert result.score == after
    assert result.auto_fail_scope == "section"


@pytest.mark.parametrize("method", BOTH)
def test_all_na_has_no_score(method):
    spec = ScorecardSpec((SectionSpec(1, (CriterionSpec(1, 1, allows_na=True),)),), method=method)
    result = score(spec, {1: NA})
    assert result.score is None and result.passed is None


def test_contributions_add_up_to_the_score():
    result = score(ScorecardSpec(_two_sections()), {1: 0, 2: 1, 3: 1})
    criteria = [c for s in result.sections for c in s.criteria]
    assert sum(c.contribution for c in criteria) == result.score
    assert sum(c.possible_contribution for c in criteria) == 100


def test_points_out_of_range_are_refused():
    with pytest.raises(ValueError, match="outside"):
        score(ScorecardSpec(_two_sections()), {1: 2})


def test_unanswered_criteria_are_reported_and_left_out():
    result = score(ScorecardSpec(_two_sections()), {1: 1})
    assert result.unanswered == [2, 3]
    assert result.score == 100
