"""The rule every rate follows: an empty denominator is "no data", never 0 (DESIGN.md, Definitions).

Here, outside the layered apps and importing nothing, so that people, calls, scorecards, kpis and the demo can all
use it without an import pointing upwards.
"""

__all__ = ["rate"]


def rate(part: int | float, whole: int | float) -> float | None:
    """part ÷ whole as a percentage (0..100), or None when `whole` is 0."""
    return part * 100 / whole if whole else None
