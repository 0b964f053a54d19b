"""Properties of the scoring engine over random scorecards and answers, under both methods (hypothesis).

The worked cases pin the arithmetic; these pin the promises that make a score fair whatever the scorecard:
it stays within 0..100, N/A takes a criterion out without reshuffling the others, weights are relative,
a better answer never scores worse, and nothing applicable means no score.
"""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

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

# Weights as the builder stores them (2-place decimals) and as callers may pass them (ints, fractions).
weights = st.one_of(
    st.integers(1, 50),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
    st.fractions(min_value=Fraction(1, 10), max_value=Fraction(10), max_denominator=12),
)
factors = st.one_of(st.integers(2, 1000), st.fractions(min_value=Fraction(1, 100), max_value=Fraction(100)))


@st.composite
def scorecards(draw, method: str, critical: bool = True) -> ScorecardSpec:
    """1–4 sections of 1–5 criteria with random maxima, weights, N/A and (optionally) critical flags."""
    ids = itertools.count(1)
    critical_scopes = ["", "", "", "section", "evaluation"] if critical else [""]
    sections = tuple(
        SectionSpec(
            id=section_id,
            weight=draw(weights),
            criteria=tuple(
                CriterionSpec(
                    id=next(ids),
                    max_points=draw(st.integers(1, 10)),
                    weight=draw(weights),
                    critical=draw(st.sampled_from(critical_scopes)),
                    allows_na=draw(st.booleans()),
                )
                for _ in range(draw(st.integers(1, 5)))
            ),
        )
        for section_id in range(1, draw(st.integers(1, 4)) + 1)
    )
    return ScorecardSpec(sections=sections, method=method, pass_mark=draw(st.integers(0, 100)))


def criteria_of(spec: ScorecardSpec) -> list[CriterionSpec]:
    return [c for s in spec.sections for c in s.criteria]


@st.composite
def answers_for(draw, spec: ScorecardSpec) -> dict:
    """Points 0..max for each criterion, or N/A about one time in five."""
    return {
        c.id: NA if draw(st.integers(0, 4)) == 0 else draw(st.integers(0, int(c.max_points)))
        for c in criteria_of(spec)
    }


def raw_score(result):
    """The score before any auto-fail."""
    return result.score_before_autofail if result.auto_failed else result.score


PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)  # exact fractions: no deadline on a busy CI


@pytest.mark.parametrize("method", BOTH)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_score_stays_within_0_and_100(method, data):
    spec = data.draw(scorecards(method))
    result = score(spec, data.draw(answers_for(spec)))
    for value in (result.score, result.score_before_autofail):
        assert value is None or 0 <= value <= 100
    for section in result.sections:
        assert section.score is None or 0 <= section.score <= 1
    if result.score is not None:
        assert result.passed == (result.score >= spec.pass_mark and result.auto_fail_scope != "evaluation")


@pytest.mark.parametrize("method", BOTH)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_na_leaves_the_other_criteria_relative_contributions_unchanged(method, data):
    spec = data.draw(scorecards(method))
    answers = data.draw(answers_for(spec))
    answered = [cid for cid, answer in answers.items() if answer is not NA]
    assume(answered)
    target = data.draw(st.sampled_from(answered))
    before, after = score(spec, answers), score(spec, {**answers, target: NA})

    def proportional(pairs) -> None:
        # a_before : b_before == a_after : b_after, written without dividing (contributions may be 0).
        for (b1, a1), (b2, a2) in itertools.combinations(pairs, 2):
            assert b1.contribution * a2.contribution == a1.contribution * b2.contribution
            assert b1.possible_contribution * a2.possible_contribution == (
                a1.possible_contribution * b2.possible_contribution
            )

    everywhere = []
    for section_before, section_after in zip(before.sections, after.sections, strict=True):
        remaining = [
            (b, a)
            for b, a in zip(section_before.criteria, section_after.criteria, strict=True)
            if a.applicable
        ]
        proportional(remaining)
        everywhere += remaining
    if method == TOTAL_POINTS:
        proportional(everywhere)  # one pool of points: the ratios hold across sections too
    assert next(c for s in after.sections for c in s.criteria if c.id == target).contribution == 0


