"""Krippendorff's alpha against published worked examples, and percent agreement."""

import pytest

from scorecards.scoring.agreement import INTERVAL, krippendorff_alpha, percent_agreement

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units, with
# missing values. Published results: nominal α = 0.743, interval α = 0.849.
KRIPPENDORFF_2011 = [
    [1, 1, None, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [None, 5, 5, 5],
    [None, None, 1, 1],
    [None, None, 3, None],
]


def test_nominal_alpha_matches_the_published_example():
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(0.743, abs=0.001)


def test_interval_alpha_matches_the_published_example():
    assert krippendorff_alpha(KRIPPENDORFF_2011, metric=INTERVAL) == pytest.approx(0.849, abs=0.001)


def test_perfect_agreement_with_variation_is_one():
    assert krippendorff_alpha([[1, 1, 1], [0, 0, 0], [1, 1, 1]]) == 1.0


def test_no_variation_at_all_is_undefined():
    assert krippendorff_alpha([[1, 1], [1, 1]]) is None


def test_systematic_disagreement_is_negative():
    assert krippendorff_alpha([[0, 1], [1, 0], [0, 1], [1, 0]]) < 0


def test_unpairable_units_are_dropped():
    assert krippendorff_alpha([[1, None], [None, None]]) is None


def test_percent_agreement():
    assert percent_agreement([1, 1, 0]) == pytest.approx(100 / 3)
    assert percent_agreement([1, None, 1]) == 100
    assert percent_agreement([1]) is None


def _brute_force_alpha(units, metric):
    """Krippendorff's definition pair by pair, to check the linear-time sums against."""
    from fractions import Fraction
    from itertools import permutations

    def delta2(a, b):
        return Fraction(a != b) if metric == "nominal" else (Fraction(a) - Fraction(b)) ** 2

    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [unit for unit in pairable if len(unit) >= 2]
    n = sum(len(unit) for unit in pairable)
    observed = sum(sum(delta2(a, b) for a, b in permutations(u, 2)) / (len(u) - 1) for u in pairable) / n
    values = [v for unit in pairable for v in unit]
    expected = sum(delta2(a, b) for a, b in permutations(values, 2)) / (n * (n - 1))
    return float(1 - observed / expected)


@pytest.mark.parametrize("metric", ["nominal", INTERVAL])
def test_the_linear_time_sums_equal_the_pairwise_definition(metric):
    import random

    rng = random.Random(7)
    units = [[rng.choice([0, 1, 2, 3, None]) for _rater in range(5)] for _unit in range(30)]
    assert krippendorff_alpha(units, metric=metric) == pytest.approx(_brute_force_alpha(units, metric))
