"""The rules every KPI figure follows (DESIGN.md, Definitions), in Python and as database expressions:

- an empty denominator is "no data" (None), never 0;
- a mean is over the known values only: its count is the number of known values, and no value is "no data";
- NPS is % promoters − % detractors.

Here, outside the layered apps and importing nothing of theirs, so that people, calls, scorecards, kpis and the
demo can all use it without an import pointing upwards. Which rows count for which figure is the owning app's
(calls.kpis, scorecards.kpis); the catalogue of KPIs built on both is qa_center.kpis.definitions.
"""

from django.db.models import Case, F, FloatField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

__all__ = ["mean", "mean_expression", "nps", "nps_expression", "rate", "rate_expression"]


def rate(part: int | float, whole: int | float) -> float | None:
    """part ÷ whole as a percentage (0..100), or None when `whole` is 0."""
    return part * 100 / whole if whole else None


def mean(total: int | float | None, count: int) -> float | None:
    """total ÷ count, or None without any value counted."""
    return float(total) / count if count and total is not None else None


def nps(promoters: int, detractors: int, answers: int) -> float | None:
    """% promoters − % detractors (−100..100), or None without answers."""
    return (promoters - detractors) * 100 / answers if answers else None


def _column(value) -> Combinable:
    return F(value) if isinstance(value, str) else value


def _as_float(value) -> Combinable:
    # As floats: SQLite and PostgreSQL divide integers as integers.
    return Cast(_column(value), FloatField())


def _no_data_when_empty(whole: str, then) -> Case:
    return Case(When(**{whole: 0}, then=Value(None)), default=then, output_field=FloatField())


def rate_expression(part: str, whole: str) -> Case:
    """`rate` in the database: part × 100 ÷ whole over two columns (or aggregates) named, NULL when whole is 0."""
    return _no_data_when_empty(whole, _as_float(part) * 100 / _as_float(whole))


def mean_expression(total: str, count: str) -> Case:
    """`mean` in the database: total ÷ count, NULL when count is 0."""
    return _no_data_when_empty(count, _as_float(total) / _as_float(count))


def nps_expression(promoters: str, detractors: str, answers: str) -> Case:
    """`nps` in the database, NULL without answers."""
    return _no_data_when_empty(
        answers, (_as_float(promoters) - _as_float(detractors)) * 100 / _as_float(answers)
    )
