"""The KPI computations page and its recompute button: managers only; the task is queued on commit."""

from datetime import date

import pytest
from django.urls import reverse

from qa_center.kpis.models import KpiComputation, KpiSnapshot
from tests.factories import CallFactory
from tests.kpis.helpers import DAY, at

pytestmark = pytest.mark.django_db

PAGE = reverse("kpis:computations")
RECOMPUTE = reverse("kpis:recompute")


@pytest.fixture(autouse=True)
def _riga(settings):
    settings.TIME_ZONE = "Europe/Riga"


@pytest.mark.parametrize("role", ["agent", "reviewer", "lead"])
def test_only_managers_see_the_page_or_recompute(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 403
    assert client.post(RECOMPUTE, {"first_day": "2026-03-01", "last_day": "2026-03-31"}).status_code == 403
    assert not KpiComputation.objects.exists()


def test_the_page_shows_the_last_computation(client, manager, django_assert_num_queries):
    client.force_login(manager)
    response = client.get(PAGE)
    assert response.status_code == 200 and response.context["last"] is None
    for day in (1, 2, 3):
        KpiComputation.objects.create(
            first_day=date(2026, 3, day), last_day=date(2026, 3, day), trigger="schedule"
        )
    with django_assert_num_queries(4):  # session, user, the bell, computations
        response = client.get(PAGE)
    assert response.context["last"].first_day == date(2026, 3, 3)
    assert len(response.context["recent"]) == 3
    for day in range(4, 30):
        KpiComputation.objects.create(
            first_day=date(2026, 3, day), last_day=date(2026, 3, day), trigger="schedule"
        )
    with django_assert_num_queries(4):
        response = client.get(PAGE)
    assert len(response.context["recent"]) == 10


def test_recompute_queues_the_computation_on_commit(
    client, manager, agent, call_type, django_capture_on_commit_callbacks
):
    CallFactory(agent=agent, call_type=call_type, started_at=at(DAY, 9))
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(RECOMPUTE, {"first_day": "2026-03-01", "last_day": "2026-03-31"})
    assert response.status_code == 302 and response["Location"] == PAGE
    computation = KpiComputation.objects.get()
    assert (computation.status, computation.trigger, computation.requested_by) == (
        "queued",
        "manual",
        manager,
    )
    assert not KpiSnapshot.objects.exists()  # nothing runs before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the (eager) task runs
    computation.refresh_from_db()
    assert computation.status == "done" and computation.snapshots > 0
    assert (
        KpiSnapshot.objects.filter(period_kind="day", period_start=DAY, scope_kind="center").get().calls == 1
    )
    assert "Done" in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_day": "2026-03-31", "last_day": "2026-03-01"}, "last_day"),
        ({"first_day": "2020-01-01", "last_day": "2026-03-01"}, "first_day"),
        ({"first_day": "", "last_day": "2026-03-01"}, "first_day"),
    ],
)
def test_a_bad_range_is_refused_next_to_its_field(client, manager, data, field):
    client.force_login(manager)
    response = client.post(RECOMPUTE, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not KpiComputation.objects.exists()
