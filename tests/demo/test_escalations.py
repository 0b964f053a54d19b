"""seed_demo sets up an escalation matrix that most demo escalations follow and some do not, with overdue
follow-ups; seeded again, nothing is added."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qa_center.demo import escalations
from qa_center.kpis.escalations.selectors import insight, overdue_followups
from qa_center.kpis.models import EscalationLevel, EscalationRule

pytestmark = pytest.mark.django_db


def test_the_demo_matrix_is_followed_by_most_escalations_and_not_by_some(seeded):
    assert EscalationLevel.objects.count() == len(escalations.LEVELS)
    assert EscalationRule.objects.count() == len(escalations.RULES)
    today = timezone.localdate()
    figures = insight(team_ids=None, first=today - timedelta(days=40), last=today, now=timezone.now())
    total = figures.total
    assert total.escalations > 0
    assert 0 < total.as_matrix < total.in_matrix  # some follow the matrix, some do not
    # "Negative sentiment detected" has no rule: its escalations (the calls step picks reasons at random) are
    # the ones outside the matrix.
    outside = {row.key: row.figures.escalations for row in figures.tables["reason"]}.get(
        "Negative sentiment detected", 0
    )
    assert total.not_in_matrix == outside
    assert total.on_time > 0 and total.late > 0
    assert overdue_followups(team_ids=None, now=timezone.now()).exists()


def test_seeding_the_matrix_again_adds_nothing(seeded):
    before = list(EscalationRule.objects.order_by("pk").values_list("type", "reason", "handler__name"))
    assert escalations.seed(None) == {"new_escalation_rules": 0}
    assert (
        list(EscalationRule.objects.order_by("pk").values_list("type", "reason", "handler__name")) == before
    )
