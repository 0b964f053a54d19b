"""The escalation matrix in the admin: the matrix page's checks, saved through its services."""

import pytest
from django.urls import reverse

from qa_center.kpis.models import EscalationRule
from tests.factories import UserFactory
from tests.kpis.escalations.helpers import FUNCTIONAL

pytestmark = pytest.mark.django_db


def test_a_rule_is_checked_and_saved_with_who_saved_it(client, matrix):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get(reverse("admin:kpis_escalationrule_changelist")).status_code == 200
    assert client.get(reverse("admin:kpis_escalationlevel_changelist")).status_code == 200
    add = reverse("admin:kpis_escalationrule_add")
    data = {"type": FUNCTIONAL, "reason": "Refund", "handler": matrix[0]["Team lead"].pk, "followup_hours": 4}
    response = client.post(add, data)
    assert response.status_code == 200 and "handler" in response.context["adminform"].form.errors
    response = client.post(add, data | {"handler": matrix[0]["Billing"].pk})
    assert response.status_code == 302
    assert EscalationRule.objects.get(reason="Refund").updated_by == root
