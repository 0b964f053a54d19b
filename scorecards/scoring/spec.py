"""A scorecard version as the scoring engine reads it: the plain specs built from the models, and the outline
(sections, criteria with their options and best points) that the builder, the reviewer's page and calibration
show. Loading a version costs a fixed number of queries whatever its size."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import groupby

from django.db.models import QuerySet

from scorecards.models import Criterion, CriterionOption, ScorecardVersion, Section
from scorecards.scoring import engine as scoring


def criterion_max_points(criterion: Criterion, options: Iterable[CriterionOption] = ()) -> Decimal:
    """The most points an answer can earn: yes/no 1, scale N, choice its best option's points (0 if none).

    `options` are the criterion's options (only read for a "choice" criterion).
    """
    if criterion.kind == Criterion.Kind.SCALE:
        return Decimal(criterion.scale_max or 0)
    if criterion.kind == Criterion.Kind.CHOICE:
        return max((option.points for option in options), default=Decimal(0))
    return Decimal(1)


def _criteria_of(version: ScorecardVersion) -> QuerySet[Criterion]:
    return (
        Criterion.objects.filter(section__version=version)
        .select_related("section")
        .order_by("section__position", "section_id", "position", "id")
    )


def _options_by_criterion(version: ScorecardVersion) -> dict[int, list[CriterionOption]]:
    options = CriterionOption.objects.filter(criterion__section__version=version).order_by(
        "criterion_id", "position", "id"
    )
    grouped: dict[int, list[CriterionOption]] = defaultdict(list)
    for option in options:
        grouped[option.criterion_id].append(option)
    return grouped


def build_spec(version: ScorecardVersion) -> scoring.ScorecardSpec:
    """The version as the scoring engine's plain data: one query for the criteria, one for the options.

    Ids are the model ids, so the answers passed to scoring.score are {criterion.pk: points | scoring.NA}.
    """
    options = _options_by_criterion(version)
    outline = []
    for _section_id, criteria in groupby(_criteria_of(version), key=lambda criterion: criterion.section_id):
        section = None
        for criterion in criteria:
            criterion.max_points = criterion_max_points(criterion, options.get(criterion.pk, ()))
            if section is None:
                section, section.criteria_list = criterion.section, []
            section.criteria_list.append(criterion)
        outline.append(section)
    return spec_from_outline(version, outline)


def spec_from_outline(version: ScorecardVersion, outline: Iterable[Section]) -> scoring.ScorecardSpec:
    """The one mapping from scorecard models to the engine's data, from sections already loaded (each with
    `.criteria_list`, each criterion with `.max_points`, as version_outline gives). Sections without criteria
    are left out: they could never be applicable."""
    sections = tuple(
        scoring.SectionSpec(
            id=section.pk,
            weight=section.weight,
            criteria=tuple(
                scoring.CriterionSpec(
                    id=criterion.pk,
                    max_points=criterion.max_points,
                    weight=criterion.weight,
                    critical=criterion.critical_scope,
                    allows_na=criterion.allows_na,
                )
                for criterion in section.criteria_list
            ),
        )
        for section in outline
        if section.criteria_list
    )
    return scoring.ScorecardSpec(
        sections=sections, method=version.scoring_method, pass_mark=version.pass_mark
    )


def version_outline(version: ScorecardVersion) -> list[Section]:
    """The version's sections in order, each with `.criteria_list`; each criterion with `.options_list` and
    `.max_points`. Three queries whatever the size, for the preview and the builder's edit page."""
    sections = list(version.sections.order_by("position", "id"))
    by_section: dict[int, list[Criterion]] = defaultdict(list)
    options = _options_by_criterion(version)
    for criterion in Criterion.objects.filter(section__version=version).order_by("position", "id"):
        criterion.options_list = options.get(criterion.pk, [])
        criterion.max_points = criterion_max_points(criterion, criterion.options_list)
        by_section[criterion.section_id].append(criterion)
    for section in sections:
        section.criteria_list = by_section.get(section.pk, [])
        for criterion in section.criteria_list:
            criterion.section = section  # already loaded: no query when a template follows it
    return sections


def criteria_by_id(outline: Iterable[Section]) -> dict[int, Criterion]:
    """criterion id → criterion (with .options_list and .max_points) of a spec.version_outline."""
    return {criterion.pk: criterion for section in outline for criterion in section.criteria_list}
