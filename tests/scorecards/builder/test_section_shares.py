"""Each section shows what its weight means: its share of the score; publishing asks first, saying what freezes."""

from fractions import Fraction

import pytest
from django.urls import reverse

from scorecards.models import ScorecardVersion
from scorecards.scoring.explain import section_shares
from scorecards.scoring.spec import version_outline
from tests.factories import CallTypeFactory, UserFactory, make_published_version

pytestmark = pytest.mark.django_db

TWO = [
    ("Opening", 1, [("Greeting", "yes_no", 1, {}), ("Name", "yes_no", 1, {})]),
    ("Close", 3, [("Summary", "scale", 2, {"scale_max": 4})]),
]


def _shares(version):
    outline = version_outline(version)
    return {section.title: section_shares(version, outline)[section.pk] for section in outline}


def test_weighted_sections_share_by_section_weight():
    version = make_published_version(CallTypeFactory(), TWO)
    assert _shares(version) == {"Opening": 25, "Close": 75}


def test_total_points_share_by_weighted_points():
    version = make_published_version(CallTypeFactory(), TWO, method=ScorecardVersion.Method.TOTAL_POINTS)
    # Opening 1 × (1 + 1) = 2, Close 3 × (2 × 4) = 24 weighted points: 2/26 and 24/26.
    assert _shares(version) == {"Opening": Fraction(200, 26), "Close": Fraction(2400, 26)}


def test_the_edit_and_version_pages_show_the_shares_and_publishing_asks_first(client):
    manager = UserFactory(username="shares-manager", is_qa_manager=True)
    draft = make_published_version(CallTypeFactory(), TWO, status=ScorecardVersion.Status.DRAFT)
    client.force_login(manager)
    edit = client.get(reverse("scorecards:edit", args=[draft.pk])).content.decode()
    assert "weighs 25.0% of the score" in edit and "weighs 75.0% of the score" in edit
    form = edit[edit.index('id="publish-form"') - 600 : edit.index('id="publish-form"')]
    assert "data-confirm=" in form and "are frozen" in form
    version_page = client.get(reverse("scorecards:version", args=[draft.pk])).content.decode()
    assert "weighs 75.0% of the score" in version_page