def _scale_section(spec: ScorecardSpec, index: int, factor) -> ScorecardSpec:
    sections = list(spec.sections)
    section = sections[index]
    sections[index] = SectionSpec(
        section.id,
        tuple(
            CriterionSpec(c.id, c.max_points, Fraction(c.weight) * factor, c.critical, c.allows_na)
            for c in section.criteria
        ),
        section.weight,
    )
    return ScorecardSpec(tuple(sections), spec.method, spec.pass_mark)


def _outcome(result) -> tuple:
    return (
        result.score,
        result.score_before_autofail,
        result.auto_failed,
        [(s.score, s.auto_failed) for s in result.sections],
        [c.fraction for s in result.sections for c in s.criteria],
    )


@pytest.mark.parametrize("method", BOTH)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_scaling_every_weight_in_a_section_changes_nothing(method, data):
    """Criterion weights are relative within their section. Under "weighted sections" that leaves the whole
    result unchanged. Under "total points" each section weighs as much as the points it carries (what that
    method means), so a section's own score is unchanged, and the evaluation's when it is the only section."""
    spec = data.draw(scorecards(method))
    if method == TOTAL_POINTS and data.draw(st.booleans()):
        spec = ScorecardSpec(spec.sections[:1], spec.method, spec.pass_mark)
    answers = data.draw(answers_for(spec))
    index = data.draw(st.integers(0, len(spec.sections) - 1))
    before = score(spec, answers)
    after = score(_scale_section(spec, index, data.draw(factors)), answers)
    if method == WEIGHTED_SECTIONS or len(spec.sections) == 1:
        assert _outcome(after) == _outcome(before)
    else:
        assert [(s.score, s.auto_failed) for s in after.sections] == [
            (s.score, s.auto_failed) for s in before.sections
        ]


@pytest.mark.parametrize("method", BOTH)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_scaling_every_section_weight_changes_nothing(method, data):
    spec = data.draw(scorecards(method))
    answers = data.draw(answers_for(spec))
    factor = data.draw(factors)
    scaled = ScorecardSpec(
        tuple(SectionSpec(s.id, s.criteria, Fraction(s.weight) * factor) for s in spec.sections),
        spec.method,
        spec.pass_mark,
    )
    assert _outcome(score(scaled, answers)) == _outcome(score(spec, answers))


@pytest.mark.parametrize("method", BOTH)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_raising_one_answer_never_lowers_the_score(method, data):
    spec = data.draw(scorecards(method))
    answers = data.draw(answers_for(spec))
    maxima = {c.id: int(c.max_points) for c in criteria_of(spec)}
    improvable = [cid for cid, answer in answers.items() if answer is not NA and answer < maxima[cid]]
    assume(improvable)
    target = data.draw(st.sampled_from(improvable))
    better = {**answers, target: data.draw(st.integers(answers[target] + 1, maxima[target]))}
    before, after = score(spec, answers), score(spec, better)
    assert raw_score(after) >= raw_score(before)
    # Stronger than "unless a critical criterion fails": a raised answer cannot start a failure (a critical
    # criterion fails only at 0 points), and a failure that stays zeroes the same section or evaluation.
    assert after.score >= before.score


@pytest.mark.parametrize("method", BOTH)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_all_na_gives_no_score(method, data):
    spec = data.draw(scorecards(method))
    result = score(spec, {c.id: NA for c in criteria_of(spec)})
    assert result.score is None and result.score_before_autofail is None
    assert result.passed is None
    assert result.auto_failed is False
    assert all(section.score is None for section in result.sections)


@pytest.mark.parametrize("method", BOTH)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_a_failed_critical_criterion_keeps_the_score_it_would_have_had(method, data):
    spec = data.draw(scorecards(method))
    answers = data.draw(answers_for(spec))
    critical = [c for c in criteria_of(spec) if c.critical]
    assume(critical)
    failing = data.draw(st.sampled_from(critical))
    answers[failing.id] = 0
    plain = ScorecardSpec(
        tuple(
            SectionSpec(
                s.id,
                tuple(CriterionSpec(c.id, c.max_points, c.weight, "", c.allows_na) for c in s.criteria),
                s.weight,
            )
            for s in spec.sections
        ),
        spec.method,
        spec.pass_mark,
    )
    result, without_critical = score(spec, answers), score(plain, answers)
    assert result.auto_failed
    assert result.score_before_autofail == without_critical.score
    assert result.score <= without_critical.score
    if failing.critical == "evaluation":
        assert result.score == 0
        assert result.passed is False
