"""Inter-rater agreement for calibration: Krippendorff's alpha and pairwise percent agreement. Pure functions.

Krippendorff's alpha (Krippendorff, K. "Computing Krippendorff's Alpha-Reliability", 2011; "Content Analysis",
3rd ed., 2013, ch. 12):

    α = 1 − D_o / D_e

    D_o = (1/n) · Σ_u  1/(m_u − 1) · Σ_{i≠j ∈ u} δ²(v_i, v_j)          observed disagreement
    D_e = 1/(n(n − 1)) · Σ_{i≠j ∈ all pairable values} δ²(v_i, v_j)     expected disagreement

where a unit u is one thing rated (here: a criterion of the calibrated call), m_u the number of raters who gave it a
value (units with fewer than two values are not pairable and are dropped), n = Σ m_u over pairable units, and δ² the
difference function: nominal δ² = 0 if equal else 1; interval δ² = (v_i − v_j)². α = 1 is perfect agreement, 0 is
agreement no better than chance, below 0 systematic disagreement. When every value is the same, D_e = 0 and α is
undefined (returned as None; percent agreement then reads 100 %).
"""

from collections import Counter
from collections.abc import Hashable, Sequence
from fractions import Fraction
from itertools import combinations

NOMINAL = "nominal"
INTERVAL = "interval"


def _pair_disagreement(values: Sequence[Hashable], metric: str) -> Fraction:
    """Σ δ²(v_i, v_j) over the ordered pairs i ≠ j, in linear time rather than over every pair:
    nominal: n² − Σ_c n_c² (pairs whose values differ); interval: 2n·Σv² − 2(Σv)²."""
    n = len(values)
    if metric == NOMINAL:
        return Fraction(n * n - sum(count * count for count in Counter(values).values()))
    if metric == INTERVAL:
        exact = [Fraction(v) for v in values]
        return 2 * n * sum(v * v for v in exact) - 2 * sum(exact) ** 2
    raise ValueError(f"unknown metric {metric!r}")


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]], metric: str = NOMINAL) -> float | None:
    """α over units, each a sequence of the raters' values (None = that rater gave no value, e.g. N/A)."""
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [unit for unit in pairable if len(unit) >= 2]
    n = sum(len(unit) for unit in pairable)
    if n < 2:
        return None
    observed = sum(_pair_disagreement(unit, metric) / (len(unit) - 1) for unit in pairable) / n
    values = [v for unit in pairable for v in unit]
    expected = _pair_disagreement(values, metric) / (n * (n - 1))
    if expected == 0:
        return None
    return float(1 - observed / expected)


def percent_agreement(values: Sequence[Hashable | None]) -> float | None:
    """Share of rater pairs that gave the same value (None values left out), 0..100; None with fewer than 2."""
    given = [v for v in values if v is not None]
    pairs = list(combinations(given, 2))
    if not pairs:
        return None
    return 100 * sum(1 for a, b in pairs if a == b) / len(pairs)
