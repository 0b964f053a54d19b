"""Build scorecard versions for tests from a compact description (shared: other test modules import this)."""

from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from scorecards.models import Criterion, CriterionOption, Scorecard, ScorecardVersion, Section
from tests.factories import CallTypeFactory

#: Used when a test passes no sections: two sections, every criterion kind, one N/A-able, one critical.
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

    sections: a list of (section title, section weight, criteria); each criterion is
    (title, kind, weight, extras) with kind "yes_no" | "scale" | "choice" and extras a dict of any of:
        scale_max=N (scale; default 5), options=[(label, points), ...] (choice; default No 0 / Yes 1),
        allows_na=True, critical="section" | "evaluation", guidance="...".
    Example:
        make_published_version(call_type, sections=[
            ("Opening", 40, [("Greeting", "yes_no", 1, {}), ("Empathy", "scale", 2, {"scale_max": 4})]),
            ("Close", 20, [("Tone", "choice", 1, {"options": [("Poor", 0), ("Good", 2)]})]),
        ], method="total_points", pass_mark=80)
    Without sections, DEFAULT_SECTIONS is used. Without call_type, a new call type is created.
    The call type's scorecard is reused if it exists: its published version is retired and the new one gets
    the next number, so calling this twice gives v1 (retired) and v2 (published).
    status="draft" builds a draft instead (a scorecard has at most one).
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


def many_criteria_sections(count: int, *, per_section: int = 10) -> list:
    """`count` criteria of every kind over sections of `per_section`: for query counts that must not grow."""
    kinds = [
        ("yes_no", {}),
        ("scale", {"scale_max": 4, "guidance": "Listen for it"}),
        ("choice", {"options": [("Poor", 0), ("Good", 2), ("Great", 3)]}),
    ]
    criteria = [
        (f"Criterion {n}", kinds[n % 3][0], 1 + n % 2, {**kinds[n % 3][1], "allows_na": n % 4 == 0})
        for n in range(count)
    ]
    return [
        (f"Section {start // per_section}", 10, criteria[start : start + per_section])
        for start in range(0, count, per_section)
    ]
