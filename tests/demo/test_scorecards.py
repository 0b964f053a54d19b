"""The demo's scorecards (qa_center/demo/scorecards.py): one published per call type, with version history,
comments on criteria and sampling rules."""

import pytest
from django.db.models import Count

from scorecards.builder import services as builder
from scorecards.models import Criterion, CriterionComment, SamplingRule, ScorecardVersion

pytestmark = pytest.mark.django_db

SLUGS = {"inbound-support", "outbound-proactive", "retention", "billing"}


def test_publishes_a_scorecard_per_call_type_with_version_history(seeded):
    published = {
        v.scorecard.call_type.slug: v
        for v in ScorecardVersion.objects.published().select_related("scorecard__call_type")
    }
    assert set(published) == SLUGS
    assert published["billing"].scoring_method == ScorecardVersion.Method.TOTAL_POINTS
    assert published["inbound-support"].scoring_method == ScorecardVersion.Method.WEIGHTED_SECTIONS
    for version in published.values():
        assert builder.publish_problems(version) == []

    support = published["inbound-support"].scorecard.versions.order_by("number")
    assert [(v.number, v.status) for v in support] == [(1, "retired"), (2, "published")]
    assert "Empathy" in support[1].notes and support[0].published_at < support[1].published_at
    outbound = published["outbound-proactive"].scorecard.versions.order_by("number")
    assert [v.status for v in outbound] == ["published", "draft"]

    criteria = Criterion.objects.filter(section__version__status="published")
    identity = criteria.filter(title="Verified the customer's identity")
    assert {c.section.version.scorecard.call_type.slug for c in identity} == {"inbound-support", "billing"}
    assert set(identity.values_list("critical_scope", flat=True)) == {"evaluation"}
    assert not criteria.filter(guidance="").exists()
    assert set(criteria.filter(kind="scale").values_list("scale_max", flat=True)) >= {4, 5}
    assert criteria.filter(kind="choice").annotate(n=Count("options")).filter(n__gte=3).count() >= 3
    assert criteria.filter(allows_na=True).count() >= 4
    # v1 of the support scorecard still has its yes/no empathy: old evaluations keep their version.
    assert Criterion.objects.filter(section__version=support[0], title="Showed empathy").exists()

    assert CriterionComment.objects.filter(author__is_agent=True).count() >= 4
    rules = SamplingRule.objects.filter(is_active=True)
    assert {rule.call_type.slug for rule in rules} == SLUGS
    assert not rules.filter(require_recording=True).exists()
    # Inbound support has two rules that add up: the sampling page explains their sum.
    support_rules = rules.filter(call_type__slug="inbound-support").order_by("method")
    assert [(r.method, r.calls_per_agent, r.percentage) for r in support_rules] == [
        ("per_agent", 2, None),
        ("percentage", None, 1),
    ]
    assert "4 scorecards (4 new, 6 versions)" in seeded
