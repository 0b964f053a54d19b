"""An empty denominator is "no data", never 0."""

import pytest

from qa_center.rates import rate


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 0, None), (3, 0, None), (0, 4, 0.0), (1, 4, 25.0), (4, 4, 100.0), (1, 3, 100 / 3)],
)
def test_rate(part, whole, expected):
    assert rate(part, whole) == expected
