"""The scoring engine: a pure function over plain data, no database (DESIGN.md "Scoring an evaluation").

Two methods, chosen per scorecard version, so that teams moving from another tool keep comparable numbers:

* weighted sections (default): a criterion earns f = points ÷ its maximum; a section scores
  Σ(weight × f) ÷ Σ(weight) over its applicable criteria; the evaluation scores
  Σ(section weight × section score) ÷ Σ(section weight) over sections with an applicable criterion, × 100;
* total points: Σ(points × w) ÷ Σ(maximum × w) × 100 over all applicable criteria, where a criterion's
  w = its weight × its section's weight (so section weights count the same way in both methods).

A criterion marked N/A (or, while a form is being filled in, not answered yet) is left out of every sum.
A critical criterion fails when its answer earns no points: it sets its section (scope "section") or the whole
evaluation (scope "evaluation") to 0, and the score it would have had is kept.
All criteria N/A: no score at all.
Arithmetic is exact (fractions); rounding is for display only.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

WEIGHTED_SECTIONS = "weighted_sections"
TOTAL_POINTS = "total_points"
SECTION = "section"
EVALUATION = "evaluation"


class _NotApplicable:
    def __repr__(self):
        return "NA"


#: The answer "not applicable" (an answer missing from the mapping means "not answered yet").
NA = _NotApplicable()

Number = int | float | Decimal | Fraction


def _exact(value: Number) -> Fraction:
    return Fraction(value) if not isinstance(value, float) else Fraction(str(value))


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    max_points: Number
    weight: Number = 1
    critical: Literal["", "section", "evaluation"] = ""
    # Carried for callers and the explainer; whether N/A is allowed is checked by the services, not here.
    allows_na: bool = False


@dataclass(frozen=True)
class SectionSpec:
    id: int
    criteria: tuple[CriterionSpec, ...]
    weight: Number = 1


@dataclass(frozen=True)
class ScorecardSpec:
    sections: tuple[SectionSpec, ...]
    method: str = WEIGHTED_SECTIONS
    pass_mark: Number = 85


@dataclass
class CriterionResult:
    id: int
    weight: Fraction
    max_points: Fraction
    points: Fraction | None  # None: N/A or not answered
    status: Literal["answered", "na", "unanswered"]
    fraction: Fraction | None = None
    critical: str = ""
    critical_failed: bool = False
    #: Share of the final score (0..100) this criterion earned, before any auto-fail: the explainer's column.
    contribution: Fraction = Fraction(0)
    #: Share of the final score this criterion could have earned.
    possible_contribution: Fraction = Fraction(0)

    @property
    def applicable(self) -> bool:
        return self.status == "answered"


@dataclass
class SectionResult:
    id: int
    weight: Fraction
    criteria: list[CriterionResult]
    score: Fraction | None = None  # 0..1; None when no criterion applies
    score_before_autofail: Fraction | None = None
    auto_failed: bool = False

    @property
    def applicable(self) -> bool:
        return self.score is not None


@dataclass
class ScoreResult:
    method: str
    pass_mark: Fraction
    sections: list[SectionResult] = field(default_factory=list)
    score: Fraction | None = None  # 0..100, None = no score
    score_before_autofail: Fraction | None = None
    auto_failed: bool = False
    auto_fail_scope: str = ""  # "", "section" or "evaluation"
    unanswered: list[int] = field(default_factory=list)

    @property
    def passed(self) -> bool | None:
        """An evaluation-wide auto-fail never passes, not even against a pass mark of 0."""
        if self.score is None:
            return None
        return self.auto_fail_scope != EVALUATION and self.score >= self.pass_mark

    def as_decimal(self, value: Fraction | None, places: int = 5) -> Decimal | None:
        """For storage: exact enough for any average, rounded only here."""
        if value is None:
            return None
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places))


def _criterion_result(spec: CriterionSpec, answer) -> CriterionResult:
    weight, max_points = _exact(spec.weight), _exact(spec.max_points)
    if answer is NA:
        return CriterionResult(spec.id, weight, max_points, None, "na", critical=spec.critical)
    if answer is None:
        return CriterionResult(spec.id, weight, max_points, None, "unanswered", critical=spec.critical)
    points = _exact(answer)
    if points < 0 or points > max_points:
        raise ValueError(f"criterion {spec.id}: {answer} points is outside 0..{spec.max_points}")
    fraction = points / max_points if max_points else Fraction(0)
    return CriterionResult(
        spec.id,
        weight,
        max_points,
        points,
        "answered",
        fraction=fraction,
        critical=spec.critical,
        critical_failed=bool(spec.critical) and points == 0,
    )


def score(spec: ScorecardSpec, answers: Mapping[int, Number | _NotApplicable]) -> ScoreResult:
    """Score answers (criterion id → points earned, or NA) on a scorecard. Pure and exact."""
    if spec.method not in (WEIGHTED_SECTIONS, TOTAL_POINTS):
        raise ValueError(f"unknown scoring method {spec.method!r}")
    result = ScoreResult(method=spec.method, pass_mark=_exact(spec.pass_mark))
    for section_spec in spec.sections:
        criteria = [_criterion_result(c, answers.get(c.id)) for c in section_spec.criteria]
        section = SectionResult(section_spec.id, _exact(section_spec.weight), criteria)
        applicable = [c for c in criteria if c.applicable and c.weight > 0]
        total_weight = sum((c.weight for c in applicable), Fraction(0))
        if total_weight > 0:
            section.score = sum((c.weight * c.fraction for c in applicable), Fraction(0)) / total_weight
            section.score_before_autofail = section.score
        result.sections.append(section)
        result.unanswered += [c.id for c in criteria if c.status == "unanswered"]

    if spec.method == WEIGHTED_SECTIONS:
        before = _weighted_sections(result.sections)
    else:
        before = _total_points(result.sections)
    if before is None:
        return result

    failed = [c for s in result.sections for c in s.criteria if c.critical_failed]
    if any(c.critical == EVALUATION for c in failed):
        result.auto_failed, result.auto_fail_scope = True, EVALUATION
        result.score_before_autofail, result.score = before, Fraction(0)
        return result
    failed_sections = [
        s for s in result.sections if any(c.critical == SECTION and c.critical_failed for c in s.criteria)
    ]
    if failed_sections:
        for section in failed_sections:
            section.auto_failed, section.score = True, Fraction(0)
        result.auto_failed, result.auto_fail_scope = True, SECTION
        result.score_before_autofail = before
        result.score = (
            _weighted_sections(result.sections, explain=False)
            if spec.method == WEIGHTED_SECTIONS
            else _total_points(result.sections, zeroed={s.id for s in failed_sections}, explain=False)
        )
        return result
    result.score = before
    return result


def _weighted_sections(sections: list[SectionResult], explain: bool = True) -> Fraction | None:
    scored = [s for s in sections if s.applicable and s.weight > 0]
    total = sum((s.weight for s in scored), Fraction(0))
    if total == 0:
        return None
    if explain:
        for section in scored:
            applicable = [c for c in section.criteria if c.applicable and c.weight > 0]
            criteria_weight = sum((c.weight for c in applicable), Fraction(0))
            for c in applicable:
                share = 100 * section.weight / total * c.weight / criteria_weight
                c.possible_contribution = share
                c.contribution = share * c.fraction
    return 100 * sum((s.weight * s.score for s in scored), Fraction(0)) / total


def _total_points(
    sections: list[SectionResult], zeroed: frozenset | set = frozenset(), explain: bool = True
) -> Fraction | None:
    earned = possible = Fraction(0)
    for section in sections:
        for c in section.criteria:
            if not c.applicable:
                continue
            w = c.weight * section.weight
            possible += c.max_points * w
            if section.id not in zeroed:
                earned += c.points * w
    if possible == 0:
        return None
    if explain:
        for section in sections:
            for c in section.criteria:
                if c.applicable:
                    w = c.weight * section.weight
                    c.possible_contribution = 100 * c.max_points * w / possible
                    c.contribution = 100 * c.points * w / possible
    return 100 * earned / possible
