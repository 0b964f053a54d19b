"""tests.factories.make_published_version builds what its docstring promises (the other tests rely on it)."""

import pytest

from scorecards.models import Criterion, ScorecardVersion
from tests.factories import make_published_version


@pytest.mark.django_db
def test_make_published_version_builds_the_described_scorecard(call_type):
    version = make_published_version(
        call_type,
        sections=[
            ("Opening", 40, [("Greeting", "yes_no", 1, {}), ("Empathy", "scale", 2, {"scale_max": 4})]),
            (
                "Close",
                20,
                [("Tone", "choice", 1, {"options": [("Poor", 0), ("Good", 2)], "critical": "section"})],
            ),
        ],
        method="total_points",
        pass_mark=80,
    )
    assert version.status == ScorecardVersion.Status.PUBLISHED and version.number == 1
    assert version.scoring_method == "total_points" and version.pass_mark == 80
    assert [(s.title, s.weight, s.position) for s in version.sections.all()] == [
        ("Opening", 40, 0),
        ("Close", 20, 1),
    ]
    empathy = Criterion.objects.get(section__version=version, title="Empathy")
    assert (empathy.kind, empathy.scale_max, empathy.weight, empathy.position) == ("scale", 4, 2, 1)
    tone = Criterion.objects.get(section__version=version, title="Tone")
    assert tone.critical_scope == "section"
    assert [(o.label, o.points) for o in tone.options.all()] == [("Poor", 0), ("Good", 2)]


@pytest.mark.django_db
def test_a_second_call_retires_the_first(call_type):
    v1 = make_published_version(call_type)
    v2 = make_published_version(call_type)
    v1.refresh_from_db()
    assert (v1.status, v2.status, v2.number) == ("retired", "published", 2)
    assert v2.sections.count() == 2
