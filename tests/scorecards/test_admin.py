"""The admin of scorecards: a published (frozen) version cannot be changed there."""

import pytest
from django.urls import reverse

from scorecards.models import ScorecardVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_cannot_change_a_published_version(client, default_version):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:scorecards_scorecardversion_change", args=[default_version.pk])
    client.post(
        url,
        {
            "number": default_version.number,
            "status": "published",
            "scoring_method": "total_points",
            "pass_mark": "10",
        },
    )
    default_version.refresh_from_db()
    assert (default_version.pass_mark, default_version.scoring_method) == (
        85,
        ScorecardVersion.Method.WEIGHTED_SECTIONS,
    )
    page = client.get(url).content.decode()
    assert 'name="pass_mark"' not in page  # shown read-only
