"""The score explainer: a ScoreResult put in the words and percentages a person reads, with the formula of its
scoring method. Pure: it reads an outline already loaded (scoring.spec.version_outline), no query."""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy

from scorecards.models import ScorecardVersion, Section
from scorecards.scoring import engine as scoring
from scorecards.scoring.spec import criteria_by_id, spec_from_outline

METHOD_FORMULAS = {
    scoring.WEIGHTED_SECTIONS: gettext_lazy(
        "Each criterion earns a fraction: points earned ÷ its maximum points. A section scores the "
        "weighted mean of its applicable criteria: Σ(weight × fraction) ÷ Σ(weight). The evaluation "
        "scores the weighted mean of its sections: Σ(section weight × section score) ÷ Σ(section "
        "weight), × 100. N/A criteria, and sections with no applicable criterion, are left out of the sums."
    ),
    scoring.TOTAL_POINTS: gettext_lazy(
        "Σ(points earned × weight) ÷ Σ(maximum points × weight) × 100, over every applicable criterion, "
        "where a criterion's weight is multiplied by its section's weight. N/A criteria are left out of "
        "both sums."
    ),
}


@dataclass(frozen=True)
class ExplainedCriterion:
    id: int
    title: str
    weight: Fraction
    status: str  # "answered", "na" or "unanswered"
    points: Fraction | None
    max_points: Fraction
    fraction: Fraction | None  # 0..100 (percent), None when excluded
    contribution: Fraction  # points of the final score (0..100) it earned, before any auto-fail
    possible_contribution: Fraction  # points of the final score it could have earned
    critical: str
    critical_failed: bool

    @property
    def excluded(self) -> bool:
        return self.status != "answered"


@dataclass(frozen=True)
class ExplainedSection:
    id: int
    title: str
    weight: Fraction
    share: Fraction  # percent of the final score this section weighs (0 when it has no applicable criterion)
    score: Fraction | None  # percent; None when no criterion applies
    score_before_autofail: Fraction | None
    auto_failed: bool
    contribution: Fraction  # Σ of its criteria's contributions, before any auto-fail
    criteria: tuple[ExplainedCriterion, ...]

    @property
    def applicable(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class Explanation:
    """A ScoreResult with the scorecard's titles and the percentages a person reads: what the score explainer
    (templates/scorecards/evaluations/_explainer.html) and the live score panel show."""

    method: str
    method_label: str
    formula: str
    pass_mark: Fraction
    score: Fraction | None
    score_before_autofail: Fraction | None
    auto_failed: bool
    auto_fail_scope: str
    passed: bool | None
    sections: tuple[ExplainedSection, ...]
    failed_criteria: tuple[ExplainedCriterion, ...]  # the critical criteria that caused the auto-fail
    unanswered: tuple[ExplainedCriterion, ...]

    @property
    def has_score(self) -> bool:
        return self.score is not None

    @property
    def criterion_count(self) -> int:
        return sum(len(section.criteria) for section in self.sections)

    @property
    def answered_count(self) -> int:
        """Criteria answered or marked N/A."""
        return self.criterion_count - len(self.unanswered)

    @property
    def is_complete(self) -> bool:
        """Every criterion answered or N/A: only then is pass or fail decided (a partial score can still move
        either way, so the live score shows no verdict before)."""
        return not self.unanswered


def _percent(value: Fraction | None) -> Fraction | None:
    return None if value is None else value * 100


def explain_score(result: scoring.ScoreResult, outline: Iterable[Section]) -> Explanation:
    """Put titles on a ScoreResult (from spec.version_outline: no query) and express it in percent."""
    sections_by_id = {section.pk: section for section in outline}
    titles = criteria_by_id(sections_by_id.values())
    sections, failed, unanswered = [], [], []
    for section_result in result.sections:
        criteria = []
        for c in section_result.criteria:
            explained = ExplainedCriterion(
                id=c.id,
                title=titles[c.id].title,
                weight=c.weight,
                status=c.status,
                points=c.points,
                max_points=c.max_points,
                fraction=_percent(c.fraction),
                contribution=c.contribution,
                possible_contribution=c.possible_contribution,
                critical=c.critical,
                critical_failed=c.critical_failed,
            )
            criteria.append(explained)
            if c.critical_failed and result.auto_failed:
                failed.append(explained)
            if c.status == "unanswered":
                unanswered.append(explained)
        sections.append(
            ExplainedSection(
                id=section_result.id,
                title=sections_by_id[section_result.id].title,
                weight=section_result.weight,
                share=sum((c.possible_contribution for c in criteria), Fraction(0)),
                score=_percent(section_result.score),
                score_before_autofail=_percent(section_result.score_before_autofail),
                auto_failed=section_result.auto_failed,
                contribution=sum((c.contribution for c in criteria), Fraction(0)),
                criteria=tuple(criteria),
            )
        )
    return Explanation(
        method=result.method,
        method_label=ScorecardVersion.Method(result.method).label,
        formula=str(METHOD_FORMULAS[result.method]),
        pass_mark=result.pass_mark,
        score=result.score,
        score_before_autofail=result.score_before_autofail,
        auto_failed=result.auto_failed,
        auto_fail_scope=result.auto_fail_scope,
        passed=result.passed,
        sections=tuple(sections),
        failed_criteria=tuple(failed),
        unanswered=tuple(unanswered),
    )


def section_shares(version: ScorecardVersion, outline: list[Section]) -> dict[int, Fraction]:
    """{section id: percent of the score it weighs} when every criterion applies: what a section's weight
    means in the end, for the builder to show beside it. Through the engine (every criterion at full points),
    so it holds for either scoring method. No query."""
    spec = spec_from_outline(version, outline)
    full = {criterion.id: criterion.max_points for section in spec.sections for criterion in section.criteria}
    result = scoring.score(spec, full)
    return {
        section.id: sum((criterion.possible_contribution for criterion in section.criteria), Fraction(0))
        for section in result.sections
    }
