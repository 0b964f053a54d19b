"""The KPI records in the admin: readable by a superuser, never added or changed there."""

import pytest
from django.urls import reverse

from qa_center.kpis.models import KpiBenchmark, KpiComputation, KpiTarget
from tests.factories import UserFactory
from tests.kpis.helpers import DAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["kpisnapshot", "escalationsnapshot", "kpicomputation", "improvementaction"]
)
def test_the_lists_open_and_nothing_can_be_added(client, model):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(reverse(f"admin:kpis_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:kpis_{model}_add")).status_code == 403


def test_a_computation_is_read_only(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    computation = KpiComputation.objects.create(first_day=DAY, last_day=DAY, trigger="manual")
    url = reverse("admin:kpis_kpicomputation_change", args=[computation.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"trigger": "command"})
    computation.refresh_from_db()
    assert computation.trigger == "manual"


def test_targets_and_benchmarks_are_edited_in_the_admin_through_their_services(client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(
        reverse("admin:kpis_kpitarget_add"),
        {"kpi": "csat_mean", "scope_kind": "center", "scope_id": 0, "value": 7},
    )
    assert response.status_code == 200 and "from 1 to 5" in response.content.decode()
    assert not KpiTarget.objects.exists()
    client.post(
        reverse("admin:kpis_kpitarget_add"),
        {"kpi": "csat_mean", "scope_kind": "center", "scope_id": 0, "value": 4.2},
    )
    target = KpiTarget.objects.get()
    assert (target.value, target.updated_by) == (4.2, root)
    client.post(
        reverse("admin:kpis_kpibenchmark_add"), {"kpi": "nps", "value": 30, "source": "Typical figure"}
    )
    assert KpiBenchmark.objects.get().updated_by == root
