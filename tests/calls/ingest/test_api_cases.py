"""POST /api/v1/cases/{case_id}/resolve/: the helpdesk's webhook marks every call of a case resolved."""

from datetime import UTC, datetime

import pytest

from calls import services
from calls.models import Call
from tests.calls.ingest.helpers import token_client
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/HD-77/resolve/"
RESOLVED_AT = datetime(2025, 2, 3, 15, 30, tzinfo=UTC)


@pytest.fixture
def api(db):
    client, _token, _secret = token_client(name="Helpdesk")
    return client


@pytest.fixture
def case_calls(agent):
    return CallFactory.create_batch(3, agent=agent, case_id="HD-77", resolved=False, resolved_at=None)


def test_resolves_every_call_of_the_case(api, case_calls, agent):
    other = CallFactory(agent=agent, case_id="HD-78", resolved=False)
    response = api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "case_id": "HD-77",
        "resolved_at": "2025-02-03T15:30:00Z",
        "calls": 3,
        "changed": 3,
    }
    assert set(Call.objects.filter(case_id="HD-77").values_list("resolved", "resolved_at")) == {
        (True, RESOLVED_AT)
    }
    other.refresh_from_db()
    assert other.resolved is False and other.resolved_at is None


def test_resolving_twice_changes_nothing_the_second_time(api, case_calls):
    api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    before = dict(Call.objects.values_list("pk", "updated_at"))
    response = api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    assert response.status_code == 200
    assert response.json()["changed"] == 0
    assert response.json()["calls"] == 3
    assert dict(Call.objects.values_list("pk", "updated_at")) == before
    assert Call.objects.filter(case_id="HD-77", resolved=True, resolved_at=RESOLVED_AT).count() == 3


def test_unknown_case_is_404(api, case_calls):
    response = api.post("/api/v1/cases/NOPE/resolve/", {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("payload", [{}, {"resolved_at": "when it is done"}, {"resolved_at": None}])
def test_resolved_at_is_required_and_a_datetime(api, case_calls, payload):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["resolved_at"]
    assert not Call.objects.filter(resolved=True).exists()


def test_query_count(api, case_calls, django_assert_num_queries):
    # token lookup + last-used update, savepoint, count, update, release: the same for 3 calls or 3,000
    with django_assert_num_queries(6):
        api.post(URL, {"resolved_at": "2025-02-03T15:30:00Z"}, format="json")


def test_service_returns_counts(case_calls):
    result = services.resolve_case(case_id="HD-77", resolved_at=RESOLVED_AT)
    assert (result.calls, result.changed) == (3, 3)
    assert services.resolve_case(case_id="nothing", resolved_at=RESOLVED_AT).calls == 0
