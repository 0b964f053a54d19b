"""Scorecards for tests: versions built from a compact description, the shapes the tests share, lookups of
their criteria by title, and sampling rules.

A shape is a list of (section title, section weight, criteria); each criterion is (title, kind, weight,
extras) with kind "yes_no" | "scale" | "choice" and extras a dict of any of:
    scale_max=N (scale; default 5), options=[(label, points), ...] (choice; default No 0 / Yes 1),
    allows_na=True, critical="section" | "evaluation", guidance="...".
"""

from decimal import Decimal

import factory
from django.db.models import Max
from django.utils import timezone

from scorecards.models import Criterion, CriterionOption, SamplingRule, Scorecard, ScorecardVersion, Section
from tests.factories.calls import CallTypeFactory

# --- Shapes ------------------------------------------------------------------------------------------------

#: The scorecard most tests score on (`make_published_version` without sections): two sections, every
#: criterion kind, one N/A-able, one critical for the whole evaluation.
#:     Opening (weight 40): Greeting (yes/no, w1), Verified identity (yes/no, w2, critical: evaluation)
#:     Resolution (weight 60): Diagnosed the issue (scale 0..4, w2),
#:                             Tone (choice Poor 0 / Good 2 / Excellent 3, w1),
#:                             Offered a callback (yes/no, w1, N/A allowed)
#: tests.factories.evaluations has its answer sets (COMPLETE_ANSWERS, FULL_MARKS, GREETING_MISSED).
DEFAULT_SECTIONS = [
    (
        "Opening",
        40,
        [
            ("Greeting", "yes_no", 1, {}),
            ("Verified identity", "yes_no", 2, {"critical": "evaluation"}),
        ],
    ),
    (
        "Resolution",
        60,
        [
            ("Diagnosed the issue", "scale", 2, {"scale_max": 4}),
            ("Tone", "choice", 1, {"options": [("Poor", 0), ("Good", 2), ("Excellent", 3)]}),
            ("Offered a callback", "yes_no", 1, {"allows_na": True}),
        ],
    ),
]

#: Calibration's scorecard: one section, four criteria of weight 1, so that a criterion's share of the score
#: is its fraction ÷ 4 (tests/scorecards/calibration/known_answers.py has the data set scored on it).
FOUR_CRITERIA = [
    (
        "Call",
        1,
        [
            ("Greeting", "yes_no", 1, {}),
            ("Diagnosis", "scale", 1, {"scale_max": 4}),
            ("Tone", "choice", 1, {"options": [("Poor", 0), ("Good", 2), ("Excellent", 3)]}),
            ("Callback", "yes_no", 1, {"allows_na": True}),
        ],
    )
]

#: No criteria at all: for the sampling tests, which only ask whether a call type has a published scorecard.
NO_CRITERIA: list = []

#: Issue 3's first worked case: three criteria of 10 points each, the third may be N/A.
TEN_POINT_CRITERIA = [
    (
        "Only",
        1,
        [
            ("A", "scale", 1, {"scale_max": 10}),
            ("B", "scale", 1, {"scale_max": 10}),
            ("C", "scale", 1, {"scale_max": 10, "allows_na": True}),
        ],
    )
]


def two_sections(critical: str = "") -> list:
    """Issue 3's second worked case: sections weighted 40 and 20; the first criterion may be critical."""
    return [
        ("First", 40, [("One", "yes_no", 1, {"critical": critical}), ("Two", "yes_no", 1, {})]),
        ("Second", 20, [("Three", "yes_no", 1, {})]),
    ]


def many_criteria(count: int, *, per_section: int = 10) -> list:
    """`count` criteria, "Criterion 1"..., of every kind in turn (yes/no; scale 0..4 with guidance; choice
    Poor 0 / Good 2 / Great 3; yes/no that may be N/A), `per_section` to a section: for the query counts that
    must not grow with the scorecard. Answering every choice "Good" and everything else 1 completes it."""
    kinds = [
        ("yes_no", {}),
        ("scale", {"scale_max": 4, "guidance": "Listen for it."}),
        ("choice", {"options": [("Poor", 0), ("Good", 2), ("Great", 3)]}),
        ("yes_no", {"allows_na": True, "guidance": "Only when the customer asked."}),
    ]
    sections = []
    for start in range(0, count, per_section):
        criteria = []
        for number in range(start, min(count, start + per_section)):
            kind, extras = kinds[number % len(kinds)]
            criteria.append((f"Criterion {number + 1}", kind, 1 + number % 3, extras))
        sections.append((f"Section {start // per_section + 1}", 10 + start, criteria))
    return sections


# --- Versions ----------------------------------------------------------------------------------------------


def make_published_version(
    call_type=None,
    sections=None,
    *,
    method: str = ScorecardVersion.Method.WEIGHTED_SECTIONS,
    pass_mark=85,
    status: str = ScorecardVersion.Status.PUBLISHED,
    published_by=None,
    notes: str = "",
) -> ScorecardVersion:
    """Return a published ScorecardVersion (with sections, criteria and options) of `call_type`'s scorecard.

    sections: a shape (see the module's docstring); DEFAULT_SECTIONS without it, [] for a scorecard with no
    criteria. Example:
        make_published_version(call_type, sections=[
            ("Opening", 40, [("Greeting", "yes_no", 1, {}), ("Empathy", "scale", 2, {"scale_max": 4})]),
            ("Close", 20, [("Tone", "choice", 1, {"options": [("Poor", 0), ("Good", 2)]})]),
        ], method="total_points", pass_mark=80)
    Without call_type, a new call type is created.
    The call type's scorecard is reused if it exists: its published version is retired and the new one gets
    the next number, so calling this twice gives v1 (retired) and v2 (published).
    status="draft" builds a draft instead (a scorecard has at most one), status="retired" a retired version.
    Positions follow list order (0, 1, 2 ...). Give criteria distinct titles if a test looks them up by title.
    """
    if call_type is None:
        call_type = CallTypeFactory()
    scorecard, _created = Scorecard.objects.get_or_create(
        call_type=call_type, defaults={"name": call_type.name}
    )
    if status == ScorecardVersion.Status.PUBLISHED:
        scorecard.versions.filter(status=ScorecardVersion.Status.PUBLISHED).update(
            status=ScorecardVersion.Status.RETIRED
        )
    number = (scorecard.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    published = status == ScorecardVersion.Status.PUBLISHED
    version = ScorecardVersion.objects.create(
        scorecard=scorecard,
        number=number,
        status=status,
        scoring_method=method,
        pass_mark=Decimal(str(pass_mark)),
        notes=notes,
        published_at=timezone.now() if published else None,
        published_by=published_by if published else None,
    )
    for s_pos, (s_title, s_weight, criteria) in enumerate(DEFAULT_SECTIONS if sections is None else sections):
        section = Section.objects.create(
            version=version, title=s_title, weight=Decimal(str(s_weight)), position=s_pos
        )
        for c_pos, (c_title, kind, c_weight, extras) in enumerate(criteria):
            criterion = Criterion.objects.create(
                section=section,
                title=c_title,
                kind=kind,
                weight=Decimal(str(c_weight)),
                scale_max=extras.get("scale_max", 5) if kind == Criterion.Kind.SCALE else None,
                allows_na=extras.get("allows_na", False),
                critical_scope=extras.get("critical", ""),
                guidance=extras.get("guidance", ""),
                position=c_pos,
            )
            if kind == Criterion.Kind.CHOICE:
                options = extras.get("options", [("No", 0), ("Yes", 1)])
                CriterionOption.objects.bulk_create(
                    CriterionOption(
                        criterion=criterion, label=label, points=Decimal(str(points)), position=o_pos
                    )
                    for o_pos, (label, points) in enumerate(options)
                )
    return version


def criteria_of(version: ScorecardVersion) -> dict[str, Criterion]:
    """The version's criteria by title."""
    return {c.title: c for c in Criterion.objects.filter(section__version=version)}


def criterion(version: ScorecardVersion, title: str) -> Criterion:
    return Criterion.objects.get(section__version=version, title=title)


# --- Sampling ----------------------------------------------------------------------------------------------


class SamplingRuleFactory(factory.django.DjangoModelFactory):
    """An active weekly rule: 2 calls per agent, answered and recorded, at least 60 s of talk."""

    class Meta:
        model = SamplingRule

    call_type = factory.SubFactory(CallTypeFactory)
    calls_per_agent = 2
    min_talk_seconds = 60
